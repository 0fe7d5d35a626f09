package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.core.testkit.RecordingContext;

import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowAnalyzer;
import io.impacketsensor.core.wire.Hex;
import io.impacketsensor.core.wire.ProbeResult;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.pipe.PipeConsumer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a fixture written by scripts/dcerpc/extract_payloads.py through the real factories, the
 * way the flow registry and the SMB2 analyzer will: TCP flows to 135, to ports announced by
 * {@code expect}, or whose first bytes pass the probe get a DCE/RPC analyzer; every pipe gets a
 * pipe consumer. Stands in for the pcap pipeline until the capture/flow/smb2 branches land.
 */
final class PayloadReplay {
    final List<SensorEvent> events = new ArrayList<>();
    final List<String> expectations = new ArrayList<>();
    final DcerpcAnalyzerFactory factory;
    private final Map<String, Object> consumers = new HashMap<>();
    private final Map<String, RecordingContext> contexts = new HashMap<>();
    private final Map<String, Boolean> decided = new HashMap<>();
    /** How each TCP flow (server ip:port) was claimed: "port", "expect" or "probe". */
    final Map<String, String> claims = new HashMap<>();
    private long nextFlow = 1;

    PayloadReplay(DcerpcLimits limits, TokenDecoder tokens) {
        factory = new DcerpcAnalyzerFactory(limits, tokens);
    }

    static PayloadReplay run(String resource) throws IOException {
        return run(resource, null);
    }

    static PayloadReplay run(String resource, TokenDecoder tokens) throws IOException {
        PayloadReplay r = new PayloadReplay(DcerpcLimits.DEFAULTS, tokens);
        r.replay(resource);
        return r;
    }

    void replay(String resource) throws IOException {
        try (InputStream in = PayloadReplay.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            while ((line = br.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "conn" -> open(f);
                    case "data" -> data(f[1], f[2].equals("S") ? Direction.TO_SERVER : Direction.TO_CLIENT, Hex.decode(f[3]));
                    case "close" -> close(f[1]);
                    default -> throw new IOException("bad fixture line: " + line);
                }
            }
        }
        for (String key : new ArrayList<>(consumers.keySet())) {
            close(key);
        }
    }

    private void open(String[] f) {
        String key = f[1];
        boolean pipe = f[2].equals("pipe");
        int i = pipe ? 4 : 3;
        RecordingContext ctx = new RecordingContext(nextFlow++, f[i], Integer.parseInt(f[i + 1]), f[i + 2],
                Integer.parseInt(f[i + 3]), events, expectations);
        contexts.put(key, ctx);
        if (pipe) {
            consumers.put(key, factory.pipeConsumers().open(ctx, f[3], 1, 1));
        } else if (factory.wantsPort(ctx.transport(), ctx.serverPort())) {
            claims.put(f[i + 2] + ":" + f[i + 3], "port");
            consumers.put(key, factory.create(ctx));
        } else if (expectations.contains(f[i + 2] + ":" + f[i + 3] + ":" + DcerpcAnalyzerFactory.NAME)) {
            claims.put(f[i + 2] + ":" + f[i + 3], "expect");
            consumers.put(key, factory.create(ctx));
        } else {
            decided.put(key, Boolean.FALSE);
        }
    }

    private void data(String key, Direction dir, byte[] b) {
        Object c = consumers.get(key);
        if (c == null && Boolean.FALSE.equals(decided.get(key))) {
            // An unclaimed TCP flow: the registry probes its first bytes.
            decided.put(key, Boolean.TRUE);
            if (factory.probe(contexts.get(key).transport(), dir, b, 0, b.length) == ProbeResult.MATCH) {
                RecordingContext ctx = contexts.get(key);
                claims.put(ctx.header().serverIp().getHostAddress() + ":" + ctx.serverPort(), "probe");
                c = factory.create(ctx);
                consumers.put(key, c);
            }
        }
        if (c instanceof FlowAnalyzer a) {
            if (!a.onData(dir, b, 0, b.length)) {
                consumers.put(key, Boolean.FALSE);
            }
        } else if (c instanceof PipeConsumer p) {
            if (!p.onData(dir, b, 0, b.length)) {
                consumers.put(key, Boolean.FALSE);
            }
        }
    }

    private void close(String key) {
        Object c = consumers.remove(key);
        if (c instanceof FlowAnalyzer a) {
            a.onClose();
        } else if (c instanceof PipeConsumer p) {
            p.onClose();
        }
    }

    <T> List<T> of(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (SensorEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }
}
