package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.event.DcerpcEvent.DcerpcBind;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcResponse;
import io.impacketsensor.core.event.ProtocolAnomaly;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lab captures (shared/pcaps/lab, Impacket 0.10.0 against Samba AD; carrier streams extracted by
 * scripts/dcerpc/extract_payloads.py) decoded into the events issue 5 names.
 */
class DcerpcLabGoldenTest {
    private static final UUID SVCCTL = RpcInterfaces.uuid(RpcInterfaces.SVCCTL);
    private static final UUID DRSUAPI = RpcInterfaces.uuid(RpcInterfaces.DRSUAPI);

    private static <T> T only(List<T> list) {
        assertEquals(1, list.size(), list.toString());
        return list.get(0);
    }

    private static List<RpcArgs> args(PayloadReplay r, Class<? extends RpcArgs> type) {
        return r.of(DcerpcRequest.class).stream().map(DcerpcRequest::args).filter(type::isInstance).toList();
    }

    @Test
    void psexecCreatesAServiceRunningAnEightLetterExe() throws IOException {
        PayloadReplay r = PayloadReplay.run("/dcerpc/streams/atk_psexec.dcerpc.txt");
        DcerpcRequest create = only(r.of(DcerpcRequest.class).stream()
                .filter(q -> SVCCTL.equals(q.interfaceUuid()) && q.opnum() == 12).toList());
        assertEquals("svcctl", create.namedPipe());
        assertFalse(create.sealed());
        RpcArgs.ScmCreateService c = (RpcArgs.ScmCreateService) create.args();
        assertTrue(c.binaryPath().matches("%systemroot%\\\\[A-Za-z]{8}\\.exe"), c.binaryPath());
        assertTrue(c.serviceName().matches("[A-Za-z]{4}"), c.serviceName());
        assertEquals(c.serviceName(), c.displayName());
        assertEquals(0x10, c.serviceType()); // SERVICE_WIN32_OWN_PROCESS
        assertEquals(3, c.startType()); // SERVICE_DEMAND_START
        RpcArgs.ScmOpenManager open = (RpcArgs.ScmOpenManager) only(args(r, RpcArgs.ScmOpenManager.class));
        assertEquals("DUMMY", open.machineName());
        RpcArgs.SrvsvcEnum shares = (RpcArgs.SrvsvcEnum) only(args(r, RpcArgs.SrvsvcEnum.class));
        assertEquals(15, shares.opnum());
        assertEquals(1, shares.level());
        assertTrue(r.of(ProtocolAnomaly.class).isEmpty(), r.of(ProtocolAnomaly.class).toString());
    }

    @Test
    void smbexecCreatesServiceBtobtoWithAComspecEchoBinaryPath() throws IOException {
        PayloadReplay r = PayloadReplay.run("/dcerpc/streams/atk_smbexec.dcerpc.txt");
        RpcArgs.ScmCreateService c = (RpcArgs.ScmCreateService) only(args(r, RpcArgs.ScmCreateService.class));
        assertEquals("BTOBTO", c.serviceName());
        assertTrue(c.binaryPath().startsWith("%COMSPEC% /Q /c echo "), c.binaryPath());
        assertTrue(c.binaryPath().contains("\\\\127.0.0.1\\C$\\__output"), c.binaryPath());
    }

    @Test
    void lookupsidSendsLookupSidsOfThousandSidsOverSeveralFragments() throws IOException {
        PayloadReplay r = PayloadReplay.run("/dcerpc/streams/atk_lookupsid.dcerpc.txt");
        List<DcerpcRequest> lookups = r.of(DcerpcRequest.class).stream().filter(q -> q.opnum() == 15).toList();
        assertEquals(2, lookups.size());
        RpcArgs.LsaLookupSids first = (RpcArgs.LsaLookupSids) lookups.get(0).args();
        RpcArgs.LsaLookupSids second = (RpcArgs.LsaLookupSids) lookups.get(1).args();
        assertEquals(1000, first.count());
        assertEquals(0, first.minRid());
        assertEquals(999, first.maxRid());
        assertTrue(lookups.get(0).fragments() > 1, "multi-fragment");
        assertEquals("lsarpc", lookups.get(0).namedPipe());
        // The lab run brute-forced RIDs up to 1500 (MANIFEST): the second call carries the last 500.
        assertEquals(500, second.count());
        assertEquals(1000, second.minRid());
        assertEquals(1499, second.maxRid());
        assertTrue(lookups.get(1).fragments() > 1, "multi-fragment");
        assertTrue(first.domainSid().startsWith("S-1-5-21-"), first.domainSid());
        assertEquals(first.domainSid(), second.domainSid());
    }

    @Test
    void secretsdumpMapsDrsuapiBindsOnTheLearnedPortAndCallsGetNcChangesSealed() throws IOException {
        RecordingTokenDecoder tokens = new RecordingTokenDecoder();
        PayloadReplay r = PayloadReplay.run("/dcerpc/streams/atk_secretsdump_dcsync.dcerpc.txt", tokens);
        RpcArgs.EpmMapRequest map = (RpcArgs.EpmMapRequest) only(args(r, RpcArgs.EpmMapRequest.class));
        assertEquals(DRSUAPI, map.interfaceUuid());
        RpcArgs.EpmMapResult answer = (RpcArgs.EpmMapResult) only(r.of(DcerpcResponse.class).stream()
                .map(DcerpcResponse::result).filter(RpcArgs.EpmMapResult.class::isInstance).toList());
        assertEquals(DRSUAPI, answer.interfaceUuid());
        assertEquals(List.of("10.99.0.1:" + answer.tcpPort() + ":dcerpc"), r.expectations);
        assertEquals("expect", r.claims.get("10.99.0.1:" + answer.tcpPort()));

        DcerpcBind bind = only(r.of(DcerpcBind.class).stream()
                .filter(b -> DRSUAPI.equals(b.contexts().get(0).interfaceUuid())).toList());
        assertEquals(answer.tcpPort(), bind.header().serverPort());
        assertEquals(10, bind.authType());
        assertEquals(6, bind.authLevel());
        assertEquals(79231, bind.authContextId()); // Impacket: 79231 + ctx id
        assertEquals(0, bind.contexts().get(0).result());

        DcerpcRequest get = only(r.of(DcerpcRequest.class).stream()
                .filter(q -> DRSUAPI.equals(q.interfaceUuid()) && q.opnum() == 3).toList());
        assertTrue(get.sealed());
        assertTrue(get.args() instanceof RpcArgs.DrsGetNcChanges);
        assertTrue(r.of(DcerpcRequest.class).stream().filter(q -> DRSUAPI.equals(q.interfaceUuid()))
                .allMatch(q -> q.sealed() && (q.opnum() == 3 || q.args() == null)));

        // NTLMSSP from the bind, bind ack and AUTH3 goes to the shared token decoder (auth_length
        // 32, 146, 298 in tshark's dcerpc.cn_auth_len); request verifiers (16-byte signatures) do not.
        assertEquals(List.of("DCERPC TO_SERVER NTLMSSP1 32", "DCERPC TO_CLIENT NTLMSSP2 146",
                "DCERPC TO_SERVER NTLMSSP3 298"), tokens.tokens);
        assertEquals(List.of(0L), tokens.results);
        assertEquals(1, tokens.closed);
    }

    @Test
    void secretsdumpRegistryOpensTheLsaBootKeyParts() throws IOException {
        PayloadReplay r = PayloadReplay.run("/dcerpc/streams/atk_secretsdump_pth.dcerpc.txt");
        List<String> paths = args(r, RpcArgs.RegOpenKey.class).stream().map(a -> ((RpcArgs.RegOpenKey) a).keyPath()).toList();
        assertTrue(paths.contains("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\JD"), paths.toString());
        RpcArgs.ScmOpenService rr = (RpcArgs.ScmOpenService) args(r, RpcArgs.ScmOpenService.class).get(0);
        assertEquals("RemoteRegistry", rr.serviceName());
    }

    @Test
    void regPyOpensKeysUnderHklm() throws IOException {
        PayloadReplay r = PayloadReplay.run("/dcerpc/streams/atk_reg.dcerpc.txt");
        List<String> paths = args(r, RpcArgs.RegOpenKey.class).stream().map(a -> ((RpcArgs.RegOpenKey) a).keyPath()).toList();
        assertTrue(paths.contains("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"), paths.toString());
        assertTrue(paths.stream().allMatch(p -> p.startsWith("HKLM\\")), paths.toString());
        assertTrue(r.of(DcerpcRequest.class).stream().allMatch(q -> "winreg".equals(q.namedPipe())
                || "svcctl".equals(q.namedPipe())));
    }

    @Test
    void addcomputerCreatesMachineAccountEvilpc() throws IOException {
        PayloadReplay r = PayloadReplay.run("/dcerpc/streams/atk_addcomputer.dcerpc.txt");
        RpcArgs.SamrCreateUser u = (RpcArgs.SamrCreateUser) only(args(r, RpcArgs.SamrCreateUser.class));
        assertEquals("EVILPC$", u.accountName());
        assertEquals(0x80, u.accountType()); // USER_WORKSTATION_TRUST_ACCOUNT
        RpcArgs.LookupNames names = (RpcArgs.LookupNames) only(args(r, RpcArgs.LookupNames.class));
        assertEquals(List.of("EVILPC$"), names.names());
        // The EPM map for SAMR happened first, in cleartext on 135.
        assertEquals(RpcInterfaces.uuid(RpcInterfaces.SAMR),
                ((RpcArgs.EpmMapRequest) only(args(r, RpcArgs.EpmMapRequest.class))).interfaceUuid());
        DcerpcResponse denied = only(r.of(DcerpcResponse.class).stream().filter(p -> p.opnum() == 50).toList());
        assertEquals(new RpcArgs.ReturnStatus(0xC0000022L), denied.result()); // STATUS_ACCESS_DENIED
    }

    @Test
    void wmiexecBindsIRemoteScmActivatorOn135() throws IOException {
        PayloadReplay r = PayloadReplay.run("/dcerpc/streams/atk_wmiexec.dcerpc.txt");
        DcerpcBind bind = only(r.of(DcerpcBind.class));
        assertEquals(135, bind.header().serverPort());
        assertNull(bind.namedPipe());
        assertEquals(RpcInterfaces.uuid(RpcInterfaces.REMOTE_SCM_ACTIVATOR), bind.contexts().get(0).interfaceUuid());
        assertEquals(2, bind.contexts().get(0).result()); // provider rejection: Samba has no DCOM
        assertEquals(6, bind.authLevel());
        assertNotNull(RpcInterfaces.name(bind.contexts().get(0).interfaceUuid()));
    }
}
