package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.DnsEvent;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.wire.Bytes;
import io.impacketsensor.detection.rules.EventKind;
import io.impacketsensor.detection.rules.Text;

/**
 * Feeds {@link DomainControllers} from what servers do on the wire, before the layers look at the
 * event: a host answering Kerberos (a KDC reply or error) unless it relays its clients' requests to
 * another KDC ({@link KdcRelays}), an LDAP bind, a DRSUAPI bind, an LDAP ping
 * as a DC or a rootDSE search with its nTDSDSA object serves as a DC, and so does a host whose address
 * a DNS answer gives for a domain's {@code _ldap._tcp.dc._msdcs} SRV record; an NTLM CHALLENGE, a tree connect's UNC name and SAMR's ServerName and
 * SamrLookupDomainInSamServer tell which account database a SAMR server holds (MS-SAMR 3.1.5.11.1).
 * A DC being promoted, which has served nobody yet, is learned by {@link DcPromotionLearning}.
 * Allocates nothing per event (the rootDSE check only on a rootDSE answer).
 */
final class DcLearning {
    private final DomainControllers dcs;
    private final DcPromotionLearning promotion;

    DcLearning(DomainControllers dcs) {
        this.dcs = dcs;
        this.promotion = new DcPromotionLearning(dcs);
    }

    void observe(SensorEvent ev) {
        observe(ev, EventKind.of(ev));
    }

    /**
     * Learns from {@code ev}, of kind {@code kind}: dispatched on the kind the engine computed once,
     * so the event kinds that say nothing about DCs (file and pipe I/O, DCE/RPC answers other than
     * SAMR's, HTTP ...) leave after one test.
     */
    void observe(SensorEvent ev, EventKind kind) {
        dcs.tick(ev.header().timestampNanos());
        promotion.observe(ev);
        switch (kind) {
            // A relay's answer is its KDC's, not its own (KdcRelays): it teaches nothing.
            case KRB_REPLY -> {
                if (!dcs.relays().relayed((KerberosEvent) ev)) {
                    dcs.observedServing(ev.header().serverIp(), DomainControllers.Source.KERBEROS);
                }
            }
            case KRB_REQUEST -> dcs.relays().request((KerberosEvent.KerberosRequest) ev);
            case KRB_OTHER -> {
                if (ev instanceof KerberosEvent.KerberosError k && !dcs.relays().relayed(k)) {
                    dcs.observedServing(ev.header().serverIp(), DomainControllers.Source.KERBEROS);
                }
            }
            case LDAP_OTHER -> {
                if (ev instanceof LdapEvent.LdapBind b && b.resultCode() >= 0) {
                    dcs.observedServing(ev.header().serverIp(), DomainControllers.Source.LDAP_BIND);
                }
            }
            case DCERPC_BIND -> {
                DcerpcEvent.DcerpcBind b = (DcerpcEvent.DcerpcBind) ev;
                if (!b.nak()) {
                    java.util.List<DcerpcEvent.Context> contexts = b.contexts();
                    for (int i = 0; i < contexts.size(); i++) { // by index: no iterator per bind
                        DcerpcEvent.Context c = contexts.get(i);
                        if (RpcCatalog.DRSUAPI.equals(c.interfaceUuid()) && c.result() == 0) {
                            dcs.observedServing(ev.header().serverIp(), DomainControllers.Source.DRSUAPI_BIND);
                        }
                    }
                }
            }
            case LDAP_SEARCH -> {
                LdapEvent.LdapSearch s = (LdapEvent.LdapSearch) ev;
                if (!s.resultEntries().isEmpty()) {
                    ldapAnswer(s);
                }
            }
            case NTLM_CHALLENGE -> {
                if (ev instanceof NtlmEvent.NtlmChallenge c) {
                    dcs.observedNtlmServer(ev.header().serverIp(), c.nbDomain(), c.nbComputer());
                }
            }
            case SMB_TREE_CONNECT -> dcs.observedServerName(ev.header().serverIp(), ((SmbEvent.SmbTreeConnect) ev).path());
            case DCERPC_REQUEST -> {
                DcerpcEvent.DcerpcRequest r = (DcerpcEvent.DcerpcRequest) ev;
                int op = r.opnum();
                if ((op == 5 || op == 64 || op == 62 || op == 57) && r.args() instanceof RpcArgs.SamrCall c
                        && RpcCatalog.SAMR.equals(r.interfaceUuid())) {
                    if (op == 5) {
                        dcs.observedSamrLookup(ev.header().serverIp(), c.name()); // SamrLookupDomainInSamServer
                    } else {
                        dcs.observedServerName(ev.header().serverIp(), c.name()); // SamrConnect5/4/2 ServerName
                    }
                }
            }
            case DCERPC_OTHER -> {
                if (ev instanceof DcerpcEvent.DcerpcResponse r && r.opnum() == 5 && r.result() instanceof RpcArgs.ReturnStatus st
                        && RpcCatalog.SAMR.equals(r.interfaceUuid())) {
                    dcs.observedSamrLookupResult(ev.header().serverIp(), st.status());
                } else if (ev instanceof DcerpcEvent.DcerpcFault f && f.opnum() == 5 && RpcCatalog.SAMR.equals(f.interfaceUuid())) {
                    dcs.observedSamrLookupResult(ev.header().serverIp(), f.status() == 0 ? -1 : f.status());
                }
            }
            case OTHER -> {
                if (ev instanceof DnsEvent.DcLocatorAnswer a) {
                    // The DNS server's answer, not the named host's own word: its SRV records are what
                    // Windows clients use to find a DC (MS-ADTS 6.3.6.1.2), and a DC registers them itself.
                    for (int i = 0; i < a.addresses().size(); i++) {
                        dcs.observedServing(a.addresses().get(i), DomainControllers.Source.DNS_SRV);
                    }
                }
            }
            default -> {
            }
        }
    }

    /**
     * What an LDAP server's search answer says about itself: an LDAP ping answer (MS-ADTS 6.3.3)
     * whose NETLOGON_SAM_LOGON_RESPONSE_EX carries DS_DS_FLAG ("the server is a DC", 6.3.1.2), or a
     * rootDSE naming the server's nTDSDSA object (dsServiceName, 3.1.1.3.2.4) or server object
     * (serverName, 3.1.1.3.2.12) under the configuration NC's Sites container. AD LDS answers a
     * rootDSE the same way, but its server objects are named HOST$INSTANCE (MS-ADTS 3.1.1.3.2.4), so a
     * name with '$' is not a DC. The server answered what it was asked, like an LDAP bind.
     */
    private void ldapAnswer(LdapEvent.LdapSearch s) {
        java.util.List<LdapEvent.SearchEntry> entries = s.resultEntries();
        for (int i = 0; i < entries.size(); i++) {
            LdapEvent.SearchEntry en = entries.get(i);
            LdapEvent.NetlogonResponse n = en.netlogon();
            if (n != null) {
                if ((n.flags() & DS_DS_FLAG) != 0) {
                    dcs.observedServing(s.header().serverIp(), DomainControllers.Source.CLDAP);
                }
            } else if (s.scope() == 0 && s.base() != null && s.base().isEmpty() && rootDseOfADc(en)) {
                dcs.observedServing(s.header().serverIp(), DomainControllers.Source.ROOTDSE);
            }
        }
    }

    /** The rootDSE test of one entry from its kept bytes, when it has them ({@link RootDseScan}). */
    private final RootDseScan rootDse = new RootDseScan();

    /**
     * {@code en.dn().isEmpty() && rootDseNamesADc(en)}, read from the entry's kept bytes when it has
     * them: decoding a rootDSE entry makes the text of every attribute it lists (supported
     * controls, capabilities, policies: dozens of values), and its record may not want it.
     */
    private boolean rootDseOfADc(LdapEvent.SearchEntry en) {
        rootDse.reset();
        try {
            if (en.stream(rootDse)) {
                return rootDse.dnEmpty && rootDse.namesADc;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // the scan writes nothing
        }
        return en.dn().isEmpty() && rootDseNamesADc(en);
    }

    /**
     * {@link #rootDseNamesADc} over an entry's strings as {@link LdapEvent.SearchEntry#stream}
     * passes them: the first attribute with a value that decides it, decided by its first value.
     * Only that value becomes a String; a type with other than ASCII bytes is decoded to compare it
     * as {@link Text#eq} does.
     */
    static final class RootDseScan implements LdapEvent.SearchEntry.Sink {
        boolean dnEmpty;
        boolean namesADc;
        private boolean decided;
        /** What the current attribute's type is: 0 other, 1 dsServiceName, 2 serverName. */
        private int type;
        private boolean firstValue;

        void reset() {
            dnEmpty = false;
            namesADc = false;
            decided = false;
            type = 0;
            firstValue = false;
        }

        @Override
        public void dn(byte[] b, int off, int len, String text) {
            dnEmpty = text == null ? len == 0 : text.isEmpty();
        }

        @Override
        public void type(byte[] b, int off, int len, String text) {
            firstValue = true;
            if (decided) {
                return;
            }
            if (text == null && Bytes.ascii(b, off, len)) {
                type = Bytes.equalsAsciiIgnoreCase(b, off, len, "dsServiceName") ? 1
                        : Bytes.equalsAsciiIgnoreCase(b, off, len, "serverName") ? 2 : 0;
                return;
            }
            String t = text != null ? text : new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8);
            type = Text.eq(t, "dsServiceName") ? 1 : Text.eq(t, "serverName") ? 2 : 0;
        }

        @Override
        public void value(byte[] b, int off, int len, String text) {
            if (decided || !firstValue) {
                return;
            }
            firstValue = false;
            if (type == 0) {
                return;
            }
            String v = text != null ? text : new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8);
            if (type == 1 && Text.startsWith(v, "CN=NTDS Settings,")) {
                decided = true;
                namesADc = serverObject(v, "CN=NTDS Settings,".length());
            } else if (type == 2) {
                decided = true;
                namesADc = serverObject(v, 0);
            }
        }
    }

    /** MS-ADTS 6.3.1.2 DS_DS_FLAG: the server is a domain controller. */
    static final long DS_DS_FLAG = 0x10;

    static boolean rootDseNamesADc(LdapEvent.SearchEntry en) {
        java.util.List<LdapEvent.Attribute> attrs = en.attributes();
        for (int i = 0; i < attrs.size(); i++) {
            LdapEvent.Attribute a = attrs.get(i);
            if (a.values().isEmpty()) {
                continue;
            }
            String v = a.values().get(0);
            if (Text.eq(a.name(), "dsServiceName") && Text.startsWith(v, "CN=NTDS Settings,")) {
                return serverObject(v, "CN=NTDS Settings,".length());
            }
            if (Text.eq(a.name(), "serverName")) {
                return serverObject(v, 0);
            }
        }
        return false;
    }

    /** {@code CN=<server>,CN=Servers,CN=<site>,CN=Sites,CN=Configuration,...} at {@code from}, server without '$'. */
    private static boolean serverObject(String dn, int from) {
        int comma = dn.indexOf(',', from);
        if (comma < 0 || !dn.regionMatches(true, from, "CN=", 0, 3)) {
            return false;
        }
        int dollar = dn.indexOf('$', from);
        return (dollar < 0 || dollar > comma) && dn.regionMatches(true, comma, ",CN=Servers,", 0, ",CN=Servers,".length())
                && Text.contains(dn, ",CN=Sites,CN=Configuration,");
    }
}
