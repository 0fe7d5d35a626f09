package io.impacketsensor.detection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event times outside what the engine's clock (nanoseconds since the epoch in a long) can hold are
 * rejected naming the field, never a DateTimeException or a wrapped-around time. Values synthetic.
 */
class NetworkEventTimestampTest {
    private static NetworkEvent parse(String ts) {
        return NetworkEvent.fromJson("{\"source_ip\":\"10.1.1.5\",\"protocol\":\"SMB\",\"timestamp\":" + ts + "}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e300", "-1e300", "-1", "9.3e9", "1e19", "99999999999999999999999",
        "\"+100000-01-01T00:00:00Z\"", "\"2262-04-11T23:47:16.854775808Z\"", "\"1969-12-31T23:59:59Z\""})
    void outOfRangeTimestampsNameTheField(String ts) {
        NetworkEventException e = assertThrows(NetworkEventException.class, () -> parse(ts));
        assertEquals("timestamp", e.key());
        assertTrue(e.getMessage().contains("must be within 1970-01-01T00:00:00Z..2262-04-11T23:47:16.854775807Z"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1700000000.5", "9223372036", "\"1970-01-01T00:00:00Z\"",
        "\"2262-04-11T23:47:16.854775807Z\""})
    void theEndsOfTheRangeAreAccepted(String ts) {
        NetworkEvent ev = parse(ts);
        long nanos = Math.addExact(Math.multiplyExact(ev.timestamp().getEpochSecond(), 1_000_000_000L),
                ev.timestamp().getNano());
        assertTrue(nanos >= 0);
    }

    @Test
    void theJavaBuilderChecksTheSameRange() {
        NetworkEventException e = assertThrows(NetworkEventException.class, () -> NetworkEvent
                .builder("10.1.1.5", NetworkEvent.Protocol.SMB).timestamp(Instant.MAX).build());
        assertEquals("timestamp", e.key());
    }
}
