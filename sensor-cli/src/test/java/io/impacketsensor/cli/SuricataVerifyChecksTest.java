package io.impacketsensor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.impacketsensor.core.testkit.Captures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs the EVE checks of suricata-verify's {@code test.yaml} files (copied unchanged into
 * {@code src/test/resources/suricata-verify/}, MIT, provenance in its README) on the protocol
 * records of {@code replay -P} over the same captures: every {@code filter} check whose
 * {@code event_type} is one of ours (smb, dcerpc, krb5, ldap) must match the same number of
 * records as it matches in Suricata's output, with the same semantics as suricata-verify's runner
 * (dotted keys with {@code [i]} indexes, exact value equality, {@code has-key}). The checks of the
 * other event types (alert, flow, fileinfo, stats, anomaly) are about Suricata's own rules and
 * file extraction and are not counted.
 *
 * <p>{@code pcap_cnt} is checked too: the records of a replay carry the packet Suricata in IDS mode
 * logs them on (the one acknowledging the PDU's last byte). {@link #LEFT} names the checks that
 * do not pass yet and why; the test fails when one of them starts passing (so the list stays
 * true) or when any other check fails.
 */
class SuricataVerifyChecksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> OURS = Set.of("smb", "dcerpc", "krb5", "ldap");

    /** The test folders below {@code suricata-verify/tests/} whose test.yaml has checks of our event types. */
    private static final List<String> TESTS = List.of(
            "bug-8278-krb5-03", "dcerpc-issue-7187-01", "dcerpc/dce-gap-handling", "dcerpc/dcerpc-auth3-5133",
            "dcerpc/dcerpc-ctxids", "dcerpc/dcerpc-dce-iface-01", "dcerpc/dcerpc-dce-iface-02", "dcerpc/dcerpc-dce-stub-data-02",
            "dcerpc/dcerpc-dce-stub-data-04", "dcerpc/dcerpc-smb-ctxid", "krb5-probing", "krb5-request-frag-log",
            "ldap-udp", "output-eve-smb-01", "smb1-02", "smb2-01", "smb2-09-trunc-file-logging", "smb2-async", "smb2-delete",
            "smb2-ntlmssp-negotiateflags", "smb3-02-midstream", "smb3-03-midstream");

    /**
     * Checks that do not pass, by {@code <test>#<n>} (n counts the test's filter checks from 1), and
     * why: none. The test fails when a check of this map starts passing (so the list stays true) or
     * when any other check fails.
     */
    static final Map<String, String> LEFT = new TreeMap<>();

    /**
     * For a check of {@link #LEFT} whose records exist, the keys the reason names: without them the
     * check must pass, so the reason stays the whole difference.
     */
    static final Map<String, List<String>> DIFFERING = Map.of();

    @TempDir
    Path dir;

    @Test
    void suricataVerifyEveChecks() throws Exception {
        int applicable = 0;
        int passing = 0;
        List<String> unexpected = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        for (String test : TESTS) {
            JsonNode yaml;
            try (InputStream in = getClass().getResourceAsStream("/suricata-verify/tests/" + test + "/test.yaml")) {
                yaml = YAML.readTree(in);
            }
            List<JsonNode> records = replay(test, yaml);
            int n = 0;
            for (JsonNode check : yaml.path("checks")) {
                JsonNode filter = check.get("filter");
                if (filter == null) {
                    continue;
                }
                n++;
                JsonNode match = filter.path("match");
                if (!OURS.contains(match.path("event_type").asText())) {
                    continue;
                }
                applicable++;
                String id = test + "#" + n;
                int want = filter.path("count").asInt();
                int got = 0;
                for (JsonNode r : records) {
                    if (matches(r, match)) {
                        got++;
                    }
                }
                boolean ok = got == want;
                if (ok) {
                    passing++;
                }
                report.append(ok ? "pass " : "FAIL ").append(id).append(" want ").append(want).append(" got ")
                        .append(got).append(' ').append(match).append('\n');
                if (ok == LEFT.containsKey(id)) {
                    unexpected.add(id + (ok ? " passes: remove it from LEFT" : " fails: want " + want + " got " + got
                            + " for " + match));
                }
                if (DIFFERING.containsKey(id)) {
                    ObjectNode rest = ((ObjectNode) match).deepCopy();
                    rest.remove(DIFFERING.get(id));
                    int gotRest = 0;
                    for (JsonNode r : records) {
                        if (matches(r, rest)) {
                            gotRest++;
                        }
                    }
                    if (gotRest != want) {
                        unexpected.add(id + " fails without " + DIFFERING.get(id) + " too: want " + want + " got " + gotRest
                                + " for " + rest);
                    }
                }
            }
        }
        System.out.println("suricata-verify EVE checks: " + passing + "/" + applicable + " pass\n" + report);
        assertEquals(54, applicable, "suricata-verify checks of smb, dcerpc, krb5 and ldap");
        assertEquals(List.of(), unexpected, report.toString());
    }

    private List<JsonNode> replay(String test, JsonNode yaml) throws Exception {
        String folder = "/pcaps/public/OISF_suricata-verify/tests/" + test;
        Path pcap = yaml.has("pcap") ? Captures.path(folder + "/" + yaml.get("pcap").asText())
                : Captures.path(Captures.list(folder).get(0));
        Path eve = dir.resolve(test.replace('/', '_') + ".json");
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "replay", "-P", "--eve", eve.toString(), pcap.toString());
        assertEquals(0, code, err.toString());
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(eve)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    /** suricata-verify's filter: every key must be present with an equal value ({@code has-key}: present). */
    static boolean matches(JsonNode record, JsonNode match) {
        for (Iterator<Map.Entry<String, JsonNode>> it = match.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("has-key")) {
                if (find(record, e.getValue().asText()) == null) {
                    return false;
                }
                continue;
            }
            if (e.getKey().equals("not-has-key")) {
                if (find(record, e.getValue().asText()) != null) {
                    return false;
                }
                continue;
            }
            JsonNode v = find(record, e.getKey());
            if (v == null || !equal(v, e.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static boolean equal(JsonNode actual, JsonNode expected) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        if (expected.isTextual() && actual.isTextual() || expected.isBoolean() && actual.isBoolean()) {
            return expected.equals(actual);
        }
        return false;
    }

    /** {@code a.b[0].c} as suricata-verify resolves it; null when absent. */
    static JsonNode find(JsonNode n, String path) {
        for (String part : path.split("\\.")) {
            int bracket = part.indexOf('[');
            String name = bracket < 0 ? part : part.substring(0, bracket);
            n = n.get(name);
            while (n != null && bracket >= 0) {
                int close = part.indexOf(']', bracket);
                n = n.isArray() ? n.get(Integer.parseInt(part.substring(bracket + 1, close))) : null;
                bracket = part.indexOf('[', close);
            }
            if (n == null) {
                return null;
            }
        }
        return n;
    }
}
