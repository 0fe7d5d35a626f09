package io.impacketsensor.core.event;

import io.impacketsensor.core.event.DcerpcEvent.Context;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcBind;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcRequest;
import io.impacketsensor.core.event.DcerpcEvent.DcerpcResponse;
import io.impacketsensor.core.event.DcerpcEvent.InterfaceSource;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * synthetic events: a request is named by what its own endpoint (server, port or pipe) learned,
 * never by the endpoint looked up just before it, however the lookups follow each other.
 */
class EndpointInterfacesLookupTest {
    private static final UUID U1 = UUID.fromString("367abb81-9844-35f1-ad32-98f038001003");
    private static final UUID U2 = UUID.fromString("12345778-1234-abcd-ef00-0123456789ab");
    private static final UUID U3 = UUID.fromString("e3514235-4b06-11d1-ab04-00c04fc2dcd2");

    @Test
    void requestsAreNamedByTheirOwnEndpoint() throws Exception {
        InetAddress client = InetAddress.getByName("10.0.0.9");
        InetAddress s1 = InetAddress.getByName("10.0.0.1");
        InetAddress s2 = InetAddress.getByName("10.0.0.2");
        EndpointInterfaces ei = new EndpointInterfaces();

        ei.resolve(bind(header(client, s1, 49667), null, U1));
        assertEquals(U1, named(ei, request(header(client, s1, 49667), null)));
        assertNull(named(ei, request(header(client, s2, 49667), null)), "another server");
        assertNull(named(ei, request(header(client, s1, 49668), null)), "another port");
        assertEquals(U1, named(ei, request(header(client, s1, 49667), null)));

        ei.resolve(bind(header(client, s1, 445), "\\PIPE\\lsarpc", U2));
        assertEquals(U2, named(ei, request(header(client, s1, 445), "\\pipe\\LSARPC")), "pipe names in any case");
        assertEquals(U2, named(ei, request(header(client, s1, 445), "\\PIPE\\lsarpc")));
        assertNull(named(ei, request(header(client, s2, 445), "\\PIPE\\lsarpc")), "the pipe on another server");
        assertNull(named(ei, request(header(client, s1, 445), "\\PIPE\\samr")), "another pipe");
        assertNull(named(ei, request(header(client, s1, 445), "")), "a pipe whose name is unknown");
        assertEquals(U1, named(ei, request(header(client, s1, 49667), null)), "TCP after pipes");

        // ept_map answers naming hosts by text: the same host twice, then another
        ei.resolve(epm(header(client, s1, 135), U3, 49700, "10.0.0.5"));
        ei.resolve(epm(header(client, s1, 135), U3, 49701, "10.0.0.5"));
        ei.resolve(epm(header(client, s1, 135), U2, 49700, "10.0.0.6"));
        InetAddress s5 = InetAddress.getByName("10.0.0.5");
        InetAddress s6 = InetAddress.getByName("10.0.0.6");
        assertEquals(U3, named(ei, request(header(client, s5, 49700), null)));
        assertEquals(U3, named(ei, request(header(client, s5, 49701), null)));
        assertEquals(U2, named(ei, request(header(client, s6, 49700), null)));
        assertNull(named(ei, request(header(client, s6, 49701), null)));
    }

    private static UUID named(EndpointInterfaces ei, DcerpcRequest r) {
        DcerpcRequest out = (DcerpcRequest) ei.resolve(r);
        return out == r ? null : out.interfaceUuid();
    }

    private static EventHeader header(InetAddress client, InetAddress server, int port) {
        return new EventHeader(1, 7, client, 50000, server, port, Transport.TCP);
    }

    private static DcerpcBind bind(EventHeader h, String pipe, UUID u) {
        return new DcerpcBind(h, pipe, false, 1, 4280, 4280, List.of(new Context(0, u, 1, 0, List.of(), 0, 0)),
                0, 0, 0, false);
    }

    private static DcerpcRequest request(EventHeader h, String pipe) {
        return new DcerpcRequest(h, pipe, 2, 0, null, 0, null, false, 0, 1, 0, 0, null, null, null);
    }

    private static DcerpcResponse epm(EventHeader h, UUID u, int port, String ip) {
        return new DcerpcResponse(h, null, 3, null, 3, false, 0, new RpcArgs.EpmMapResult(u, port, ip));
    }
}
