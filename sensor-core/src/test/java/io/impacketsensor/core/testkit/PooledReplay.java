package io.impacketsensor.core.testkit;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.flow.FlowLimits;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Factories whose ended flows' analyzers (or sessions) serve the worker's next flows must decode as
 * new ones do. Every project lab capture is replayed through the same factories right after the
 * previous capture cut at half its frames (flows left mid-record, requests unanswered, logins half
 * done), and its events are compared with the same capture's through new factories.
 */
public final class PooledReplay {
    private PooledReplay() {
    }

    /** What a comparison covered: analyzers found kept after the cut captures, and events counted. */
    public record Result(int reused, int counted) {
    }

    /**
     * @param pooled  the factories under test, used for every capture
     * @param fresh   new factories, made for each capture
     * @param kept    how many analyzers the pooled factories hold for the next flows
     * @param counted which events of the new factories' to count (the test says there were some)
     */
    public static Result compare(List<? extends AnalyzerFactory> pooled, Supplier<List<? extends AnalyzerFactory>> fresh,
                                 IntSupplier kept, Predicate<SensorEvent> counted) throws Exception {
        List<Path> captures = new ArrayList<>();
        for (String name : Captures.list("/pcaps/lab")) {
            captures.add(Captures.path(name));
        }
        assertTrue(captures.size() > 10, "the lab captures are found");
        int reused = 0;
        int count = 0;
        Path previous = captures.get(captures.size() - 1);
        for (Path capture : captures) {
            List<Replay.Frame> cut = Replay.frames(previous);
            Replay.run(cut.subList(0, cut.size() / 2), pooled, FlowLimits.DEFAULTS, e -> { }, (n, v) -> { });
            reused += kept.getAsInt();
            List<SensorEvent> again = Replay.events(capture, pooled);
            List<SensorEvent> made = Replay.events(capture, fresh.get());
            for (SensorEvent e : made) {
                count += counted.test(e) ? 1 : 0;
            }
            assertEquals(EventText.of(made), EventText.of(again), capture::toString);
            previous = capture;
        }
        return new Result(reused, count);
    }
}
