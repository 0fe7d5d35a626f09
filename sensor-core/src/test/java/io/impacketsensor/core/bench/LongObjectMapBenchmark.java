package io.impacketsensor.core.bench;

import io.impacketsensor.core.collections.LongObjectMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@link LongObjectMap} against Agrona's {@code Long2ObjectHashMap} on the SMB decoders' use: a
 * window of outstanding message ids (as many as the credits granted), each request put when sent,
 * looked up by its response and removed; session and file lookups hit a few long-lived keys.
 * One operation = one request/response pair (put, two gets, remove). Agrona has no bounded LRU, so
 * {@code LruMap} has no counterpart here.
 *
 * <p>Run with {@code scripts/bench-collections.sh} (adds {@code -prof gc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class LongObjectMapBenchmark {

    /** Outstanding requests: a few for a plain client, hundreds for a pipelining one. */
    @Param({"8", "512"})
    int window;

    private static final Object REQUEST = new Object();
    private LongObjectMap<Object> ours;
    private Long2ObjectHashMap<Object> agrona;
    private long nextOurs;
    private long nextAgrona;

    @Setup
    public void setup() {
        ours = new LongObjectMap<>();
        agrona = new Long2ObjectHashMap<>();
        for (long id = 0; id < window; id++) {
            ours.put(id, REQUEST);
            agrona.put(id, REQUEST);
        }
        nextOurs = window;
        nextAgrona = window;
        for (long s = 1; s <= 4; s++) {
            ours.put(s << 40, REQUEST);
            agrona.put(s << 40, REQUEST);
        }
    }

    @Benchmark
    public Object longObjectMap() {
        long id = nextOurs++;
        ours.put(id, REQUEST);
        Object session = ours.get(2L << 40);
        Object answered = ours.get(id - window);
        ours.remove(id - window);
        return answered == session ? session : answered;
    }

    @Benchmark
    public Object agronaLong2ObjectHashMap() {
        long id = nextAgrona++;
        agrona.put(id, REQUEST);
        Object session = agrona.get(2L << 40);
        Object answered = agrona.get(id - window);
        agrona.remove(id - window);
        return answered == session ? session : answered;
    }
}
