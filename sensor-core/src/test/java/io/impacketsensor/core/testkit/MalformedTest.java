package io.impacketsensor.core.testkit;

import io.impacketsensor.core.flow.Direction;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The harness's variants of a small synthetic conversation: how many, and the bytes each direction gets. */
class MalformedTest {
    private static final List<Step> CONV = List.of(
            Step.toServer(new byte[] {1, 2, 3}), Step.toClient(new byte[] {4, 5}), Step.toServer(new byte[] {6, 7}));

    private static byte[] stream(List<Step> steps, Direction dir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        steps.stream().filter(s -> s.dir() == dir).forEach(s -> out.writeBytes(s.bytes()));
        return out.toByteArray();
    }

    @Test
    void truncationsCutEachStepAtEveryLength() {
        List<Malformed.Variant> v = Malformed.truncations(CONV);
        assertEquals(3 + 2 + 2, v.size());
        assertEquals(List.of(), v.get(0).steps().stream().flatMap(s -> java.util.stream.Stream.of(s.bytes()))
                .filter(b -> b.length > 0).toList());
        assertArrayEquals(new byte[] {1, 2, 3, 6}, stream(v.get(v.size() - 1).steps(), Direction.TO_SERVER));
    }

    @Test
    void splitsAndInterleavingsKeepEachDirectionsBytes() {
        List<Malformed.Variant> splits = Malformed.splits(CONV);
        assertEquals(2 + 1 + 1, splits.size());
        List<Malformed.Variant> mixed = Malformed.interleavings(CONV, Direction.TO_CLIENT, 1, -1);
        assertEquals(1, mixed.size(), "the reply cut at 1, the next request's head: all but its last byte");
        for (Malformed.Variant v : concat(splits, mixed)) {
            assertArrayEquals(stream(CONV, Direction.TO_SERVER), stream(v.steps(), Direction.TO_SERVER), v.where());
            assertArrayEquals(stream(CONV, Direction.TO_CLIENT), stream(v.steps(), Direction.TO_CLIENT), v.where());
        }
        assertEquals(Direction.TO_SERVER, mixed.get(0).steps().get(2).dir(), "the request's head inside the reply");
    }

    @Test
    void packedMergesNeighboursGoingTheSameWay() {
        List<Step> l = Malformed.packed(List.of(CONV.get(0), CONV.get(2), CONV.get(1)));
        assertEquals(2, l.size());
        assertArrayEquals(new byte[] {1, 2, 3, 6, 7}, l.get(0).bytes());
    }

    private static List<Malformed.Variant> concat(List<Malformed.Variant> a, List<Malformed.Variant> b) {
        java.util.ArrayList<Malformed.Variant> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
