package io.impacketsensor.detection.rules;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EventField#visit} dispatches on the field's family (its id's prefix) before it switches on
 * the field, so a case written into another family's switch is never reached and the field would
 * read as absent on every event. This reads the source's per-family switches and checks that every
 * field's case is in the switch of its own family, and in no other.
 */
class EventFieldFamilyTest {
    private static final Path SOURCE = Path.of("src/main/java/io/impacketsensor/detection/rules/EventField.java");
    private static final Map<String, EventField.Family> SWITCHES = Map.of(
            "visitSmb", EventField.Family.SMB, "visitDcerpc", EventField.Family.DCERPC,
            "visitRpcArgs", EventField.Family.RPC_ARGS, "visitKerberos", EventField.Family.KERBEROS,
            "visitLdap", EventField.Family.LDAP, "visitNtlm", EventField.Family.NTLM,
            "visitOther", EventField.Family.OTHER);

    @Test
    void everyFieldsCaseIsInItsFamilysSwitch() throws Exception {
        String src = Files.readString(SOURCE);
        Pattern method = Pattern.compile("private boolean (visit[A-Za-z]+)\\(SensorEvent ev, Visitor v\\) \\{");
        Pattern label = Pattern.compile("^\\s+case ([A-Z0-9_]+(?:,\\s+[A-Z0-9_]+)*) ->", Pattern.MULTILINE);
        Matcher m = method.matcher(src);
        List<int[]> spans = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
            spans.add(new int[] {m.end(), 0});
        }
        assertEquals(SWITCHES.keySet(), new java.util.HashSet<>(names), "one switch per family");
        Map<String, List<String>> where = new HashMap<>();
        for (int i = 0; i < spans.size(); i++) {
            int end = i + 1 < spans.size() ? src.lastIndexOf("private boolean", spans.get(i + 1)[0]) : src.indexOf("\n    }\n", spans.get(i)[0]);
            Matcher l = label.matcher(src.substring(spans.get(i)[0], end));
            while (l.find()) {
                for (String f : l.group(1).split(",\\s+")) {
                    where.computeIfAbsent(f, k -> new ArrayList<>()).add(names.get(i));
                }
            }
        }
        List<String> wrong = new ArrayList<>();
        int cased = 0;
        for (EventField f : EventField.values()) {
            List<String> in = where.getOrDefault(f.name(), List.of());
            if (f.kind() == EventField.Kind.ADDRESS) {
                // the event's addresses are read from its header by the callers, not through visit
                assertEquals(List.of(), in, f.name());
                continue;
            }
            cased++;
            if (in.size() != 1 || SWITCHES.get(in.get(0)) != f.family()) {
                wrong.add(f.name() + " (" + f.id() + ", family " + f.family() + ") is cased in " + in);
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(cased > 100, "every field but the addresses is read by a switch: " + cased);
    }
}
