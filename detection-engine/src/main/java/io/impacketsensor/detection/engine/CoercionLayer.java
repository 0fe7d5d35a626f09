package io.impacketsensor.detection.engine;

import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.MssqlEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.model.AttackType;
import io.impacketsensor.detection.model.ChainStep;
import io.impacketsensor.detection.rules.MssqlBatchShape;
import io.impacketsensor.detection.rules.Rule;
import io.impacketsensor.detection.rules.Text;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * Coercion correlation (ATT&amp;CK T1187): a call that names a listener (the decoded
 * {@link RpcArgs.UncPath} of EFSRPC, MS-RPRN, MS-DFSNM, MS-FSRVP, MS-EVEN, or the UNC path of a SQL
 * batch's xp_dirtree / xp_fileexist / xp_subdirs; the call itself is a data rule of the signature
 * layer) is remembered per victim, the server that received it. When that victim then opens an NTLM
 * exchange with the named host ({@code coercion_victim_connected}, on its NEGOTIATE) and authenticates
 * to it ({@code coercion_victim_authenticated}, on its AUTHENTICATE or Kerberos AP-REQ), on any
 * carrier, within the relay window, that is the coercion's effect: raised from the listener's address
 * with both steps as the alert's chain, and the relay layer can say which coercion produced the
 * authentication it saw relayed. The NEGOTIATE step gives the coercion its own alert where the
 * AUTHENTICATE's is the relay's (an event raises one alert, and a relayed AUTHENTICATE carries the
 * stronger relay findings). Tables are bounded LRU maps.
 */
final class CoercionLayer {
    /** The two steps of a coercion, reported as the alert's chain (not driven by the chain layer). */
    static final ChainLayer.Def CHAIN = new ChainLayer.Def(AttackType.COERCION, "coercion_chain", new long[2],
            new Rule[] {null, Rules.COERCION_VICTIM_AUTHENTICATED}, 0);

    /** A coercion call as seen: who called, what it named, when. */
    record Call(InetAddress caller, String operation, String path, String host, long time) {
        String describe() {
            return caller.getHostAddress() + " called " + operation + " naming " + Text.quote(path);
        }
    }

    /** The last calls per victim (a tool tries several functions in a row). */
    private static final int PER_VICTIM = 4;

    private static final class Calls {
        final Call[] calls = new Call[PER_VICTIM];
        /** The victim's NEGOTIATE to the call's listener was seen (raised once per call). */
        final boolean[] connected = new boolean[PER_VICTIM];
        int next;

        void add(Call c) {
            calls[next] = c;
            connected[next] = false;
            next = (next + 1) % PER_VICTIM;
        }
    }

    private final LruMap<InetAddress, Calls> byVictim;
    /** Victims whose coerced authentication was seen, with the call that caused it, for the relay layer. */
    private final LruMap<InetAddress, Call> coerced;
    private final long windowNanos;
    /** The servers' addresses as text, which every authentication of a victim with calls compares. */
    private final AddressTexts addresses = new AddressTexts(256);

    CoercionLayer(EngineConfig.Relay cfg) {
        this.byVictim = new LruMap<>(cfg.maxTracked());
        this.coerced = new LruMap<>(cfg.maxTracked());
        this.windowNanos = cfg.windowSeconds() * BehaviourLayer.SEC;
    }

    /** Remembers a coercion call; anything else costs two type checks. */
    void request(DcerpcEvent.DcerpcRequest r) {
        if (!(r.args() instanceof RpcArgs.UncPath u) || !u.listener() || u.host() == null) {
            return;
        }
        EventHeader h = r.header();
        String op = RpcInterfaces.operation(r.interfaceUuid(), r.opnum());
        calls(h.serverIp()).add(new Call(h.clientIp(), op != null ? op : "opnum " + r.opnum(), u.path(), u.host(),
                h.timestampNanos()));
    }

    /**
     * Remembers a SQL batch that makes the server open a UNC path: the SQL Server service connects to
     * the host as a client and authenticates there. The shape is judged once per batch text.
     */
    void batch(MssqlEvent.MssqlBatch b) {
        String text = b.textPrefix();
        if ((MssqlBatchShape.of(text) & MssqlBatchShape.UNC_FILE_PROCEDURE) == 0) {
            return;
        }
        EventHeader h = b.header();
        calls(h.serverIp()).add(new Call(h.clientIp(), MssqlBatchShape.procedure(text), MssqlBatchShape.path(text),
                MssqlBatchShape.host(text), h.timestampNanos()));
    }

    private Calls calls(InetAddress victim) {
        Calls cs = byVictim.get(victim);
        if (cs == null) {
            cs = new Calls();
            byVictim.put(victim, cs);
        }
        return cs;
    }

    /**
     * An NTLM NEGOTIATE, NTLM AUTHENTICATE or Kerberos AP-REQ: the coerced victim's, when it goes to a
     * named listener.
     */
    void authentication(SensorEvent ev, Evidence e) {
        EventHeader h = ev.header();
        Calls cs = byVictim.get(h.clientIp());
        if (cs == null) {
            return;
        }
        if (ev instanceof NtlmEvent.NtlmNegotiate n) {
            connected(n, cs, e);
            return;
        }
        String name;
        if (ev instanceof NtlmEvent.NtlmAuthenticate a) {
            name = afterSlash(a.avTargetName());
        } else if (ev instanceof KerberosEvent.KerberosApRequest k) {
            List<String> c = k.ticket() != null && k.ticket().sname() != null ? k.ticket().sname().components() : List.of();
            name = c.size() >= 2 ? c.get(1) : null;
        } else {
            return;
        }
        long now = h.timestampNanos();
        // A coerced victim (a DC, a file server) goes on authenticating to its usual servers: the
        // texts are made for the one authentication that answers a call.
        String server = addresses.of(h.serverIp());
        for (int i = 0; i < PER_VICTIM; i++) {
            Call c = cs.calls[i];
            if (c == null || now < c.time || now - c.time > windowNanos
                    || !(sameHost(c.host, server) || (name != null && sameHost(c.host, name)))) {
                continue;
            }
            cs.calls[i] = null; // one authentication per call: later retries are the same coercion
            coerced.put(h.clientIp(), c);
            e.attackerIsServer = true;
            String victim = h.clientIp().getHostAddress();
            String how = how(ev);
            e.add(Rules.COERCION_VICTIM_AUTHENTICATED, victim + " authenticated (" + how + ") to " + server + " "
                    + (now - c.time) / 1_000_000 + " ms after " + c.describe() + " on it");
            chain(e, c, now, victim + " authenticated to " + server + " (" + how + ")");
            return;
        }
    }

    /** How an NTLM AUTHENTICATE or Kerberos AP-REQ authenticated, for the indicator. */
    private static String how(SensorEvent ev) {
        if (ev instanceof NtlmEvent.NtlmAuthenticate a) {
            return a.anonymous() ? "anonymous NTLM over " + carrier(a.carrier())
                    : "NTLM over " + carrier(a.carrier()) + " as " + Text.quote(a.domain() + "\\" + a.user());
        }
        KerberosEvent.KerberosApRequest k = (KerberosEvent.KerberosApRequest) ev;
        return "Kerberos AP-REQ for " + Text.quote(k.ticket() != null ? String.valueOf(k.ticket().sname()) : "?");
    }

    /**
     * The victim's NTLM NEGOTIATE to the listener a call named (by address: a NEGOTIATE names no
     * target): the server acted on the call. Once per call; the call stays for the AUTHENTICATE.
     */
    private void connected(NtlmEvent.NtlmNegotiate n, Calls cs, Evidence e) {
        EventHeader h = n.header();
        long now = h.timestampNanos();
        String server = addresses.of(h.serverIp());
        for (int i = 0; i < PER_VICTIM; i++) {
            Call c = cs.calls[i];
            if (c == null || cs.connected[i] || now < c.time || now - c.time > windowNanos || !sameHost(c.host, server)) {
                continue;
            }
            cs.connected[i] = true;
            coerced.put(h.clientIp(), c);
            e.attackerIsServer = true;
            String victim = h.clientIp().getHostAddress();
            String how = "NTLM NEGOTIATE over " + carrier(n.carrier());
            e.add(Rules.COERCION_VICTIM_CONNECTED, victim + " connected to " + server + " and began NTLM authentication ("
                    + how + ") " + (now - c.time) / 1_000_000 + " ms after " + c.describe() + " on it");
            chain(e, c, now, victim + " connected to " + server + " (" + how + ")");
            return;
        }
    }

    /** The chain's two steps: the coercion call {@code c}, then what its victim did at {@code now}. */
    private static void chain(Evidence e, Call c, long now, String victimStep) {
        if (e.chainCount < e.chains.length) {
            e.chains[e.chainCount++] = new ChainLayer.Progress(CHAIN, List.of(
                    new ChainStep(c.time, "coercion call " + c.operation + " from " + c.caller.getHostAddress()
                            + " naming " + Text.quote(c.path)),
                    new ChainStep(now, victimStep)));
        }
    }

    /** The coercion call whose effect was the authentication {@code victim} made, if seen within the window. */
    Call coercedBy(InetAddress victim, long now) {
        Call c = coerced.get(victim);
        return c != null && now - c.time <= windowNanos ? c : null;
    }

    int size() {
        return byVictim.size();
    }

    /**
     * A host named in a path against an address or name seen on the wire: equal ignoring case, or
     * equal first DNS labels when one side is a short name ({@code attacker} and {@code attacker.lab.test}).
     */
    static boolean sameHost(String named, String seen) {
        if (named == null || seen == null || named.isEmpty() || seen.isEmpty()) {
            return false;
        }
        if (named.equalsIgnoreCase(seen)) {
            return true;
        }
        int a = named.indexOf('.');
        int b = seen.indexOf('.');
        if ((a < 0) == (b < 0) || isAddress(named) || isAddress(seen)) {
            return false;
        }
        int la = a < 0 ? named.length() : a;
        int lb = b < 0 ? seen.length() : b;
        return la == lb && named.regionMatches(true, 0, seen, 0, la);
    }

    private static boolean isAddress(String s) {
        return s.indexOf(':') >= 0 || (!s.isEmpty() && Character.isDigit(s.charAt(s.length() - 1)));
    }

    /** {@code cifs/host:port} → {@code host}; null when there is no service prefix. */
    private static String afterSlash(String spn) {
        if (spn == null) {
            return null;
        }
        int s = spn.indexOf('/');
        if (s < 0 || s == spn.length() - 1) {
            return null;
        }
        int end = spn.indexOf(':', s + 1);
        int end2 = spn.indexOf('/', s + 1);
        int stop = spn.length();
        if (end > 0) {
            stop = end;
        }
        if (end2 > 0 && end2 < stop) {
            stop = end2;
        }
        return spn.substring(s + 1, stop);
    }

    static String carrier(io.impacketsensor.core.event.Carrier c) {
        return c == null ? "?" : c.name().toLowerCase(Locale.ROOT).replace("dcerpc", "dce/rpc");
    }
}
