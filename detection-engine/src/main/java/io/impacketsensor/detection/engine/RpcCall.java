package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.RpcInterfaces;

/**
 * What a DCE/RPC request does, from its interface and opnum, decided once per event by
 * {@link Classification} (a table lookup) and read by the anomaly layer and the chain steps, so no
 * layer compares opnums itself. Opnums from Impacket's OPNUMS tables and the protocol specifications
 * cited per constant; {@link #OTHER} for every other call.
 */
enum RpcCall {
    OTHER(-1),
    /** MS-SCMR 3.1.4.2 RControlService (stop, pause; the control code is sealed at times). */
    SERVICE_CONTROL(RpcInterfaces.SVCCTL, 1),
    /** MS-SCMR RDeleteService. */
    SERVICE_DELETE(RpcInterfaces.SVCCTL, 2),
    /** MS-SCMR 3.1.4.11 RChangeServiceConfigW. */
    SERVICE_CHANGE_CONFIG(RpcInterfaces.SVCCTL, 11),
    /** MS-SCMR 3.1.4.12/.20/.41/.42 RCreateServiceW, RCreateServiceA, RCreateServiceWOW64A/W (one NDR layout). */
    SERVICE_CREATE(RpcInterfaces.SVCCTL, 12, 24, 44, 45),
    /** MS-SCMR 3.1.4.14 REnumServicesStatusW (what Impacket's services.py and SharpSC call). */
    SERVICE_ENUM_STATUS_W(RpcInterfaces.SVCCTL, 14),
    /** MS-SCMR 3.1.4.22/.32/.31 REnumServicesStatusA, REnumServicesStatusExW/ExA. */
    SERVICE_ENUM_OTHER(RpcInterfaces.SVCCTL, 26, 42, 41),
    /** MS-SCMR 3.1.4.16 ROpenServiceW. */
    SERVICE_OPEN(RpcInterfaces.SVCCTL, 16),
    /** MS-SCMR 3.1.4.19 RStartServiceW. */
    SERVICE_START(RpcInterfaces.SVCCTL, 19),
    /** MS-SCMR 3.1.4.30 RStartServiceA. */
    SERVICE_START_A(RpcInterfaces.SVCCTL, 31),
    /** MS-SAMR 3.1.5.2.5 SamrEnumerateUsersInDomain. */
    SAMR_ENUMERATE_USERS(RpcInterfaces.SAMR, 13),
    /** MS-SAMR 3.1.5.3.3/.2/.1 SamrQueryDisplayInformation, 2, 3: the account list too. */
    SAMR_QUERY_DISPLAY(RpcInterfaces.SAMR, 40, 48, 51),
    /** MS-SAMR 3.1.5.1.7 SamrOpenGroup. */
    SAMR_OPEN_GROUP(RpcInterfaces.SAMR, 19),
    /** MS-SAMR 3.1.5.1.8 SamrOpenAlias. */
    SAMR_OPEN_ALIAS(RpcInterfaces.SAMR, 27),
    /** MS-SAMR 3.1.5.8.3 SamrGetMembersInGroup / 3.1.5.8.2 SamrGetMembersInAlias. */
    SAMR_GROUP_MEMBERS(RpcInterfaces.SAMR, 25, 33),
    /** MS-SAMR 3.1.5.1.9 SamrOpenUser. */
    SAMR_OPEN_USER(RpcInterfaces.SAMR, 34),
    /** MS-SAMR 3.1.5.9.1 SamrGetGroupsForUser. */
    SAMR_GROUPS_FOR_USER(RpcInterfaces.SAMR, 39),
    /** MS-SAMR SamrCreateUser2InDomain. */
    SAMR_CREATE_USER(RpcInterfaces.SAMR, 50),
    /** MS-LSAT LsarLookupSids, LsarLookupSids2, LsarLookupSids3. */
    LSA_LOOKUP_SIDS(RpcInterfaces.LSARPC, 15, 57, 76),
    /** MS-DCOM 3.1.2.5.2.3.3/.2 RemoteCreateInstance, RemoteGetClassObject. */
    DCOM_ACTIVATE(RpcInterfaces.REMOTE_SCM_ACTIVATOR, 3, 4),
    /** MS-WMI IWbemLevel1Login::NTLMLogin. */
    WMI_LOGIN(RpcInterfaces.WBEM_LEVEL1_LOGIN, 6),
    /** MS-WMI IWbemServices::ExecMethod. */
    WMI_EXEC_METHOD(RpcInterfaces.WBEM_SERVICES, 24),
    /** MS-TSCH 3.2.5.2.1 NetrJobAdd. */
    AT_JOB_ADD(RpcInterfaces.ATSVC, 0),
    /** MS-TSCH 3.2.5.4.2 SchRpcRegisterTask. */
    TASK_REGISTER(RpcInterfaces.TSCH, 1),
    /** MS-TSCH SchRpcRun. */
    TASK_RUN(RpcInterfaces.TSCH, 12),
    /** MS-DRSR 4.1.10 IDL_DRSGetNCChanges: replication. */
    DRS_GET_NC_CHANGES(RpcInterfaces.DRSUAPI, 3),
    /** MS-SAMR 3.1.5.8.4 SamrAddMemberToGroup, 3.1.5.8.5 SamrAddMemberToAlias, SamrAddMultipleMembersToAlias. */
    SAMR_ADD_MEMBER(RpcInterfaces.SAMR, 22, 31, 52);

    private final int iface;
    private final int[] opnums;

    RpcCall(int iface, int... opnums) {
        this.iface = iface;
        this.opnums = opnums;
    }

    /** Calls by interface index and opnum (opnums up to {@link #MAX_OPNUM}). */
    private static final RpcCall[][] TABLE = new RpcCall[RpcInterfaces.count()][];
    private static final int MAX_OPNUM = 128;

    static {
        for (int i = 0; i < TABLE.length; i++) {
            TABLE[i] = new RpcCall[MAX_OPNUM];
            java.util.Arrays.fill(TABLE[i], OTHER);
        }
        for (RpcCall c : values()) {
            for (int op : c.opnums) {
                TABLE[c.iface][op] = c;
            }
        }
    }

    /** The call of an interface index and opnum. */
    static RpcCall of(int iface, int opnum) {
        return iface < 0 || opnum < 0 || opnum >= MAX_OPNUM ? OTHER : TABLE[iface][opnum];
    }
}
