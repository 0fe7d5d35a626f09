package io.impacketsensor.detection;

import com.fasterxml.jackson.databind.JsonNode;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.eve.CommunityId;
import io.impacketsensor.detection.eve.EveAlertWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Community ID v1 against values tshark 4.0 computes ({@code --enable-protocol communityid}, seed 0,
 * base64) for flows of the lab captures, and the alert action's meaning.
 */
class CommunityIdTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void tcpFlowMatchesTsharkInBothDirections() throws Exception {
        // lab atk_GetADUsers.pcap, LDAP: 10.99.0.2:43300 -> 10.99.0.1:389
        CommunityId c = new CommunityId();
        assertEquals("1:JquXucNjhkbGhgNt8JZBuJxg1Rs=", c.of(ip("10.99.0.2"), 43300, ip("10.99.0.1"), 389, Transport.TCP));
        assertEquals("1:JquXucNjhkbGhgNt8JZBuJxg1Rs=", c.of(ip("10.99.0.1"), 389, ip("10.99.0.2"), 43300, Transport.TCP));
    }

    @Test
    void udpFlowMatchesTshark() throws Exception {
        // lab ben_kinit_kvno.pcap, Kerberos over UDP: 10.99.0.3:54564 -> 10.99.0.1:88
        CommunityId c = new CommunityId();
        assertEquals("1:1hycZSMpt+er4f/PqdwIgafmlZs=", c.of(ip("10.99.0.3"), 54564, ip("10.99.0.1"), 88, Transport.UDP));
        assertEquals("1:1hycZSMpt+er4f/PqdwIgafmlZs=", c.of(ip("10.99.0.1"), 88, ip("10.99.0.3"), 54564, Transport.UDP));
    }

    /** The specification's computation written plainly, to compare the writer's with. */
    private static String reference(int seed, InetAddress a, int aPort, InetAddress b, int bPort, Transport t)
            throws Exception {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        int c = java.util.Arrays.compareUnsigned(x, y);
        if (x.length == y.length && (c > 0 || c == 0 && aPort > bPort)) {
            byte[] s = x;
            x = y;
            y = s;
            int p = aPort;
            aPort = bPort;
            bPort = p;
        }
        java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
        in.write(seed >>> 8);
        in.write(seed);
        in.writeBytes(x);
        in.writeBytes(y);
        in.write(t == Transport.TCP ? 6 : 17);
        in.write(0);
        in.write(aPort >>> 8);
        in.write(aPort);
        in.write(bPort >>> 8);
        in.write(bPort);
        byte[] d = java.security.MessageDigest.getInstance("SHA-1").digest(in.toByteArray());
        return "1:" + java.util.Base64.getEncoder().encodeToString(d);
    }

    /** Random flows (addresses above 128.0.0.0 too, equal addresses, IPv6 and mixed) as the plain computation gives them. */
    @Test
    void everyFlowHashesAsThePlainComputation() throws Exception {
        java.util.Random r = new java.util.Random(6);
        for (int seed : new int[] {0, 1, 0xBEEF}) {
            CommunityId c = new CommunityId(seed);
            for (int i = 0; i < 3_000; i++) {
                byte[] x = new byte[i % 10 == 9 ? 16 : 4];
                byte[] y = new byte[i % 20 == 19 ? 4 : x.length];
                r.nextBytes(x);
                r.nextBytes(y);
                if (i % 7 == 0) {
                    y = x.clone();
                }
                InetAddress a = InetAddress.getByAddress(x);
                InetAddress b = InetAddress.getByAddress(y);
                int ap = i % 5 == 0 ? 445 : r.nextInt(65536);
                int bp = i % 5 == 0 ? 445 : r.nextInt(65536);
                Transport t = i % 2 == 0 ? Transport.TCP : Transport.UDP;
                assertEquals(reference(seed, a, ap, b, bp, t), c.of(a, ap, b, bp, t), a + ":" + ap + " " + b + ":" + bp);
            }
        }
    }

    @Test
    void theSeedChangesTheHash() throws Exception {
        String zero = new CommunityId(0).of(ip("10.99.0.2"), 43300, ip("10.99.0.1"), 389, Transport.TCP);
        String one = new CommunityId(1).of(ip("10.99.0.2"), 43300, ip("10.99.0.1"), 389, Transport.TCP);
        assertNotEquals(zero, one);
    }

    @Test
    void alertActionIsBlockedOnlyWhenEnforced() throws Exception {
        assertEquals(List.of("allowed"), actions(false));
        assertEquals(List.of("blocked"), actions(true));
    }

    /** alert.action of the last alert for the specification's psexec example, which the engine blocks. */
    private static List<String> actions(boolean enforced) throws Exception {
        ImpacketProtection protection = new ImpacketProtection();
        ByteArrayOutputStream eve = new ByteArrayOutputStream();
        EveAlertWriter writer = new EveAlertWriter(eve);
        writer.enforcement(() -> enforced);
        protection.setAlertSink(writer);
        protection.analyzeNetworkEvent(NetworkEvent.builder("192.168.1.100", NetworkEvent.Protocol.SMB)
                .destIp("192.168.1.10").eventType("service_creation").share("ADMIN$")
                .path("\\PIPE\\PSEXESVC").serviceName("PSEXESVC").command("cmd.exe").username("administrator")
                .build());
        writer.flush();
        List<JsonNode> records = EveSchema.validate(eve.toString(StandardCharsets.UTF_8));
        JsonNode last = records.get(records.size() - 1);
        assertEquals("block", last.get("impacket").get("action").textValue());
        assertEquals(last.get("community_id").textValue(), new CommunityId().of(ip("192.168.1.100"),
                last.get("src_port").intValue(), ip("192.168.1.10"), last.get("dest_port").intValue(), Transport.TCP));
        return List.of(last.get("alert").get("action").textValue());
    }
}
