package io.impacketsensor.detection.eve;

import io.impacketsensor.core.event.DcerpcEvent.Context;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertSame;

/** A flow's bound contexts answer as the nested maps they replace, below and past the scanned pairs. */
class BoundContextsTest {

    @Test
    void answersAsNestedMapsOnRandomBindsAndLookups() {
        Random rnd = new Random(7);
        List<String> pipes = List.of("", "\\PIPE\\svcctl", "\\PIPE\\lsarpc", "\\pipe\\SVCCTL");
        for (int flow = 0; flow < 200; flow++) {
            ProtocolRecordWriter.BoundContexts bound = new ProtocolRecordWriter.BoundContexts();
            Map<String, Map<Integer, Context>> expected = new HashMap<>();
            // Some flows stay below the scanned pairs, some go past them into the map.
            int ids = 1 + rnd.nextInt(flow % 2 == 0 ? 4 : 24);
            for (int op = 0; op < 300; op++) {
                String pipe = new String(pipes.get(rnd.nextInt(pipes.size()))); // equal, not the same object
                int id = rnd.nextInt(ids);
                if (rnd.nextInt(3) == 0) {
                    Context c = new Context(id, new UUID(flow, op), 1, 0, List.of(), -1);
                    bound.put(pipe, id, c);
                    expected.computeIfAbsent(pipe, k -> new HashMap<>()).put(id, c);
                } else {
                    Map<Integer, Context> byId = expected.get(pipe);
                    assertSame(byId != null ? byId.get(id) : null, bound.get(pipe, id), pipe + " " + id);
                }
            }
        }
    }
}
