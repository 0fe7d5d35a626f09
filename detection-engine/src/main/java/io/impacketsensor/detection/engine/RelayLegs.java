package io.impacketsensor.detection.engine;

import io.impacketsensor.core.collections.LongLruMap;
import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.HttpEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.rules.Text;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * The timing signature of an NTLM relay, whatever carries each leg (SMB1/SMB2, HTTP, LDAP, DCE/RPC,
 * MSSQL: the events name their {@link Carrier}, nothing here depends on it). ntlmrelayx answers the
 * victim's NEGOTIATE by sending one of its own to the target at once (its relay client is opened per
 * incoming connection), forwards the target's CHALLENGE to the victim unchanged, and forwards the
 * victim's AUTHENTICATE with the same user, domain and workstation (MS-NLMP 3.1.5.1: a relay cannot
 * compute its own). So: host R receives a NEGOTIATE as a server and, within
 * {@link #NEGOTIATE_GAP_NANOS}, sends one as a client to another host T; when both legs then carry the
 * same ServerChallenge and the same identity, the pair is a relay. The alert names both legs, the
 * signing and channel-binding posture of each (why the target accepted it), and what the relayed
 * session on the target leg did next (tree connects, pipes and files, DCE/RPC calls, LDAP writes).
 * State: bounded LRU maps keyed by address; the follow-up check is a scan of a small array of flow ids.
 */
final class RelayLegs {
    /**
     * Longest time from the victim's NEGOTIATE reaching the relay to the relay's NEGOTIATE to the target.
     * ntlmrelayx takes about a millisecond on a LAN (lab atk_ntlmrelayx_smb.pcap: 1.05 ms); a second
     * leaves room for a loaded relay and a slow target connect while two unrelated NEGOTIATEs of one
     * host, one in and one out, within a second and then carrying the same challenge do not happen.
     */
    static final long NEGOTIATE_GAP_NANOS = 1_000_000_000L;
    /** Follow-up actions reported per relay. */
    private static final int MAX_FOLLOW_UPS = 8;
    /** Relayed sessions whose follow-up actions are watched. */
    private static final int WATCHED = 32;

    /**
     * One leg: a connection carrying one NTLM exchange. A leg that never joined a pair is only its
     * server's last inbound NEGOTIATE, and is reused for the server's next one.
     */
    private static final class Leg {
        long flowId;
        InetAddress client;
        InetAddress server;
        int serverPort;
        Carrier carrier;
        long negotiateTime;
        byte[] challenge;
        NtlmEvent.NtlmAuthenticate auth;
        /** SMB2 NEGOTIATE SecurityMode of the server on this flow, or -1 (not SMB2 / not seen). */
        int smbServerSecurityMode;
        /** Set for good when the leg joins a pair: a pair (a reported one is watched) keeps its legs. */
        boolean paired;

        void set(EventHeader h, Carrier carrier, int smbServerSecurityMode) {
            this.flowId = h.flowId();
            this.client = h.clientIp();
            this.server = h.serverIp();
            this.serverPort = h.serverPort();
            this.carrier = carrier;
            this.negotiateTime = h.timestampNanos();
            this.challenge = null;
            this.auth = null;
            this.smbServerSecurityMode = smbServerSecurityMode;
        }

        String describe() {
            return CoercionLayer.carrier(carrier) + " " + client.getHostAddress() + " -> " + server.getHostAddress()
                    + ":" + serverPort + " (" + service(carrier, serverPort) + ")";
        }
    }

    private static final class Pair {
        final Leg victim;
        final Leg target;
        final long gapNanos;
        boolean reported;
        int followUps;

        Pair(Leg victim, Leg target, long gapNanos) {
            this.victim = victim;
            this.target = target;
            this.gapNanos = gapNanos;
        }
    }

    /** The last NEGOTIATE each address received as a server. */
    private final LruMap<InetAddress, Leg> inbound;
    /** Candidate pairs by the flow ids of both legs. */
    private final LongLruMap<Pair> byFlow;
    /** SMB2 server SecurityMode by flow, for flows that may become a leg (written before the NEGOTIATE token). */
    private final LongLruMap<Integer> smbSecurityMode;
    private final long windowNanos;
    private final CoercionLayer coercion;

    /** Target-leg flow ids of reported relays, and their pairs (a scan: no boxing on the per-event path). */
    private final long[] watchedFlows = new long[WATCHED];
    private final Pair[] watchedPairs = new Pair[WATCHED];
    private int watchedNext;
    /**
     * One bit per watched flow id ({@link #flowBit}) in 1,024: an event whose flow's bit is clear is
     * on no watched flow, which is nearly every event, without scanning the slots (with all 32 slots
     * in use about 3 % of other flows share a bit).
     */
    private final long[] watchedBits = new long[16];

    RelayLegs(EngineConfig.Relay cfg, CoercionLayer coercion) {
        this.inbound = new LruMap<>(cfg.maxTracked());
        this.byFlow = new LongLruMap<>(cfg.maxTracked());
        this.smbSecurityMode = new LongLruMap<>(cfg.maxTracked());
        this.windowNanos = cfg.windowSeconds() * BehaviourLayer.SEC;
        this.coercion = coercion;
        Arrays.fill(watchedFlows, Long.MIN_VALUE);
    }

    /** An SMB2 NEGOTIATE answer: the server's signing posture, for the leg this flow may become. */
    void smbNegotiate(SmbEvent.Smb2Negotiate n) {
        if (n.serverSecurityMode() >= 0 && n.serverGuid() != null) {
            smbSecurityMode.put(n.header().flowId(), n.serverSecurityMode());
        }
    }

    void ntlm(NtlmEvent ev, Evidence e) {
        EventHeader h = ev.header();
        long now = h.timestampNanos();
        if (ev instanceof NtlmEvent.NtlmNegotiate) {
            Integer mode = smbSecurityMode.get(h.flowId());
            Leg in = inbound.get(h.clientIp());
            // The target may be the victim's own host on another service (cross-protocol reflection:
            // lab atk_relay_smb_to_mssql, ws01's SMB logon relayed to ws01's MSSQL); only the same flow is excluded.
            boolean pairs = in != null && in.flowId != h.flowId() && now >= in.negotiateTime
                    && now - in.negotiateTime <= NEGOTIATE_GAP_NANOS && byFlow.get(in.flowId) == null;
            Leg leg = inbound.get(h.serverIp()); // the put below makes it the most recent entry anyway
            if (leg == null || leg.paired || pairs && leg == in) {
                leg = new Leg();
            }
            leg.set(h, ev.carrier(), mode == null ? -1 : mode);
            if (pairs) {
                Pair p = new Pair(in, leg, now - in.negotiateTime);
                in.paired = true;
                leg.paired = true;
                byFlow.put(in.flowId, p);
                byFlow.put(h.flowId(), p);
            }
            inbound.put(h.serverIp(), leg);
            return;
        }
        Pair p = byFlow.get(h.flowId());
        if (p == null || p.reported) {
            return;
        }
        Leg leg = p.victim.flowId == h.flowId() ? p.victim : p.target;
        if (ev instanceof NtlmEvent.NtlmChallenge c) {
            leg.challenge = c.serverChallenge();
            return;
        }
        if (!(ev instanceof NtlmEvent.NtlmAuthenticate a) || a.anonymous()) {
            return;
        }
        leg.auth = a;
        NtlmEvent.NtlmAuthenticate va = p.victim.auth;
        NtlmEvent.NtlmAuthenticate ta = p.target.auth;
        if (va == null || ta == null || now - p.victim.negotiateTime > windowNanos || !sameIdentity(va, ta)) {
            return;
        }
        boolean challengeForwarded = p.victim.challenge != null && Arrays.equals(p.victim.challenge, p.target.challenge);
        if (!challengeForwarded) {
            return; // the same account on two connections of one host: a proxy or a coincidence, not a relay
        }
        p.reported = true;
        // The relay is the victim leg's server and the target leg's client: make it the alert's source.
        e.attackerIsServer = leg == p.victim;
        CoercionLayer.Call coerced = coercion.coercedBy(p.victim.client, now);
        e.add(Rules.NTLM_RELAY_TIMING, "Relay by " + p.victim.server.getHostAddress() + ": victim leg "
                + p.victim.describe() + " [" + posture(va, p.victim) + "], relayed "
                + millis(p.gapNanos) + " ms later to target leg "
                + p.target.describe() + " [" + posture(ta, p.target) + "]; challenge "
                + io.impacketsensor.core.wire.Hex.encode(p.target.challenge) + " forwarded, AUTHENTICATE forwarded as "
                + Text.quote(ta.domain() + "\\" + ta.user()) + (ta.workstation().isEmpty() ? "" : " from "
                + Text.quote(ta.workstation())) + (ta.status() == SensorEvent.NO_STATUS ? ""
                : ta.status() == 0 ? ", accepted by the target" : ", refused by the target (0x"
                + Long.toHexString(ta.status()) + ")")
                + (coerced != null ? "; the victim's authentication was coerced: " + coerced.describe() : ""));
        watchedFlows[watchedNext] = p.target.flowId;
        watchedPairs[watchedNext] = p;
        watchedNext = (watchedNext + 1) % WATCHED;
        Arrays.fill(watchedBits, 0); // rebuilt: a replaced slot's flow may no longer be watched
        for (long f : watchedFlows) {
            if (f != Long.MIN_VALUE) {
                watchedBits[flowWord(f)] |= flowBit(f);
            }
        }
    }

    /**
     * What a relayed session did next on its target leg (any event of that flow): an alert-level
     * finding below the action rules, so the action's own rule still names the alert and the relay
     * context is one of its indicators.
     */
    void followUp(SensorEvent ev, Evidence e) {
        long flow = ev.header().flowId();
        if ((watchedBits[flowWord(flow)] & flowBit(flow)) == 0) {
            return;
        }
        int i = 0;
        while (i < WATCHED && watchedFlows[i] != flow) {
            i++;
        }
        if (i == WATCHED) {
            return;
        }
        Pair p = watchedPairs[i];
        if (p.followUps >= MAX_FOLLOW_UPS) {
            return;
        }
        String action = action(ev);
        if (action == null) {
            return;
        }
        p.followUps++;
        e.attackerIsServer = false; // the relay is the target leg's client
        e.add(Rules.NTLM_RELAY_FOLLOWUP, "Relayed session " + p.victim.client.getHostAddress() + " -> "
                + p.target.server.getHostAddress() + " (" + CoercionLayer.carrier(p.target.carrier) + ") then: " + action);
    }

    /** A flow id's ten bits of {@link #watchedBits}: its low bits mixed with the rest. */
    private static int flowHash(long flow) {
        return (int) (flow ^ (flow >>> 10) ^ (flow >>> 32)) & 1023;
    }

    private static int flowWord(long flow) {
        return flowHash(flow) >>> 6;
    }

    private static long flowBit(long flow) {
        return 1L << flowHash(flow);
    }

    /** The action an event of a relayed session shows, or null for protocol housekeeping. */
    private static String action(SensorEvent ev) {
        if (ev instanceof SmbEvent.SmbTreeConnect t) {
            return "tree connect " + Text.quote(t.path()) + status(t.status());
        }
        if (ev instanceof SmbEvent.SmbCreate c) {
            return (c.namedPipe() ? "pipe " : "file ") + Text.quote(c.fileName()) + status(c.status());
        }
        if (ev instanceof DcerpcEvent.DcerpcRequest r) {
            String op = RpcInterfaces.operation(r.interfaceUuid(), r.opnum());
            String what = r.args() instanceof RpcArgs.ScmCreateService s ? " service " + Text.quote(s.serviceName())
                    + " binary " + Text.quote(s.binaryPath()) : "";
            return "DCE/RPC " + (op != null ? op : "opnum " + r.opnum()) + what;
        }
        if (ev instanceof LdapEvent.LdapModify m) {
            StringBuilder b = new StringBuilder("LDAP modify ").append(Text.quote(m.dn())).append(" attributes");
            for (LdapEvent.Modification x : m.modifications()) {
                b.append(' ').append(Text.quote(x.attribute().name()));
            }
            return b.append(m.resultCode() > 0 ? " (result " + m.resultCode() + ")" : "").toString();
        }
        if (ev instanceof LdapEvent.LdapAdd a) {
            return "LDAP add " + Text.quote(a.dn()) + (a.resultCode() > 0 ? " (result " + a.resultCode() + ")" : "");
        }
        if (ev instanceof HttpEvent.HttpRequest r) {
            // A POST to certfnsh.asp on an AD CS host is the certificate request of an ESC8 relay.
            return "HTTP " + r.method() + " " + Text.quote(r.uri())
                    + (r.uriClass() == HttpEvent.UriClass.NONE ? "" : " (" + r.uriClass().label() + ")");
        }
        return null;
    }

    private static String status(long s) {
        // NTSTATUS as hex: its names live with the EVE writer, which the engine does not depend on.
        return s == 0 || s == SensorEvent.NO_STATUS ? "" : " (status 0x" + Long.toHexString(s & 0xFFFF_FFFFL) + ")";
    }

    private static boolean sameIdentity(NtlmEvent.NtlmAuthenticate a, NtlmEvent.NtlmAuthenticate b) {
        return a.user().equalsIgnoreCase(b.user()) && a.domain().equalsIgnoreCase(b.domain())
                && a.workstation().equalsIgnoreCase(b.workstation());
    }

    /**
     * Why the leg let the relay through: NTLMSSP_NEGOTIATE_SIGN in the AUTHENTICATE (MS-NLMP 2.2.2.5),
     * the SMB2 server's SecurityMode (signing required, MS-SMB2 2.2.4), a MIC and MsvAvFlags 0x2
     * (MS-NLMP 2.2.2.1; ntlmrelayx --remove-mic clears both), and MsvAvChannelBindings (all zero binds nothing).
     */
    private static String posture(NtlmEvent.NtlmAuthenticate a, Leg leg) {
        StringBuilder b = new StringBuilder();
        b.append((a.flags() & Signals.NTLM_SIGN) != 0 ? "NEGOTIATE_SIGN set" : "NEGOTIATE_SIGN clear");
        if (leg.smbServerSecurityMode >= 0) {
            b.append((leg.smbServerSecurityMode & 0x2) != 0 ? ", server requires SMB signing" : ", server does not require SMB signing");
        }
        b.append(a.micPresent() ? ", MIC present" : ", no MIC");
        if (a.msvAvFlags() >= 0) {
            b.append(", MsvAvFlags 0x").append(Integer.toHexString(a.msvAvFlags()));
        }
        b.append(a.channelBindings() < 0 ? ", no channel bindings" : a.channelBindings() == 0
                ? ", channel bindings all zero" : ", channel bindings present");
        return b.toString();
    }

    /** The service a leg's server port names, for the report. */
    static String service(Carrier c, int port) {
        switch (port) {
            case 445: case 139: return "SMB";
            case 389: case 3268: return "LDAP";
            case 636: case 3269: return "LDAPS";
            case 80: case 8080: return "HTTP";
            case 443: return "HTTPS";
            case 5985: case 47001: return "WinRM";
            case 1433: return "MSSQL";
            case 135: return "RPC endpoint mapper";
            default: return c == Carrier.DCERPC ? "DCE/RPC" : CoercionLayer.carrier(c);
        }
    }

    /**
     * {@code nanos} (0 to {@link #NEGOTIATE_GAP_NANOS}) in milliseconds with one decimal, rounded half
     * up: what {@code String.format(Locale.ROOT, "%.1f", nanos / 1e6)} writes, without the formatter,
     * which a call this rare runs interpreted on the event thread at hundreds of times the cost.
     */
    static String millis(long nanos) {
        long tenths = (nanos + 50_000) / 100_000;
        return Long.toString(tenths / 10) + '.' + (char) ('0' + tenths % 10);
    }
}
