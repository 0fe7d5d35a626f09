package io.impacketsensor.fleet.correlate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.impacketsensor.detection.config.EngineConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet layers' windows on event sequences, through the real topology in Kafka Streams'
 * TopologyTestDriver (no broker: CorrelatorTest runs the topology against one). The events are the
 * sensors' detection events (schema v1, docs/user/fleet.md) as FleetEvents writes them.
 */
class CorrelatorLayersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_780_000_000_000_000_000L;
    private static final long SEC = 1_000_000_000L;
    @TempDir
    Path state;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> in;
    private TestOutputTopic<String, byte[]> out;

    @BeforeEach
    void start() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "layers");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        driver = new TopologyTestDriver(Correlator.topology("events", "alerts", EngineConfig.defaults()), p);
        in = driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic("alerts", new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static ObjectNode event(String type, String sensor, String entity, long ts, String src, String dst, int srcPort) {
        ObjectNode n = JSON.createObjectNode();
        n.put("v", 1).put("type", type).put("sensor", sensor).put("entity", entity).put("ts_ns", ts)
                .put("src_ip", src).put("src_port", srcPort).put("dest_ip", dst).put("dest_port", 445)
                .put("community_id", "1:" + src + ":" + srcPort + ">" + dst);
        return n;
    }

    /** An NTLM AUTHENTICATE the server refused (STATUS_LOGON_FAILURE), keyed as sensors key it. */
    private void ntlmFailure(String sensor, String src, String dc, String account, long ts, int srcPort) throws Exception {
        ObjectNode n = event("ntlm_auth", sensor, "challenge:" + account + srcPort, ts, src, dc, srcPort);
        n.put("account", account).put("anonymous", false).put("ntlm_version", 2).put("outcome", "failure")
                .put("status", "0xc000006d");
        send(n);
    }

    private void krbOutcome(String sensor, String src, String dc, String account, long ts, int code, int srcPort) throws Exception {
        ObjectNode n = event("krb_outcome", sensor, "account:" + account, ts, src, dc, srcPort);
        n.put("account", account).put("request", "as").put("outcome", code == 25 ? "continue" : code == 0 ? "success" : "failure");
        if (code != 0) {
            n.put("error_code", code);
        }
        send(n);
    }

    private void send(ObjectNode n) throws Exception {
        in.pipeInput(n.path("entity").asText(), JSON.writeValueAsBytes(n), n.path("ts_ns").asLong() / 1_000_000);
    }

    private List<JsonNode> alerts() throws Exception {
        List<JsonNode> got = new ArrayList<>();
        for (byte[] v : out.readValuesToList()) {
            got.add(JSON.readTree(v));
        }
        return got;
    }

    @Test
    void aSprayOverThreeDcLinksIsOneFleetAlertThoughNoSensorSawEnough() throws Exception {
        // 12 accounts, one failure each, from 10.0.0.66 to three DCs, each DC's link on its own sensor:
        // 4 failures per sensor, below the spray threshold (more than 5 failures over 10 accounts).
        String[] dcs = {"10.0.0.1", "10.0.0.2", "10.0.0.3"};
        for (int i = 0; i < 12; i++) {
            ntlmFailure("dc" + (i % 3), "10.0.0.66", dcs[i % 3], "corp\\user" + i, T0 + i * SEC, 40000 + i);
        }
        // The spray goes on: still one alert.
        for (int i = 12; i < 20; i++) {
            krbOutcome("dc" + (i % 3), "10.0.0.66", dcs[i % 3], "corp.local\\user" + i, T0 + i * SEC, 24, 40000 + i);
        }
        List<JsonNode> got = alerts();
        assertEquals(1, got.size(), got.toString());
        JsonNode a = got.get(0);
        assertEquals(9000901, a.path("alert").path("signature_id").asInt());
        assertEquals("password_spray", a.path("impacket").path("attack_type").asText());
        assertEquals("spray", a.path("impacket").path("fleet").asText());
        assertEquals("10.0.0.66", a.path("src_ip").asText());
        assertEquals("[\"dc0\",\"dc1\",\"dc2\"]", a.path("impacket").path("sensors").toString());
        assertEquals("fleet_password_spray", a.path("impacket").path("rules").get(0).path("name").asText());
        String first = a.path("impacket").path("indicators").get(0).asText();
        // The tenth failure (10 accounts, more than 5 failures) raised it.
        assertTrue(first.startsWith("10 failed authentications across 10 accounts within 300 s over 3 sensors (dc0: 4, dc1: 3, dc2: 3)"),
                first);
    }

    @Test
    void oneSensorThatSawTheWholeSprayRaisedItItselfAndTheFleetDoesNotRepeatIt() throws Exception {
        for (int i = 0; i < 12; i++) {
            ntlmFailure("dc0", "10.0.0.66", "10.0.0.1", "corp\\user" + i, T0 + i * SEC, 40000 + i);
        }
        // Another sensor sees a little of it too (the second DC link).
        ntlmFailure("dc1", "10.0.0.66", "10.0.0.2", "corp\\other", T0 + 13 * SEC, 41000);
        assertEquals(List.of(), alerts());
    }

    @Test
    void onlyFailuresTheEngineCountsAndOnlyWithinTheWindow() throws Exception {
        // Successes, PREAUTH_REQUIRED and unknown principals (enumeration, its own rule) are not failed guesses.
        for (int i = 0; i < 12; i++) {
            krbOutcome("dc" + (i % 3), "10.0.0.66", "10.0.0.1", "corp.local\\user" + i, T0 + i * SEC, 25, 40000 + i);
            krbOutcome("dc" + (i % 3), "10.0.0.66", "10.0.0.1", "corp.local\\user" + i, T0 + i * SEC, 6, 41000 + i);
            krbOutcome("dc" + (i % 3), "10.0.0.66", "10.0.0.1", "corp.local\\user" + i, T0 + i * SEC, 0, 42000 + i);
        }
        // Failures a minute apart: never more than five within 300 s.
        for (int i = 0; i < 12; i++) {
            ntlmFailure("dc" + (i % 3), "10.0.0.77", "10.0.0.1", "corp\\user" + i, T0 + i * 61 * SEC, 43000 + i);
        }
        assertEquals(List.of(), alerts());
    }

    @Test
    void oneAccountFailingOnSeveralSensorsIsOneAlertAndOverlappingMirrorsCountOnce() throws Exception {
        // Sensors a and b mirror the same link: the same three failures are counted once.
        for (int i = 0; i < 3; i++) {
            ntlmFailure("a", "10.0.0.5" + i, "10.0.0.1", "corp\\svc_sql", T0 + i * SEC, 40000 + i);
            ntlmFailure("b", "10.0.0.5" + i, "10.0.0.1", "corp\\svc_sql", T0 + i * SEC + 2_000_000, 40000 + i);
        }
        assertEquals(List.of(), alerts(), "3 failures, not 6");
        for (int i = 3; i < 6; i++) {
            ntlmFailure("c", "10.0.0.5" + i, "10.0.0.2", "corp\\svc_sql", T0 + i * SEC, 40000 + i);
        }
        List<JsonNode> got = alerts();
        assertEquals(1, got.size(), got.toString());
        JsonNode a = got.get(0);
        assertEquals(9000902, a.path("alert").path("signature_id").asInt());
        assertEquals("brute_force", a.path("impacket").path("attack_type").asText());
        assertEquals("account:corp\\svc_sql", a.path("impacket").path("fleet_key").asText());
        String first = a.path("impacket").path("indicators").get(0).asText();
        assertTrue(first.startsWith("Account corp\\svc_sql: 6 failed authentications within 300 s over 3 sensors (a: 3, b: 3, c: 3)"),
                first);
    }

    private void chainStep(String sensor, String src, String attackType, long ts, long instance) throws Exception {
        ObjectNode n = event("chain_step", sensor, "source:" + src, ts, src, "10.0.0.1", 40000);
        n.put("attack_type", attackType).put("instance_id", instance).put("revision", 1).put("target_ip", "10.0.0.1");
        n.putArray("steps").addObject().put("step", attackType + " step");
        send(n);
    }

    @Test
    void aHostOneSensorLearnedAsADcReplicatesWithoutAFleetChainAlert() throws Exception {
        // 10.0.0.2 answered Kerberos on sensor a's link: a DC. Its DRSGetNCChanges seen on sensor b
        // (which had not learned it) after a discovery on a is replication, not DCSync.
        ObjectNode fact = event("dc_fact", "a", "dc:10.0.0.2", T0, "10.0.0.9", "10.0.0.2", 88);
        fact.put("dc_ip", "10.0.0.2").put("fact", "kdc");
        send(fact);
        chainStep("a", "10.0.0.2", "samr_enumeration", T0 + SEC, 1);
        chainStep("b", "10.0.0.2", "dcsync", T0 + 2 * SEC, 2);
        assertEquals(List.of(), alerts());
        // The same from a host nobody learned as a DC is the cross-sensor chain.
        chainStep("a", "10.0.0.66", "samr_enumeration", T0 + SEC, 3);
        chainStep("b", "10.0.0.66", "dcsync", T0 + 2 * SEC, 4);
        List<JsonNode> got = alerts();
        assertEquals(1, got.size(), got.toString());
        assertEquals("chain", got.get(0).path("impacket").path("fleet").asText());
        assertEquals("10.0.0.66", got.get(0).path("src_ip").asText());
    }

    @Test
    void aKerberosSprayOverThreeDcLinksIsOneFleetAlert() throws Exception {
        // Impacket getTGT.py with one wrong password for 26 accounts (KDC_ERR_PREAUTH_FAILED each), the
        // lab's one DC standing in for three: its connections dealt over three sensors by flow, each
        // sensor's events as FleetEvents publishes them.
        java.nio.file.Path capture = io.impacketsensor.core.testkit.Captures.lab("atk_spray_kerberos.i014.pcap");
        List<List<io.impacketsensor.core.testkit.Replay.Frame>> links =
                CorrelatorTest.byFlow(io.impacketsensor.core.testkit.Replay.frames(capture), 3);
        for (int i = 0; i < 3; i++) {
            java.nio.file.Path part = io.impacketsensor.core.testkit.Cuts.write(links.get(i), state.resolve("link" + i + ".pcap"));
            io.impacketsensor.fleet.SensorReplay s = new io.impacketsensor.fleet.SensorReplay(null).replay(part);
            for (io.impacketsensor.detection.engine.Alert a : s.alerts) {
                assertTrue(!a.analysis().attackTypeId().equals("password_spray")
                        || a.analysis().action().compareTo(io.impacketsensor.detection.model.Action.ALERT) < 0,
                        "link " + i + " alone raised the spray: " + a.analysis().indicators());
            }
            io.impacketsensor.fleet.FleetEvents fe = new io.impacketsensor.fleet.FleetEvents("dc-link-" + i);
            for (io.impacketsensor.core.event.SensorEvent e : s.events) {
                fe.of(e, (k, v) -> in.pipeInput(k, v, e.header().timestampNanos() / 1_000_000));
            }
        }
        List<JsonNode> got = alerts();
        assertEquals(1, got.size(), got.toString());
        assertEquals("fleet_password_spray", got.get(0).path("impacket").path("rules").get(0).path("name").asText());
        assertEquals("10.99.0.2", got.get(0).path("src_ip").asText());
        String first = got.get(0).path("impacket").path("indicators").get(0).asText();
        // The links are fed one after the other: the window crosses the threshold on the second link's first failure.
        assertTrue(first.startsWith("10 failed authentications across 10 accounts within 300 s over 2 sensors (dc-link-0: 9, "
                + "dc-link-1: 1)"), first);
        // One sensor on the whole capture raises the spray itself.
        io.impacketsensor.fleet.SensorReplay whole = new io.impacketsensor.fleet.SensorReplay(null).replay(capture);
        assertTrue(whole.alerts.stream().anyMatch(a -> a.analysis().attackTypeId().equals("password_spray")
                && a.analysis().action().compareTo(io.impacketsensor.detection.model.Action.ALERT) >= 0));
    }
}
