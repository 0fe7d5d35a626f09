package io.impacketsensor.core.event;

import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.core.event.DcerpcEvent.Context;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcBind;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcResponse;
import io.impacketsensor.core.event.DcerpcEvent.InterfaceSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.UUID;

/**
 * What was bound at each server endpoint, across connections: the interface behind a context id
 * whose BIND was not captured. A server endpoint is the server address with the TCP port
 * (ncacn_ip_tcp) or with the pipe name (ncacn_np); what it serves is learned from the accepted
 * contexts of BIND and ALTER_CONTEXT answers on any connection to it, and from the endpoint
 * mapper's ept_map answers (C706 appendix O, MS-RPCE 2.1.1.1: the tower names the interface, the
 * port and the host).
 *
 * <p>Windows keeps RPC connections and their presentation contexts open and reuses them (a second
 * DRSUAPI session rides the connection the first one bound), and a sensor started while sessions
 * are open never sees their BIND. A request on such a context ({@code interfaceUuid} null, or only
 * inferred by the decoder) is named when the same client bound that context id at the same
 * endpoint on another connection, or else when the endpoint's knowledge has exactly one interface;
 * the request is then re-issued with {@link InterfaceSource#ENDPOINT}. Its stub arguments stay
 * undecoded (the decoder did not know the interface when the stub passed).
 *
 * <p>Used on the single thread that receives the decoders' events in frame order, so what a request
 * finds does not depend on the number of decode workers. Bounded: at most {@link #MAX_ENDPOINTS}
 * endpoints (least recently used forgotten first) with at most {@link #MAX_PER_ENDPOINT} interfaces
 * and context bindings each (oldest replaced). Works on events, never per packet.
 */
public final class EndpointInterfaces {
    /** Server endpoints remembered; the least recently used is forgotten first. */
    public static final int MAX_ENDPOINTS = 4096;
    /** Interfaces and (client, context id) bindings remembered per endpoint. */
    public static final int MAX_PER_ENDPOINT = 8;

    /**
     * One server endpoint. Keys in the map never change; {@link #mappedProbe} is one reused to look
     * endpoints up, and is copied when stored.
     */
    static final class Endpoint {
        /** The server address. */
        InetAddress server;
        /** The TCP port, or 0 for a pipe. */
        int port;
        /** The pipe name (in lower case when from an event), or null over TCP. */
        String pipe;

        Endpoint(InetAddress server, int port, String pipe) {
            this.server = server;
            this.port = port;
            this.pipe = pipe;
        }

        // Written out, as a record's generated equals and hashCode would go through method handles,
        // which the batch launcher's C1-only JIT does not fold; every BIND and unnamed request looks one up.
        @Override
        public boolean equals(Object o) {
            return o instanceof Endpoint e && e.port == port && java.util.Objects.equals(e.server, server)
                    && java.util.Objects.equals(e.pipe, pipe);
        }

        @Override
        public int hashCode() {
            return (java.util.Objects.hashCode(server) * 31 + port) * 31 + java.util.Objects.hashCode(pipe);
        }
    }

    /** What is known of one endpoint; arrays ordered newest first. */
    private static final class Known {
        final UUID[] interfaces = new UUID[MAX_PER_ENDPOINT];
        int interfaceCount;
        final InetAddress[] clients = new InetAddress[MAX_PER_ENDPOINT];
        final int[] contextIds = new int[MAX_PER_ENDPOINT];
        final UUID[] bound = new UUID[MAX_PER_ENDPOINT];
        int boundCount;

        void addInterface(UUID u) {
            int at = -1;
            for (int i = 0; i < interfaceCount; i++) {
                if (interfaces[i].equals(u)) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                at = Math.min(interfaceCount, MAX_PER_ENDPOINT - 1);
                interfaceCount = Math.min(interfaceCount + 1, MAX_PER_ENDPOINT);
            }
            System.arraycopy(interfaces, 0, interfaces, 1, at);
            interfaces[0] = u;
        }

        void addBinding(InetAddress client, int contextId, UUID u) {
            int at = -1;
            for (int i = 0; i < boundCount; i++) {
                if (contextIds[i] == contextId && clients[i].equals(client)) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                at = Math.min(boundCount, MAX_PER_ENDPOINT - 1);
                boundCount = Math.min(boundCount + 1, MAX_PER_ENDPOINT);
            }
            System.arraycopy(clients, 0, clients, 1, at);
            System.arraycopy(contextIds, 0, contextIds, 1, at);
            System.arraycopy(bound, 0, bound, 1, at);
            clients[0] = client;
            contextIds[0] = contextId;
            bound[0] = u;
        }
    }

    private final LruMap<Endpoint, Known> endpoints = new LruMap<>(MAX_ENDPOINTS);
    private long named;

    /**
     * Learns from a bind answer or an ept_map answer, and names a request whose interface the
     * decoder did not know (or only inferred) when the endpoint's knowledge singles one out.
     * Returns the event to pass on: {@code e} itself, or a copy of the request with the interface.
     */
    public SensorEvent resolve(SensorEvent e) {
        if (e instanceof DcerpcRequest r) {
            if (r.interfaceSource() == null || r.interfaceSource() == InterfaceSource.INFERRED) {
                return name(r);
            }
        } else if (e instanceof DcerpcBind b) {
            learn(b);
        } else if (e instanceof DcerpcResponse r) {
            if (r.result() instanceof RpcArgs.EpmMapResult m && (m.tcpPort() > 0 || m.pipe() != null)) {
                mapped(r.header(), m);
            } else if (r.interfaceUuid() == null) {
                return name(r);
            }
        }
        return e;
    }

    /**
     * An answer whose request the copy does not hold (a mirror of the server's side only) names no
     * interface; it is named when its endpoint's knowledge has exactly one (an ept_map answer for
     * that port, or what was bound there before). The operation stays unknown.
     */
    private DcerpcResponse name(DcerpcResponse r) {
        Endpoint at = endpoint(r.header(), r.namedPipe());
        Known k = at == null ? null : endpoints.get(at);
        if (k == null || k.interfaceCount != 1) {
            return r;
        }
        named++;
        return new DcerpcResponse(r.header(), r.namedPipe(), r.callId(), k.interfaces[0], r.opnum(), r.sealed(),
                r.stubLength(), r.result(), r.fragments(), r.rpcVersionMinor(), r.bodyLength());
    }

    /** Requests and answers named from what their endpoint served before. */
    public long named() {
        return named;
    }

    /** Endpoints forgotten to make room. */
    public long evictions() {
        return endpoints.evictions();
    }

    private DcerpcRequest name(DcerpcRequest r) {
        Endpoint at = endpoint(r.header(), r.namedPipe());
        Known k = at == null ? null : endpoints.get(at);
        if (k == null) {
            return r;
        }
        UUID u = null;
        InetAddress client = r.header().clientIp();
        for (int i = 0; i < k.boundCount; i++) {
            if (k.contextIds[i] == r.contextId() && k.clients[i].equals(client)) {
                u = k.bound[i];
                break;
            }
        }
        if (u == null && k.interfaceCount == 1) {
            u = k.interfaces[0];
        }
        if (u == null) {
            return r;
        }
        named++;
        // An inference of the same interface is confirmed; one of another is overruled by what the
        // server actually bound or announced at this endpoint.
        return new DcerpcRequest(r.header(), r.namedPipe(), r.callId(), r.contextId(), u, r.opnum(), r.objectUuid(),
                r.sealed(), r.stubLength(), r.fragments(), r.authType(), r.authLevel(),
                u.equals(r.interfaceUuid()) ? r.args() : null, InterfaceSource.ENDPOINT, r.clsid(), r.rpcVersionMinor(),
                r.bodyLength());
    }

    private void learn(DcerpcBind b) {
        Known k = null;
        java.util.List<Context> contexts = b.contexts();
        for (int i = 0; i < contexts.size(); i++) { // by index: no iterator per bind (events thread)
            Context c = contexts.get(i);
            if (c.result() != 0) {
                continue; // C706 12.6.3.1 p_cont_def_result_t: only acceptance binds the context
            }
            if (k == null) {
                Endpoint at = endpoint(b.header(), b.namedPipe());
                if (at == null) {
                    return;
                }
                k = known(at); // once per bind, not per context
            }
            k.addInterface(c.interfaceUuid());
            k.addBinding(b.header().clientIp(), c.contextId(), c.interfaceUuid());
        }
    }

    private void mapped(EventHeader h, RpcArgs.EpmMapResult m) {
        InetAddress server = null;
        if (m.ip() != null && !m.ip().equals("0.0.0.0")) {
            // A scan maps one host's endpoints again and again: its text is read once.
            if (!m.ip().equals(lastMappedText)) {
                lastMappedAddress = dottedQuad(m.ip());
                lastMappedText = m.ip();
            }
            server = lastMappedAddress;
        }
        if (server == null) {
            server = h.serverIp();
        }
        if (m.interfaceUuid() != null) {
            // An endpoint mapper scan answers for the same endpoints again and again: looked up with
            // the probe, copied only when new.
            Endpoint at = mappedProbe;
            at.server = server;
            at.port = m.tcpPort() > 0 ? m.tcpPort() : 0;
            at.pipe = m.tcpPort() > 0 ? null : m.pipe();
            Known k = known(at);
            at.server = null; // the probe holds no address or name between events
            at.pipe = null;
            k.addInterface(m.interfaceUuid());
        }
    }

    /**
     * The address of a dotted quad (the ept_map decoder builds one from the tower's four bytes),
     * read digit by digit rather than through {@code InetAddress.getByName}'s text parsing; any
     * other text goes to getByName as before (a literal: no name lookup), null if it is no address.
     */
    static InetAddress dottedQuad(String ip) {
        byte[] b = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i < ip.length(); i++) {
            char c = ip.charAt(i);
            if (c >= '0' && c <= '9' && value != 0) {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    return byName(ip);
                }
            } else if (c == '.' && value >= 0 && part < 3) {
                b[part++] = (byte) value;
                value = -1;
            } else {
                return byName(ip);
            }
        }
        if (part != 3 || value < 0) {
            return byName(ip);
        }
        b[3] = (byte) value;
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException ex) {
            return byName(ip); // four bytes are always an IPv4 address
        }
    }

    private static InetAddress byName(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException ex) {
            return null;
        }
    }

    /** The ept_map answer's address text read last, and its address (possibly null). */
    private String lastMappedText;
    private InetAddress lastMappedAddress;
    /** The lookup key of an ept_map answer's endpoint. */
    private final Endpoint mappedProbe = new Endpoint(null, 0, null);
    /** How many endpoints made lately are given again: a client's binds go to the endpoint mapper and to the port it named in turn. */
    private static final int RECENT = 4;
    /** The endpoints made lately, and their pipe names as the events gave them (before lower-casing). */
    private final Endpoint[] recent = new Endpoint[RECENT];
    private final String[] recentPipes = new String[RECENT];
    private int nextRecent;

    /**
     * The endpoint of an event's server; null for a pipe whose name is unknown. One made lately is
     * given again for the same server, port and pipe name (an endpoint is immutable, and the
     * events of a few connections come in turn), so a lookup makes no key.
     */
    private Endpoint endpoint(EventHeader h, String pipe) {
        if (pipe != null && pipe.isEmpty()) {
            return null;
        }
        int port = pipe == null ? h.serverPort() : 0;
        InetAddress server = h.serverIp();
        for (int i = 0; i < RECENT; i++) {
            Endpoint e = recent[i];
            if (e != null && e.port == port && java.util.Objects.equals(pipe, recentPipes[i])
                    && java.util.Objects.equals(e.server, server)) {
                return e;
            }
        }
        Endpoint e = new Endpoint(server, port, pipe == null ? null : pipe.toLowerCase(Locale.ROOT));
        recent[nextRecent] = e;
        recentPipes[nextRecent] = pipe;
        nextRecent = (nextRecent + 1) % RECENT;
        return e;
    }

    /** What is known of endpoint {@code at}, made when new under a copy of {@code at} (which may be a reused probe). */
    private Known known(Endpoint at) {
        Known k = endpoints.get(at);
        if (k == null) {
            k = new Known();
            endpoints.put(new Endpoint(at.server, at.port, at.pipe), k);
        }
        return k;
    }
}
