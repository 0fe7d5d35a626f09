package io.impacketsensor.core.event;

import java.util.UUID;

/**
 * Names of the DCE/RPC interfaces and operations that matter for detection (INDICATORS.md §2,
 * MS-SCMR, MS-RRP, MS-LSAT/LSAD, MS-SAMR, MS-SRVS, MS-WKST, MS-NRPC, MS-TSCH, MS-DRSR, MS-DCOM,
 * MS-WMI, MS-OAUT, MS-EFSR, MS-RPRN, MS-BKRP, MS-EVEN, MS-DFSNM, MS-FSRVP, C706 appendix O). Events keep raw UUIDs and
 * opnums; this table names them at output. Decoders use the index constants to pick a stub
 * decoder once per bind instead of comparing UUIDs per PDU. Unknown UUIDs and opnums give null.
 */
public final class RpcInterfaces {
    public static final int UNKNOWN = -1;
    public static final int SVCCTL = 0;
    public static final int ATSVC = 1;
    public static final int TSCH = 2;
    public static final int WINREG = 3;
    public static final int DRSUAPI = 4;
    public static final int SAMR = 5;
    public static final int LSARPC = 6;
    public static final int SRVSVC = 7;
    public static final int WKSSVC = 8;
    public static final int NETLOGON = 9;
    public static final int EPMAPPER = 10;
    public static final int REMOTE_SCM_ACTIVATOR = 11;
    public static final int IACTIVATION = 12;
    public static final int OBJECT_EXPORTER = 13;
    public static final int REM_UNKNOWN = 14;
    public static final int REM_UNKNOWN2 = 15;
    public static final int WBEM_LEVEL1_LOGIN = 16;
    public static final int WBEM_SERVICES = 17;
    public static final int IDISPATCH = 18;
    public static final int EFSRPC_LSA = 19;
    public static final int EFSRPC = 20;
    public static final int SPOOLSS = 21;
    public static final int BACKUPKEY = 22;
    public static final int EVENTLOG = 23;
    public static final int MGMT = 24;
    public static final int DSSETUP = 25;
    public static final int NETDFS = 26;
    public static final int FSRVP = 27;
    public static final int ITYPEINFO = 28;
    public static final int ICLASSFACTORY = 29;
    public static final int IPROVIDECLASSINFO = 30;
    public static final int ENUM_WBEM_CLASS_OBJECT = 31;
    public static final int WBEM_FETCH_SMART_ENUM = 32;
    public static final int WBEM_WCO_SMART_ENUM = 33;
    public static final int WBEM_LOGIN_CLIENT_ID = 34;

    private static final String[][] TABLE = {
        {"367abb81-9844-35f1-ad32-98f038001003", "svcctl",
            "0 CloseServiceHandle,1 ControlService,2 DeleteService,3 LockServiceDatabase,4 QueryServiceObjectSecurity,"
            + "5 SetServiceObjectSecurity,6 QueryServiceStatus,7 SetServiceStatus,8 UnlockServiceDatabase,"
            + "9 NotifyBootConfigStatus,11 ChangeServiceConfigW,12 CreateServiceW,13 EnumDependentServicesW,"
            + "14 EnumServicesStatusW,15 OpenSCManagerW,16 OpenServiceW,17 QueryServiceConfigW,18 QueryServiceLockStatusW,"
            + "19 StartServiceW,20 GetServiceDisplayNameW,21 GetServiceKeyNameW,23 ChangeServiceConfigA,24 CreateServiceA,"
            + "26 EnumServicesStatusA,27 OpenSCManagerA,28 OpenServiceA,29 QueryServiceConfigA,31 StartServiceA,"
            + "37 ChangeServiceConfig2W,39 QueryServiceConfig2W,40 QueryServiceStatusEx,41 EnumServicesStatusExA,42 EnumServicesStatusExW,"
            + "44 CreateServiceWOW64A,45 CreateServiceWOW64W"},
        {"1ff70682-0a51-30e8-076d-740be8cee98b", "atsvc", "0 NetrJobAdd,1 NetrJobDel,2 NetrJobEnum,3 NetrJobGetInfo"},
        {"86d35949-83c9-4044-b424-db363231fd0c", "ITaskSchedulerService",
            "0 SchRpcHighestVersion,1 SchRpcRegisterTask,2 SchRpcRetrieveTask,3 SchRpcCreateFolder,4 SchRpcSetSecurity,"
            + "5 SchRpcGetSecurity,6 SchRpcEnumFolders,7 SchRpcEnumTasks,8 SchRpcEnumInstances,9 SchRpcGetInstanceInfo,"
            + "10 SchRpcStopInstance,11 SchRpcStop,12 SchRpcRun,13 SchRpcDelete,14 SchRpcRename,"
            + "15 SchRpcScheduledRuntimes,16 SchRpcGetLastRunInfo,17 SchRpcGetTaskInfo,18 SchRpcGetNumberOfMissedRuns,"
            + "19 SchRpcEnableTask"},
        {"338cd001-2244-31f1-aaaa-900038001003", "winreg",
            "0 OpenClassesRoot,1 OpenCurrentUser,2 OpenLocalMachine,3 OpenPerformanceData,4 OpenUsers,5 BaseRegCloseKey,"
            + "6 BaseRegCreateKey,7 BaseRegDeleteKey,8 BaseRegDeleteValue,9 BaseRegEnumKey,10 BaseRegEnumValue,"
            + "11 BaseRegFlushKey,12 BaseRegGetKeySecurity,13 BaseRegLoadKey,14 BaseRegNotifyChangeKeyValue,"
            + "15 BaseRegOpenKey,16 BaseRegQueryInfoKey,17 BaseRegQueryValue,18 BaseRegReplaceKey,19 BaseRegRestoreKey,"
            + "20 BaseRegSaveKey,21 BaseRegSetKeySecurity,22 BaseRegSetValue,23 BaseRegUnLoadKey,"
            + "24 BaseInitiateSystemShutdown,25 BaseAbortSystemShutdown,26 BaseRegGetVersion,27 OpenCurrentConfig,"
            + "29 BaseRegQueryMultipleValues,30 BaseInitiateSystemShutdownEx,31 BaseRegSaveKeyEx,32 OpenPerformanceText,"
            + "33 OpenPerformanceNlsText,34 BaseRegQueryMultipleValues2,35 BaseRegDeleteKeyEx"},
        {"e3514235-4b06-11d1-ab04-00c04fc2dcd2", "drsuapi",
            "0 DRSBind,1 DRSUnbind,2 DRSReplicaSync,3 DRSGetNCChanges,4 DRSUpdateRefs,5 DRSReplicaAdd,6 DRSReplicaDel,"
            + "7 DRSReplicaModify,8 DRSVerifyNames,9 DRSGetMemberships,10 DRSInterDomainMove,11 DRSGetNT4ChangeLog,"
            + "12 DRSCrackNames,13 DRSWriteSPN,14 DRSRemoveDsServer,15 DRSRemoveDsDomain,16 DRSDomainControllerInfo,"
            + "17 DRSAddEntry,18 DRSExecuteKCC,19 DRSGetReplInfo,20 DRSAddSidHistory,21 DRSGetMemberships2,"
            + "22 DRSReplicaVerifyObjects,23 DRSGetObjectExistence,24 DRSQuerySitesByCost"},
        {"12345778-1234-abcd-ef00-0123456789ac", "samr",
            "0 SamrConnect,1 SamrCloseHandle,2 SamrSetSecurityObject,3 SamrQuerySecurityObject,"
            + "5 SamrLookupDomainInSamServer,6 SamrEnumerateDomainsInSamServer,7 SamrOpenDomain,"
            + "8 SamrQueryInformationDomain,9 SamrSetInformationDomain,10 SamrCreateGroupInDomain,"
            + "11 SamrEnumerateGroupsInDomain,12 SamrCreateUserInDomain,13 SamrEnumerateUsersInDomain,"
            + "14 SamrCreateAliasInDomain,15 SamrEnumerateAliasesInDomain,16 SamrGetAliasMembership,"
            + "17 SamrLookupNamesInDomain,18 SamrLookupIdsInDomain,19 SamrOpenGroup,20 SamrQueryInformationGroup,"
            + "21 SamrSetInformationGroup,22 SamrAddMemberToGroup,23 SamrDeleteGroup,24 SamrRemoveMemberFromGroup,"
            + "25 SamrGetMembersInGroup,26 SamrSetMemberAttributesOfGroup,27 SamrOpenAlias,28 SamrQueryInformationAlias,"
            + "29 SamrSetInformationAlias,30 SamrDeleteAlias,31 SamrAddMemberToAlias,32 SamrRemoveMemberFromAlias,"
            + "33 SamrGetMembersInAlias,34 SamrOpenUser,35 SamrDeleteUser,36 SamrQueryInformationUser,"
            + "37 SamrSetInformationUser,38 SamrChangePasswordUser,39 SamrGetGroupsForUser,"
            + "40 SamrQueryDisplayInformation,41 SamrGetDisplayEnumerationIndex,"
            + "44 SamrGetUserDomainPasswordInformation,45 SamrRemoveMemberFromForeignDomain,"
            + "46 SamrQueryInformationDomain2,47 SamrQueryInformationUser2,48 SamrQueryDisplayInformation2,"
            + "49 SamrGetDisplayEnumerationIndex2,50 SamrCreateUser2InDomain,51 SamrQueryDisplayInformation3,"
            + "52 SamrAddMultipleMembersToAlias,53 SamrRemoveMultipleMembersFromAlias,54 SamrOemChangePasswordUser2,"
            + "55 SamrUnicodeChangePasswordUser2,56 SamrGetDomainPasswordInformation,57 SamrConnect2,"
            + "58 SamrSetInformationUser2,62 SamrConnect4,63 SamrUnicodeChangePasswordUser3,64 SamrConnect5,65 SamrRidToSid,66 SamrSetDSRMPassword,"
            + "67 SamrValidatePassword"},
        {"12345778-1234-abcd-ef00-0123456789ab", "lsarpc",
            "0 LsarClose,2 LsarEnumeratePrivileges,3 LsarQuerySecurityObject,4 LsarSetSecurityObject,6 LsarOpenPolicy,"
            + "7 LsarQueryInformationPolicy,8 LsarSetInformationPolicy,10 LsarCreateAccount,11 LsarEnumerateAccounts,"
            + "12 LsarCreateTrustedDomain,13 LsarEnumerateTrustedDomains,14 LsarLookupNames,15 LsarLookupSids,"
            + "16 LsarCreateSecret,17 LsarOpenAccount,18 LsarEnumeratePrivilegesAccount,28 LsarOpenSecret,"
            + "30 LsarQuerySecret,31 LsarLookupPrivilegeValue,32 LsarLookupPrivilegeName,"
            + "35 LsarEnumerateAccountsWithUserRight,36 LsarEnumerateAccountRights,37 LsarAddAccountRights,"
            + "38 LsarRemoveAccountRights,42 LsarStorePrivateData,43 LsarRetrievePrivateData,44 LsarOpenPolicy2,45 LsarGetUserName,46 LsarQueryInformationPolicy2,"
            + "57 LsarLookupSids2,58 LsarLookupNames2,68 LsarLookupNames3,76 LsarLookupSids3,77 LsarLookupNames4"},
        {"4b324fc8-1670-01d3-1278-5a47bf6ee188", "srvsvc",
            "8 NetrConnectionEnum,9 NetrFileEnum,11 NetrFileClose,12 NetrSessionEnum,13 NetrSessionDel,14 NetrShareAdd,"
            + "15 NetrShareEnum,16 NetrShareGetInfo,17 NetrShareSetInfo,18 NetrShareDel,21 NetrServerGetInfo,"
            + "22 NetrServerSetInfo,23 NetrServerDiskEnum,24 NetrServerStatisticsGet,26 NetrServerTransportEnum,"
            + "28 NetrRemoteTOD,30 NetprPathType,31 NetprPathCanonicalize,32 NetprPathCompare,33 NetprNameValidate,"
            + "34 NetprNameCanonicalize,35 NetprNameCompare,36 NetrShareEnumSticky"},
        {"6bffd098-a112-3610-9833-46c3f87e345a", "wkssvc",
            "0 NetrWkstaGetInfo,1 NetrWkstaSetInfo,2 NetrWkstaUserEnum,5 NetrWkstaTransportEnum"},
        {"12345678-1234-abcd-ef00-01234567cffb", "netlogon",
            "2 NetrLogonSamLogon,3 NetrLogonSamLogoff,4 NetrServerReqChallenge,5 NetrServerAuthenticate,"
            + "6 NetrServerPasswordSet,15 NetrServerAuthenticate2,21 NetrLogonGetCapabilities,"
            + "26 NetrServerAuthenticate3,29 NetrLogonGetDomainInfo,30 NetrServerPasswordSet2,34 DsrGetDcNameEx2,"
            + "39 NetrLogonSamLogonEx,40 DsrEnumerateDomainTrusts"},
        {"e1af8308-5d1f-11c9-91a4-08002b14a0fa", "epmapper",
            "0 ept_insert,1 ept_delete,2 ept_lookup,3 ept_map,4 ept_lookup_handle_free,5 ept_inq_object,6 ept_mgmt_delete"},
        {"000001a0-0000-0000-c000-000000000046", "IRemoteSCMActivator",
            "0 RemoteActivation,3 RemoteGetClassObject,4 RemoteCreateInstance"},
        {"4d9f4ab8-7d1c-11cf-861e-0020af6e7c57", "IActivation", "0 RemoteActivation"},
        {"99fcfec4-5260-101b-bbcb-00aa0021347a", "IObjectExporter",
            "0 ResolveOxid,1 SimplePing,2 ComplexPing,3 ServerAlive,4 ResolveOxid2,5 ServerAlive2"},
        {"00000131-0000-0000-c000-000000000046", "IRemUnknown", "3 RemQueryInterface,4 RemAddRef,5 RemRelease"},
        {"00000143-0000-0000-c000-000000000046", "IRemUnknown2",
            "3 RemQueryInterface,4 RemAddRef,5 RemRelease,6 RemQueryInterface2"},
        {"f309ad18-d86a-11d0-a075-00c04fb68820", "IWbemLevel1Login",
            "3 EstablishPosition,4 RequestChallenge,5 WBEMLogin,6 NTLMLogin"},
        {"9556dc99-828c-11cf-a37e-00aa003240c7", "IWbemServices",
            "3 OpenNamespace,4 CancelAsyncCall,5 QueryObjectSink,6 GetObject,7 GetObjectAsync,8 PutClass,"
            + "9 PutClassAsync,10 DeleteClass,11 DeleteClassAsync,12 CreateClassEnum,13 CreateClassEnumAsync,"
            + "14 PutInstance,15 PutInstanceAsync,16 DeleteInstance,17 DeleteInstanceAsync,18 CreateInstanceEnum,"
            + "19 CreateInstanceEnumAsync,20 ExecQuery,21 ExecQueryAsync,22 ExecNotificationQuery,"
            + "23 ExecNotificationQueryAsync,24 ExecMethod,25 ExecMethodAsync"},
        {"00020400-0000-0000-c000-000000000046", "IDispatch",
            "3 GetTypeInfoCount,4 GetTypeInfo,5 GetIDsOfNames,6 Invoke"},
        {"c681d488-d850-11d0-8c52-00c04fd90f7e", "efsrpc",
            "0 EfsRpcOpenFileRaw,1 EfsRpcReadFileRaw,2 EfsRpcWriteFileRaw,3 EfsRpcCloseRaw,4 EfsRpcEncryptFileSrv,"
            + "5 EfsRpcDecryptFileSrv,6 EfsRpcQueryUsersOnFile,7 EfsRpcQueryRecoveryAgents,"
            + "8 EfsRpcRemoveUsersFromFile,9 EfsRpcAddUsersToFile,12 EfsRpcFileKeyInfo,"
            + "13 EfsRpcDuplicateEncryptionInfoFile,15 EfsRpcAddUsersToFileEx,16 EfsRpcFileKeyInfoEx,"
            + "18 EfsRpcGetEncryptedFileMetadata,19 EfsRpcSetEncryptedFileMetadata,20 EfsRpcFlushEfsCache,"
            + "21 EfsRpcEncryptFileExSrv,22 EfsRpcQueryProtectors"},
        {"df1941c5-fe89-4e79-bf10-463657acf44d", "efsrpc",
            "0 EfsRpcOpenFileRaw,1 EfsRpcReadFileRaw,2 EfsRpcWriteFileRaw,3 EfsRpcCloseRaw,4 EfsRpcEncryptFileSrv,"
            + "5 EfsRpcDecryptFileSrv,6 EfsRpcQueryUsersOnFile,7 EfsRpcQueryRecoveryAgents,"
            + "8 EfsRpcRemoveUsersFromFile,9 EfsRpcAddUsersToFile,12 EfsRpcFileKeyInfo,"
            + "13 EfsRpcDuplicateEncryptionInfoFile,15 EfsRpcAddUsersToFileEx,16 EfsRpcFileKeyInfoEx,"
            + "18 EfsRpcGetEncryptedFileMetadata,19 EfsRpcSetEncryptedFileMetadata,20 EfsRpcFlushEfsCache,"
            + "21 EfsRpcEncryptFileExSrv,22 EfsRpcQueryProtectors"},
        {"12345678-1234-abcd-ef00-0123456789ab", "spoolss",
            "0 RpcEnumPrinters,1 RpcOpenPrinter,10 RpcEnumPrinterDrivers,29 RpcClosePrinter,"
            + "62 RpcRemoteFindFirstPrinterChangeNotification,65 RpcRemoteFindFirstPrinterChangeNotificationEx,"
            + "69 RpcOpenPrinterEx,89 RpcAddPrinterDriverEx"},
        {"3dde7c30-165d-11d1-ab8f-00805f14db40", "BackupKey", "0 BackuprKey"},
        {"82273fdc-e32a-18c3-3f78-827929dc23ea", "eventlog",
            "0 ElfrClearELFW,1 ElfrBackupELFW,2 ElfrCloseEL,3 ElfrDeregisterEventSource,4 ElfrNumberOfRecords,"
            + "5 ElfrOldestRecord,7 ElfrOpenELW,8 ElfrRegisterEventSourceW,9 ElfrOpenBELW,10 ElfrReadELW,"
            + "11 ElfrReportEventW,16 ElfrOpenBELA"},
        {"afa8bd80-7d8a-11c9-bef4-08002b102989", "mgmt",
            "0 inq_if_ids,1 inq_stats,2 is_server_listening,3 stop_server_listening,4 inq_princ_name"},
        // MS-DSSP 3.2.5 names opnum 0 and leaves 1-8 unused on the wire; 9 and 10 are the Windows
        // 2000 upgrade calls (Samba dssetup.idl), opnum 9 the MS04-011 LSASS overflow's entry point.
        {"3919286a-b10c-11d0-9ba8-00c04fd92ef5", "dssetup",
            "0 DsRolerGetPrimaryDomainInformation,1 DsRolerDnsNameToFlatName,2 DsRolerDcAsDc,3 DsRolerDcAsReplica,"
            + "4 DsRolerDemoteDc,5 DsRolerGetDcOperationProgress,6 DsRolerGetDcOperationResults,7 DsRolerCancel,"
            + "8 DsRolerServerSaveStateForUpgrade,9 DsRolerUpgradeDownlevelServer,"
            + "10 DsRolerAbortDownlevelServerUpgrade"},
        // MS-DFSNM 3.1.4 (\PIPE\netdfs), MS-FSRVP 3.1.4 (\PIPE\FssagentRpc): the DFSCoerce and ShadowCoerce calls.
        {"4fc742e0-4a10-11cf-8273-00aa004ae673", "netdfs",
            "0 NetrDfsManagerGetVersion,1 NetrDfsAdd,2 NetrDfsRemove,10 NetrDfsAddFtRoot,11 NetrDfsRemoveFtRoot,"
            + "12 NetrDfsAddStdRoot,13 NetrDfsRemoveStdRoot"},
        {"a8e0653c-2744-4389-a61d-7373df8b2292", "FileServerVssAgent",
            "0 GetSupportedVersion,1 SetContext,2 StartShadowCopySet,3 AddToShadowCopySet,4 CommitShadowCopySet,"
            + "5 ExposeShadowCopySet,6 RecoveryCompleteShadowCopySet,7 AbortShadowCopySet,8 IsPathSupported,"
            + "9 IsPathShadowCopied,10 GetShareMapping,11 DeleteShareMapping,12 PrepareShadowCopySet"},
        // MS-OAUT 3.7.4: what a DCOM client asks an IDispatch object about its methods (ShellWindows'
        // ShellExecute is found this way, then invoked by dispid).
        {"00020401-0000-0000-c000-000000000046", "ITypeInfo",
            "3 GetTypeAttr,4 GetTypeComp,5 GetFuncDesc,6 GetVarDesc,7 GetNames,8 GetRefTypeOfImplType,"
            + "9 GetImplTypeFlags,12 GetDocumentation,13 GetDllEntry,14 GetRefTypeInfo,16 CreateInstance,"
            + "17 GetMops,18 GetContainingTypeLib"},
        // objidl.idl: the class object RemoteGetClassObject returns (Excel.Application RegisterXLL).
        {"00000001-0000-0000-c000-000000000046", "IClassFactory", "3 RemoteCreateInstance,4 RemoteLockServer"},
        {"b196b283-bab4-101a-b69c-00aa00341d07", "IProvideClassInfo", "3 GetClassInfo"},
        // MS-WMI 1.9: the result enumerators of ExecQuery/CreateInstanceEnum and the client's login hint.
        {"027947e1-d731-11ce-a357-000000000001", "IEnumWbemClassObject", "3 Reset,4 Next,5 NextAsync,6 Clone,7 Skip"},
        {"1c1c45ee-4395-11d2-b60b-00104b703efd", "IWbemFetchSmartEnum", "3 GetSmartEnum"},
        {"423ec01e-2e35-11d2-b604-00104b703efd", "IWbemWCOSmartEnum", "3 Next"},
        {"d4781cd6-e5d3-44df-ad94-930efe48a887", "IWbemLoginClientID", "3 SetClientInfo"},
    };

    private static final UUID[] UUIDS = new UUID[TABLE.length];
    private static final String[][] OPNUMS = new String[TABLE.length][];

    static {
        for (int i = 0; i < TABLE.length; i++) {
            UUIDS[i] = UUID.fromString(TABLE[i][0]);
            int max = 0;
            for (String item : TABLE[i][2].split(",")) {
                max = Math.max(max, Integer.parseInt(item.substring(0, item.indexOf(' '))));
            }
            String[] names = new String[max + 1];
            for (String item : TABLE[i][2].split(",")) {
                int sp = item.indexOf(' ');
                names[Integer.parseInt(item.substring(0, sp))] = item.substring(sp + 1);
            }
            OPNUMS[i] = names;
        }
    }

    /**
     * The indexes (plus one; 0 is an empty slot) by a hash of the UUID, open addressing: every
     * DCE/RPC request is looked up, and a request of an unknown interface would otherwise be compared
     * with every UUID of the table. The first index of a UUID listed twice wins, as in table order.
     */
    private static final int[] SLOTS = new int[Integer.highestOneBit(TABLE.length * 4)];

    static {
        for (int i = 0; i < UUIDS.length; i++) {
            int h = slot(UUIDS[i]);
            while (SLOTS[h] != 0 && !UUIDS[SLOTS[h] - 1].equals(UUIDS[i])) {
                h = (h + 1) & (SLOTS.length - 1);
            }
            if (SLOTS[h] == 0) {
                SLOTS[h] = i + 1;
            }
        }
    }

    private static int slot(UUID u) {
        long x = u.getMostSignificantBits() ^ u.getLeastSignificantBits();
        return (int) ((x ^ (x >>> 32)) * 0x9E3779B9L >>> 16) & (SLOTS.length - 1);
    }

    private RpcInterfaces() {
    }

    /** Number of known interfaces (indexes 0 .. count-1). */
    public static int count() {
        return UUIDS.length;
    }

    /** The index of a known interface UUID, or {@link #UNKNOWN}. */
    public static int indexOf(UUID uuid) {
        if (uuid == null) {
            return UNKNOWN;
        }
        for (int h = slot(uuid); SLOTS[h] != 0; h = (h + 1) & (SLOTS.length - 1)) {
            if (UUIDS[SLOTS[h] - 1].equals(uuid)) {
                return SLOTS[h] - 1;
            }
        }
        return UNKNOWN;
    }

    public static UUID uuid(int index) {
        return index >= 0 && index < UUIDS.length ? UUIDS[index] : null;
    }

    /** The interface's short name (e.g. {@code svcctl}), or null when unknown. */
    public static String name(int index) {
        return index >= 0 && index < UUIDS.length ? TABLE[index][1] : null;
    }

    public static String name(UUID uuid) {
        return name(indexOf(uuid));
    }

    /** The operation name (e.g. {@code CreateServiceW}), or null when the interface or opnum is unknown. */
    public static String operation(int index, int opnum) {
        if (index < 0 || index >= OPNUMS.length || opnum < 0 || opnum >= OPNUMS[index].length) {
            return null;
        }
        return OPNUMS[index][opnum];
    }

    public static String operation(UUID uuid, int opnum) {
        return operation(indexOf(uuid), opnum);
    }
}
