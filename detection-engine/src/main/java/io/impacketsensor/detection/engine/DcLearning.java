package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;

/**
 * Feeds {@link DomainControllers} from what servers do on the wire, before the layers look at the
 * event: a host answering Kerberos (a KDC reply or error), an LDAP bind or a DRSUAPI bind serves as a
 * DC; an NTLM CHALLENGE, a tree connect's UNC name and SAMR's ServerName and
 * SamrLookupDomainInSamServer tell which account database a SAMR server holds (MS-SAMR 3.1.5.11.1).
 * A DC being promoted, which has served nobody yet, is learned by {@link DcPromotionLearning}.
 * Allocates nothing per event.
 */
final class DcLearning {
    private final DomainControllers dcs;
    private final DcPromotionLearning promotion;

    DcLearning(DomainControllers dcs) {
        this.dcs = dcs;
        this.promotion = new DcPromotionLearning(dcs);
    }

    void observe(SensorEvent ev) {
        promotion.observe(ev);
        if (ev instanceof KerberosEvent.KerberosReply || ev instanceof KerberosEvent.KerberosError) {
            dcs.observedServing(ev.header().serverIp());
        } else if (ev instanceof LdapEvent.LdapBind b && b.resultCode() >= 0) {
            dcs.observedServing(ev.header().serverIp());
        } else if (ev instanceof DcerpcEvent.DcerpcBind b && !b.nak()) {
            for (DcerpcEvent.Context c : b.contexts()) {
                if (RpcCatalog.DRSUAPI.equals(c.interfaceUuid()) && c.result() == 0) {
                    dcs.observedServing(ev.header().serverIp());
                }
            }
        } else if (ev instanceof NtlmEvent.NtlmChallenge c) {
            dcs.observedNtlmServer(ev.header().serverIp(), c.nbDomain(), c.nbComputer());
        } else if (ev instanceof SmbEvent.SmbTreeConnect t) {
            dcs.observedServerName(ev.header().serverIp(), t.path());
        } else if (ev instanceof DcerpcEvent.DcerpcRequest r && RpcCatalog.SAMR.equals(r.interfaceUuid())
                && r.args() instanceof RpcArgs.SamrCall c) {
            if (r.opnum() == 5) {
                dcs.observedSamrLookup(ev.header().serverIp(), c.name()); // SamrLookupDomainInSamServer
            } else if (r.opnum() == 64 || r.opnum() == 62 || r.opnum() == 57) {
                dcs.observedServerName(ev.header().serverIp(), c.name()); // SamrConnect5/4/2 ServerName
            }
        } else if (ev instanceof DcerpcEvent.DcerpcResponse r && r.opnum() == 5 && RpcCatalog.SAMR.equals(r.interfaceUuid())
                && r.result() instanceof RpcArgs.ReturnStatus st) {
            dcs.observedSamrLookupResult(ev.header().serverIp(), st.status());
        } else if (ev instanceof DcerpcEvent.DcerpcFault f && f.opnum() == 5 && RpcCatalog.SAMR.equals(f.interfaceUuid())) {
            dcs.observedSamrLookupResult(ev.header().serverIp(), f.status() == 0 ? -1 : f.status());
        }
    }
}
