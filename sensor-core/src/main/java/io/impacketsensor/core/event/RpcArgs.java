package io.impacketsensor.core.event;

import java.util.List;
import java.util.UUID;

/**
 * Typed arguments (or results) of the DCE/RPC operations that matter for detection, decoded from
 * cleartext NDR stubs. Interface and opnum references: MS-SCMR, MS-RRP, MS-LSAT, MS-SAMR, MS-SRVS,
 * MS-TSCH, C706 Appendix O (ept_map, ept_lookup), MS-WMI/MS-OAUT, MS-DRSR, MS-EFSR, MS-RPRN, MS-DFSNM, MS-FSRVP, MS-EVEN.
 */
public sealed interface RpcArgs {

    /** svcctl ROpenSCManagerW (opnum 15). Impacket sends machine name {@code DUMMY}. */
    record ScmOpenManager(String machineName, String databaseName, int desiredAccess) implements RpcArgs {
    }

    /** svcctl RCreateServiceW (opnum 12). */
    record ScmCreateService(String serviceName, String displayName, String binaryPath, int serviceType,
                            int startType, int desiredAccess) implements RpcArgs {
    }

    /** svcctl ROpenServiceW (opnum 16). */
    record ScmOpenService(String serviceName, int desiredAccess) implements RpcArgs {
    }

    /** svcctl RChangeServiceConfigW (opnum 11); -1 / null for "no change". */
    record ScmChangeServiceConfig(int serviceType, int startType, String binaryPath) implements RpcArgs {
    }

    /** svcctl RStartServiceW (19), RDeleteService (2), RControlService (1): the service name behind the handle when known, and the control code (ControlService only, else -1). */
    record ScmServiceAction(int opnum, String serviceName, int control) implements RpcArgs {
    }

    /** winreg OpenKey (15) / CreateKey (6): the sub key path. */
    record RegOpenKey(boolean create, String keyPath) implements RpcArgs {
    }

    /** winreg BaseRegSaveKey (20): the file the hive is saved to, and the key path when known. */
    record RegSaveKey(String fileName, String keyPath) implements RpcArgs {
    }

    /** winreg BaseRegQueryValue (17): the value name, and the key path when known. */
    record RegQueryValue(String valueName, String keyPath) implements RpcArgs {
    }

    /** lsarpc LsarLookupSids (15) / LsarLookupSids2/3: how many SIDs and the RID range. */
    record LsaLookupSids(int count, String domainSid, long minRid, long maxRid) implements RpcArgs {
    }

    /** lsarpc LsarLookupNames (14) and variants, samr LookupNamesInDomain (17): the names. */
    record LookupNames(List<String> names) implements RpcArgs {
    }

    /** samr calls that name a domain or enumerate (connect, lookup domain, enumerate users/groups/aliases). */
    record SamrCall(int opnum, String name) implements RpcArgs {
    }

    /** samr SamrCreateUser2InDomain (50). accountType: USER_NORMAL_ACCOUNT 0x10, WORKSTATION_TRUST 0x80. */
    record SamrCreateUser(String accountName, int accountType, int desiredAccess) implements RpcArgs {
    }

    /** samr SamrSetInformationUser2 (58) / SetInformationUser (37). */
    record SamrSetUserInfo(int infoClass) implements RpcArgs {
    }

    /** srvsvc NetrShareEnum (15) level, NetrSessionEnum (12) level. */
    record SrvsvcEnum(int opnum, int level) implements RpcArgs {
    }

    /** epmapper ept_map (3): the interface asked for (request). */
    record EpmMapRequest(UUID interfaceUuid, int versionMajor) implements RpcArgs {
    }

    /**
     * epmapper ept_map (3) answer: the TCP port (0 if none), the host address when given, and the
     * named pipe (lower case, without {@code \PIPE\}) when the tower names one instead of a port.
     */
    record EpmMapResult(UUID interfaceUuid, int tcpPort, String ip, String pipe) implements RpcArgs {
        /** An answer naming a TCP port. */
        public EpmMapResult(UUID interfaceUuid, int tcpPort, String ip) {
            this(interfaceUuid, tcpPort, ip, null);
        }
    }

    /** TSCH SchRpcRegisterTask (1): the task path and, when unsealed, the XML. Other TSCH calls: path only. */
    record TaskRegister(int opnum, String path, String xml) implements RpcArgs {
    }

    /** atsvc NetrJobAdd (0): the command. */
    record AtJobAdd(String command) implements RpcArgs {
    }

    /**
     * DCOM/WMI stubs (IWbemServices ExecMethod, IWbemLevel1Login NTLMLogin, IDispatch GetIDsOfNames
     * and Invoke): the UTF-16 strings visible in the stub, e.g. {@code Win32_Process}, {@code Create},
     * {@code ExecuteShellCommand}, {@code ShellExecute}.
     */
    record DcomStrings(List<String> strings, DcomCall call) implements RpcArgs {
        /** The strings of a stub whose arguments were not read one by one. */
        public DcomStrings(List<String> strings) {
            this(strings, null);
        }
    }

    /**
     * The arguments of a cleartext WMI or IDispatch call read at their places in the stub (MS-WMI
     * 3.1.4.1.4 NTLMLogin, 3.1.4.3.18/.20 ExecQuery/ExecNotificationQuery, 3.1.4.3.22/.23 ExecMethod;
     * MS-OAUT 3.1.4.3/3.1.4.4 GetIDsOfNames/Invoke); each is null (or empty, or -1 for the dispid)
     * when the operation has no such argument.
     *
     * @param namespace  NTLMLogin wszNetworkResource, e.g. {@code //./root/cimv2}
     * @param className  the class of ExecMethod's object path ({@code Win32_Process}) or of the
     *                   object PutInstance writes ({@code __EventFilter}, {@code CommandLineEventConsumer})
     * @param method     ExecMethod strMethodName, e.g. {@code Create}
     * @param query      ExecQuery/ExecNotificationQuery strQuery (WQL)
     * @param names      GetIDsOfNames rgszNames, e.g. {@code ShellExecute}
     * @param dispid     Invoke dispIdMember, or -1
     */
    record DcomCall(String namespace, String className, String method, String query, List<String> names,
                    long dispid) {
    }

    /**
     * IRemUnknown(2) RemQueryInterface (3) / RemQueryInterface2 (6) (MS-DCOM 3.1.1.5.6.1.1): the IPID
     * of an interface on the object being asked, and the interfaces asked for.
     */
    record DcomQueryInterface(UUID ipid, List<UUID> iids) implements RpcArgs {
    }

    /**
     * IRemUnknown RemAddRef (4) / RemRelease (5) (MS-DCOM 3.1.1.5.6.1.2/3): the IPIDs whose references
     * are added or released.
     */
    record DcomReferences(int opnum, List<UUID> ipids) implements RpcArgs {
    }

    /**
     * One interface of a DCOM object as an OBJREF's STDOBJREF gives it (MS-DCOM 2.2.18.2).
     *
     * @param iid  the interface
     * @param ipid the interface pointer id a client puts in the object UUID of its calls
     * @param oxid the object exporter (the server process) that serves it
     * @param oid  the object
     */
    record DcomRef(UUID iid, UUID ipid, long oxid, long oid) {
    }

    /**
     * What an answer tells about DCOM objects: the interfaces an activation (RemoteCreateInstance,
     * RemoteGetClassObject: PropsOutInfo and ScmReplyInfo, MS-DCOM 2.2.22.2.7/2.2.22.2.8;
     * RemoteActivation 3.1.2.5.1.1) or a RemQueryInterface (REMQIRESULT, 2.2.23) returned, and the
     * string bindings of the object exporter (DUALSTRINGARRAY 2.2.19; also from IObjectExporter
     * ResolveOxid2 / ServerAlive2, 3.1.2.5.1.5/3.1.2.5.1.6).
     *
     * @param clsid    the class activated (from the request), or null
     * @param refs     the interfaces returned, in wire order (the exporter's IRemUnknown among them)
     * @param bindings the exporter's string bindings, e.g. {@code 172.18.39.6[50937]}
     */
    record DcomObjectRefs(UUID clsid, List<DcomRef> refs, List<String> bindings) implements RpcArgs {
    }

    /**
     * A DCOM activation request: IRemoteSCMActivator RemoteGetClassObject (3) / RemoteCreateInstance (4)
     * (MS-DCOM 3.1.2.5.2.3; the class from the activation properties' InstantiationInfoData, 2.2.22.2.1)
     * or IActivation RemoteActivation (0) (3.1.2.5.1.1; its Clsid argument). Names of known classes
     * are looked up at output ({@link DcomClasses}).
     *
     * @param opnum the activation operation
     * @param clsid the class being activated (e.g. ShellWindows {@code 9ba05972-f6a8-11cf-a442-00a0c90a8f39})
     * @param iids  the interfaces asked for (IClassFactory for RemoteGetClassObject), in wire order
     */
    record DcomActivation(int opnum, UUID clsid, List<UUID> iids) implements RpcArgs {
    }

    /** drsuapi DRSGetNCChanges (3): seen (the stub is normally sealed). */
    record DrsGetNcChanges() implements RpcArgs {
    }

    /**
     * A call whose argument names a path or host the server opens as a client: the EFSRPC FileName
     * calls (MS-EFSR 3.1.4.2), RpcOpenPrinter(Ex) pPrinterName and RpcRemoteFindFirstPrinterChangeNotification(Ex)
     * pszLocalMachine (MS-RPRN 3.1.4.2.2, 3.1.4.2.14, 3.1.4.10.3/4), NetrDfsAddStdRoot/NetrDfsRemoveStdRoot
     * ServerName (MS-DFSNM 3.1.4.4.1/2), IsPathSupported/IsPathShadowCopied ShareName (MS-FSRVP 3.1.4.8/9),
     * ElfrOpenBELW BackupFileName (MS-EVEN 3.1.4.1). These are the authentication-coercion primitives
     * (PetitPotam, PrinterBug, DFSCoerce, ShadowCoerce, the event log variant): the server connects to
     * the host the argument names and authenticates there with its machine account.
     *
     * @param opnum    the operation
     * @param argument the argument's name in the specification ({@code FileName}, {@code pszLocalMachine} ...)
     * @param path     the argument as sent (terminating NUL removed)
     * @param host     the host the path names ({@link #hostOf}), or null for a local path
     * @param listener true when the server connects to {@code host} as a client because of this call (every
     *                 argument here except a printer name, which names the print server itself)
     */
    record UncPath(int opnum, String argument, String path, String host, boolean listener) implements RpcArgs {

        /**
         * The host a UNC or NT object path names: {@code \\host\share\x}, {@code \\??\UNC\host\share},
         * {@code \\host@80\x} (the WebDAV redirector's form, MS-WDV 2.2), or a bare host name for
         * arguments that take one (DFSNM ServerName); null for a local path ({@code C:\x}, {@code \??\C:}).
         */
        public static String hostOf(String path, boolean bareName) {
            if (path == null) {
                return null;
            }
            int from = 0;
            int n = path.length();
            while (n > 0 && path.charAt(n - 1) == 0) {
                n--;
            }
            if (path.regionMatches(true, 0, "\\??\\UNC\\", 0, 8)) {
                from = 8;
            } else if (path.regionMatches(true, 0, "\\\\?\\UNC\\", 0, 8)) {
                from = 8;
            } else if (n >= 2 && isSep(path.charAt(0)) && isSep(path.charAt(1))) {
                from = 2;
                if (n >= 4 && (path.charAt(2) == '?' || path.charAt(2) == '.') && isSep(path.charAt(3))) {
                    return null; // \\?\C:\ and \\.\device: local
                }
            } else if (!bareName) {
                return null;
            }
            int end = from;
            while (end < n && !isSep(path.charAt(end)) && path.charAt(end) != '@') {
                end++;
            }
            if (end == from || (bareName && from == 0 && end < n && isSep(path.charAt(end)))) {
                return null;
            }
            return path.substring(from, end);
        }

        private static boolean isSep(char c) {
            return c == '\\' || c == '/';
        }
    }

    /**
     * An SVCCTL answer whose request was not captured, shaped as the answer of a successful
     * RCreateService* (MS-SCMR 3.1.4.12: no tag, a service handle, ERROR_SUCCESS): a service was created.
     */
    record ScmCreateServiceAnswer() implements RpcArgs {
    }

    /** The return status of a call (last 4 bytes of a cleartext response stub). */
    record ReturnStatus(long status) implements RpcArgs {
    }

    /**
     * epmapper ept_lookup (opnum 2, C706 appendix O): what the caller asks the endpoint map for.
     *
     * @param inquiryType   0 every entry (rpc_c_ep_all_elts), 1 by interface, 2 by object, 3 by both
     * @param objectUuid    the object asked for, null when the pointer is null
     * @param interfaceUuid the interface asked for, null when the pointer is null
     * @param versionOption how the interface version is compared (1 all, 2 compatible, 3 exact, 4 major only, 5 up to)
     * @param resumed       true when the entry handle is not null: the call continues an earlier lookup
     * @param maxEntries    max_ents, the number of entries the caller takes per call
     */
    record EpmLookupRequest(int inquiryType, UUID objectUuid, UUID interfaceUuid, long versionOption, boolean resumed,
                            long maxEntries) implements RpcArgs {
    }
}
