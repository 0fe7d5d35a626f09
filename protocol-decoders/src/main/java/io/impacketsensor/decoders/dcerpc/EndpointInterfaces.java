package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.collections.LruMap;
import io.impacketsensor.core.event.RpcInterfaces;

import java.net.InetAddress;
import java.util.Locale;
import java.util.UUID;

/**
 * What was bound at each server endpoint, across connections: the interface behind a context id
 * whose BIND was not captured. A server endpoint is the server address with the TCP port
 * (ncacn_ip_tcp) or with the pipe name (ncacn_np); what it serves is learned from the BIND and
 * ALTER_CONTEXT answers seen on any connection to it, and from the endpoint mapper's ept_map
 * answers (C706 appendix O, MS-RPCE 2.1.1.1: the tower names the interface and the port). A few
 * pipes are served by one interface whatever the server (MS-SCMR 2.1 {@code \PIPE\svcctl}, MS-RRP
 * 2.1 {@code \PIPE\winreg}, ...): those are known without having seen a bind.
 *
 * <p>Windows keeps RPC connections and their presentation contexts open between calls and reuses
 * them (a second DRSUAPI session rides the connection the first one bound), and a sensor started
 * while sessions are open never sees their BIND. A request on such a context is named when the
 * endpoint's knowledge has exactly one candidate, or when the same client bound that context id
 * at the same endpoint on another connection to one interface; otherwise it is left to
 * {@link OpnumInference}.
 *
 * <p>Bounded: at most {@link #MAX_ENDPOINTS} endpoints (least recently used evicted) with at most
 * {@link #MAX_PER_ENDPOINT} interfaces and context bindings each (oldest replaced). One instance per
 * decode worker, used by that worker's thread only; touched when a bind is answered, an ept_map
 * answer is decoded or a request arrives on an unknown context, never per packet.
 */
public final class EndpointInterfaces {
    /** Server endpoints remembered; the least recently used is forgotten first. */
    public static final int MAX_ENDPOINTS = 4096;
    /** Interfaces and (client, context id) bindings remembered per endpoint. */
    public static final int MAX_PER_ENDPOINT = 8;

    /**
     * Pipes served by exactly one of the interfaces the decoder names, as Windows and Samba register
     * them: svcctl (MS-SCMR 2.1), winreg (MS-RRP 2.1), srvsvc (MS-SRVS 2.1), wkssvc (MS-WKST 2.1),
     * netlogon (MS-NRPC 2.1), spoolss (MS-RPRN 2.1), eventlog (MS-EVEN 2.1), efsrpc (MS-EFSR 2.1),
     * epmapper (MS-RPCE 2.1.1.2). Not lsarpc, samr, lsass or atsvc: several interfaces listen there
     * (LSARPC, DSSETUP and EFSRPC on lsarpc; ATSVC and ITaskSchedulerService on atsvc).
     */
    private static final String[][] ONE_INTERFACE_PIPES = {
        {"svcctl", "367abb81-9844-35f1-ad32-98f038001003"},
        {"winreg", "338cd001-2244-31f1-aaaa-900038001003"},
        {"srvsvc", "4b324fc8-1670-01d3-1278-5a47bf6ee188"},
        {"wkssvc", "6bffd098-a112-3610-9833-46c3f87e345a"},
        {"netlogon", "12345678-1234-abcd-ef00-01234567cffb"},
        {"spoolss", "12345678-1234-abcd-ef00-0123456789ab"},
        {"eventlog", "82273fdc-e32a-18c3-3f78-827929dc23ea"},
        {"efsrpc", "df1941c5-fe89-4e79-bf10-463657acf44d"},
        {"epmapper", "e1af8308-5d1f-11c9-91a4-08002b14a0fa"},
    };

    /**
     * One server endpoint.
     *
     * @param server the server address
     * @param port   the TCP port, or 0 for a pipe
     * @param pipe   the pipe name in lower case, or null over TCP
     */
    public record Endpoint(InetAddress server, int port, String pipe) {
        /** The endpoint of a TCP connection's server. */
        public static Endpoint tcp(InetAddress server, int port) {
            return new Endpoint(server, port, null);
        }

        /** The endpoint of a named pipe on a server (the name as the pipe analyzer knows it). */
        public static Endpoint pipe(InetAddress server, String pipe) {
            return new Endpoint(server, 0, pipe.toLowerCase(Locale.ROOT));
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
            int at = indexOf(interfaces, interfaceCount, u);
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

        private static int indexOf(UUID[] a, int n, UUID u) {
            for (int i = 0; i < n; i++) {
                if (a[i].equals(u)) {
                    return i;
                }
            }
            return -1;
        }
    }

    private final LruMap<Endpoint, Known> endpoints = new LruMap<>(MAX_ENDPOINTS);

    /** A context the server accepted on a connection from {@code client} to {@code at}. */
    public void bound(Endpoint at, InetAddress client, int contextId, UUID iface) {
        if (at == null || iface == null) {
            return;
        }
        Known k = known(at);
        k.addInterface(iface);
        if (client != null) {
            k.addBinding(client, contextId, iface);
        }
    }

    /** The endpoint mapper said that {@code iface} listens at {@code at} (an ept_map answer). */
    public void mapped(Endpoint at, UUID iface) {
        if (at != null && iface != null) {
            known(at).addInterface(iface);
        }
    }

    /**
     * The interface of context {@code contextId} on a connection from {@code client} to {@code at}
     * whose BIND was not seen, or null when the knowledge does not single one out.
     */
    public UUID lookup(Endpoint at, InetAddress client, int contextId) {
        if (at == null) {
            return null;
        }
        Known k = endpoints.get(at);
        if (k != null) {
            UUID same = null;
            for (int i = 0; i < k.boundCount; i++) {
                if (k.contextIds[i] == contextId && k.clients[i].equals(client)) {
                    same = k.bound[i];
                    break;
                }
            }
            if (same != null) {
                return same;
            }
            if (k.interfaceCount == 1) {
                return k.interfaces[0];
            }
            if (k.interfaceCount > 1) {
                return null;
            }
        }
        // Not TCP 135: the endpoint mapper shares it with the DCOM activator and object exporter.
        return at.pipe() == null ? null : wellKnownPipe(at.pipe());
    }

    /** The one interface served on this pipe name, or null. */
    static UUID wellKnownPipe(String pipe) {
        for (String[] p : ONE_INTERFACE_PIPES) {
            if (p[0].equalsIgnoreCase(pipe)) {
                return UUID.fromString(p[1]);
            }
        }
        return null;
    }

    /** Endpoints remembered now. */
    public int size() {
        return endpoints.size();
    }

    /** Endpoints forgotten to make room. */
    public long evictions() {
        return endpoints.evictions();
    }

    private Known known(Endpoint at) {
        Known k = endpoints.get(at);
        if (k == null) {
            k = new Known();
            endpoints.put(at, k);
        }
        return k;
    }

    static {
        // The table's UUIDs are the decoder's own names (RpcInterfaces), so a typo cannot pass silently.
        for (String[] p : ONE_INTERFACE_PIPES) {
            if (RpcInterfaces.indexOf(UUID.fromString(p[1])) < 0) {
                throw new ExceptionInInitializerError("pipe " + p[0] + " names an interface RpcInterfaces does not know");
            }
        }
    }
}
