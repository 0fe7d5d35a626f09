package io.impacketsensor.detection.bench;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.model.Statistics;
import io.impacketsensor.detection.config.EngineConfig;
import io.impacketsensor.detection.engine.DetectionEngine;
import io.impacketsensor.detection.response.BlocklistStore;

import java.net.InetAddress;
import java.util.List;

/**
 * Engine heap with N source addresses tracked (default 100,000): every source sends an SMB session,
 * a failed and a successful NTLM authentication, and a Kerberos TGS request, so each has its protocol,
 * session, authentication, failure and TGS windows allocated. Prints retained bytes in total and per
 * source. Run: {@code java -cp ... io.impacketsensor.detection.bench.MemoryFootprint [sources]}.
 */
public final class MemoryFootprint {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        InetAddress server = EventMix.addr(10, 0, 1, 10);
        InetAddress dc = EventMix.addr(10, 0, 0, 2);
        KerberosEvent.PrincipalName sname = new KerberosEvent.PrincipalName(2, List.of("cifs", "fs.lab.local"));
        long before = used();
        DetectionEngine engine = new DetectionEngine(EngineConfig.defaults(), BlocklistStore.NONE);
        long t = 1_800_000_000L * 1_000_000_000L;
        for (int i = 0; i < n; i++) {
            InetAddress c = EventMix.addr(10, 100 + (i >> 16), (i >> 8) & 0xFF, i & 0xFF);
            EventHeader h = new EventHeader(t + i * 10_000L, i, c, 50000, server, 445, Transport.TCP);
            engine.process(new SmbEvent.SmbSessionSetup(h, 1, 1, 0, "ntlmssp", 300, 0, 0));
            engine.process(new NtlmEvent.NtlmAuthenticate(h, Carrier.SMB2, 0xE2888215, 24, 300, 2, "LAB",
                    "user" + i, "WS" + i, true, null, true, 2, "", null, null, false, 0xC000006DL));
            engine.process(new NtlmEvent.NtlmAuthenticate(h, Carrier.SMB2, 0xE2888215, 24, 300, 2, "LAB",
                    "user" + i, "WS" + i, true, null, true, 2, "", null, null, false, 0));
            EventHeader k = new EventHeader(t + i * 10_000L, i, c, 50000, dc, 88, Transport.TCP);
            engine.process(new KerberosEvent.KerberosRequest(k, 12, List.of(1), -1, -1, null, null, 0, false, -1, false,
                    null, 0x40810000, null, "LAB.LOCAL", sname, KerberosEvent.NO_TIME, KerberosEvent.NO_TIME,
                    KerberosEvent.NO_TIME, i, List.of(18, 17), false, List.of()));
        }
        long after = used();
        Statistics s = engine.statistics();
        long bytes = after - before;
        System.out.println("sources tracked: " + s.trackedSources() + " (evicted " + s.evictedSources() + ")");
        System.out.println("engine heap: " + (bytes / (1024 * 1024)) + " MiB, " + (bytes / Math.max(1, n)) + " B per source");
        if (engine.statistics().totalEvents() < 0) {
            System.out.println(engine);
        }
    }

    private static long used() {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return r.totalMemory() - r.freeMemory();
    }
}
