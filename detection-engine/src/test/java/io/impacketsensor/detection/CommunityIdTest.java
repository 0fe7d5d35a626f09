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
