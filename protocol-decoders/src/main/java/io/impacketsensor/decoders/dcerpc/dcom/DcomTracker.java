package io.impacketsensor.decoders.dcerpc.dcom;

import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.flow.FlowContext;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.UUID;

/**
 * One DCE/RPC association's side of DCOM object tracking: names a request by the IPID in its
 * object UUID, and records the interface pointers and object-exporter bindings an answer hands out
 * in the shared {@link DcomObjects}. The addresses of the association are read once, the first
 * time they are needed.
 */
public final class DcomTracker {
    /** IRemUnknown and IRemUnknown2: the exporter's own interface, not one of the object's. */
    private static final UUID IREMUNKNOWN = UUID.fromString("00000131-0000-0000-c000-000000000046");
    private static final UUID IREMUNKNOWN2 = UUID.fromString("00000143-0000-0000-c000-000000000046");

    private final DcomObjects objects;
    private final FlowContext ctx;
    private final DcomObjects.View view = new DcomObjects.View();
    private InetAddress server;
    private InetAddress client;

    public DcomTracker(DcomObjects objects, FlowContext ctx) {
        this.objects = objects;
        this.ctx = ctx;
    }

    private void addresses() {
        if (server == null) {
            var h = ctx.header();
            server = h.serverIp();
            client = h.clientIp();
        }
    }

    /**
     * Looks up the IPID a request carries in its object UUID; true when an earlier answer to this
     * server handed it out ({@link #iid()}, {@link #ifaceIndex()} and {@link #clsid()} then tell).
     */
    public boolean find(UUID ipid) {
        if (ipid == null) {
            return false;
        }
        addresses();
        return objects.find(ipid, server, ctx.timestampNanos(), ctx.frameSequence(), view);
    }

    /** The interface of the last IPID found. */
    public UUID iid() {
        return view.iid;
    }

    /** Its index in {@code RpcInterfaces}, or -1 for an interface the sensor has no name for. */
    public int ifaceIndex() {
        return view.ifaceIndex;
    }

    /** The class of its object, when the activation that created it was seen; else null. */
    public UUID clsid() {
        return view.clsid;
    }

    /**
     * Records what an answer handed out. The class of each interface is the activated class for an
     * activation answer, that of the IPID asked for a RemQueryInterface answer (the same object,
     * MS-DCOM 3.1.1.5.6.1.1), else unknown (an interface pointer returned by a method may belong to
     * any object). String bindings with a port ({@code 172.18.39.6[50937]}) announce that the next
     * connection there carries DCE/RPC.
     */
    public void learn(RpcArgs.DcomObjectRefs refs, RpcArgs request, String analyzerName) {
        addresses();
        UUID clsid = refs.clsid();
        if (clsid == null && request instanceof RpcArgs.DcomQueryInterface qi) {
            clsid = objects.clsidOf(qi.ipid(), server);
        }
        List<RpcArgs.DcomRef> l = refs.refs();
        for (int i = 0; i < l.size(); i++) {
            RpcArgs.DcomRef r = l.get(i);
            boolean exporter = r.iid().equals(IREMUNKNOWN) || r.iid().equals(IREMUNKNOWN2);
            objects.put(r.ipid(), r.iid(), exporter ? null : clsid, server, client, ctx.timestampNanos(),
                    ctx.frameSequence());
        }
        List<String> b = refs.bindings();
        for (int i = 0; i < b.size(); i++) {
            expect(b.get(i), analyzerName);
        }
    }

    /** A string binding {@code address[port]} (MS-DCOM 2.2.19.3): expect DCE/RPC at that port. */
    private void expect(String binding, String analyzerName) {
        int open = binding.lastIndexOf('[');
        int close = binding.lastIndexOf(']');
        if (open < 0 || close != binding.length() - 1 || close - open < 2 || close - open > 6) {
            return;
        }
        int port = 0;
        for (int i = open + 1; i < close; i++) {
            char c = binding.charAt(i);
            if (c < '0' || c > '9') {
                return;
            }
            port = port * 10 + (c - '0');
        }
        if (port == 0 || port > 65535) {
            return;
        }
        InetAddress at = server;
        String host = binding.substring(0, open);
        if (dottedQuad(host)) {
            try {
                // A literal address: no name lookup happens.
                at = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                at = server;
            }
        }
        ctx.expect(at, port, analyzerName);
    }

    /** Four decimal octets of at most 255 each, so {@code getByName} parses it and never resolves a name. */
    private static boolean dottedQuad(String s) {
        int dots = 0;
        int digits = 0;
        int value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (digits == 0) {
                    return false;
                }
                dots++;
                digits = 0;
                value = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                digits++;
                value = value * 10 + (c - '0');
                if (value > 255) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return dots == 3 && digits > 0;
    }
}
