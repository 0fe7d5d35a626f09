package io.impacketsensor.decoders.fuzz;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.RpcInterfaces;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.spi.CounterVisitor;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.fuzz.StreamInput;
import io.impacketsensor.core.testkit.Replay;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import io.impacketsensor.decoders.dcerpc.DcerpcAnalyzerFactory;
import io.impacketsensor.decoders.dcerpc.DcerpcLimits;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.token.TokenSession;
import io.impacketsensor.decoders.http.HttpAnalyzerFactory;
import io.impacketsensor.decoders.http.HttpLimits;
import io.impacketsensor.decoders.kerberos.KerberosAnalyzerFactory;
import io.impacketsensor.decoders.ldap.LdapAnalyzerFactory;
import io.impacketsensor.decoders.mssql.MssqlAnalyzerFactory;
import io.impacketsensor.decoders.mssql.MssqlLimits;
import io.impacketsensor.decoders.pipe.PipeConsumer;
import io.impacketsensor.decoders.pipe.PipeConsumerFactory;
import io.impacketsensor.decoders.smb.SmbAnalyzerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes the seed corpora of the decoder fuzz targets from the committed captures (sensor-core's
 * test resources {@code pcaps/lab} and {@code pcaps/public}, listed in {@code pcaps/lab/MANIFEST.tsv}
 * and {@code pcaps/public/GOLDEN.tsv}): each capture is replayed through the real packet path and
 * decoders with taps that record, per flow, what each analyzer received (the TCP/UDP payload of
 * SMB, DCE/RPC, Kerberos and LDAP flows), the named-pipe streams SMB hands to DCE/RPC, and the
 * security tokens carriers hand to the token decoder; DCE/RPC streams are then cut into request
 * and response stubs per interface and operation. Run by hand when a target's input format
 * changes (see the corpus README):
 * {@code java -cp <test classpath> io.impacketsensor.decoders.fuzz.DecoderSeeds protocol-decoders/src/test/resources
 * sensor-core/src/test/resources/pcaps}.
 */
public final class DecoderSeeds {
    private DecoderSeeds() {
    }

    /** A seed is cut after this many bytes: the first PDUs of a conversation are what matter. */
    static final int MAX_SEED = 6000;
    static final int MAX_SEEDS = 14;

    /** category -> seeds (name -> bytes), in discovery order. */
    static final Map<String, LinkedHashMap<String, byte[]>> SEEDS = new LinkedHashMap<>();
    static String capture;

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).resolve("io/impacketsensor/decoders/fuzz");
        List<Path> captures = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            try (var files = Files.walk(Path.of(args[i]))) {
                captures.addAll(files.filter(f -> f.toString().endsWith(".pcap") || f.toString().endsWith(".pcapng"))
                        .sorted().toList());
            }
        }
        for (Path c : captures) {
            replay(c);
        }
        // The whole-capture target's seeds are captures stored once in sensor-core's test
        // resources; the build copies them into its corpus folder (protocol-decoders/pom.xml).
        for (Map.Entry<String, LinkedHashMap<String, byte[]>> e : SEEDS.entrySet()) {
            Path d = root.resolve(e.getKey() + "Inputs/fuzz");
            Files.createDirectories(d);
            int n = 0;
            for (Map.Entry<String, byte[]> s : e.getValue().entrySet()) {
                if (n++ == MAX_SEEDS) {
                    break;
                }
                Files.write(d.resolve(s.getKey()), s.getValue());
            }
        }
    }

    static void add(String category, String label, byte[] seed) {
        if (seed.length == 0) {
            return;
        }
        LinkedHashMap<String, byte[]> m = SEEDS.computeIfAbsent(category, k -> new LinkedHashMap<>());
        String base = capture.substring(capture.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9_-]", "_") + "_" + label;
        for (byte[] have : m.values()) {
            if (Arrays.equals(have, seed)) {
                return;
            }
        }
        // One seed per capture and category first; more only while the category is short.
        for (String k : m.keySet()) {
            if (k.startsWith(base.substring(0, base.length() - label.length())) && m.size() >= 4) {
                return;
            }
        }
        m.put(base + "_" + m.size(), seed);
    }

    /** One direction-tagged recording of a flow, a pipe or an authentication conversation. */
    static final class Tap implements Replay.Tap {
        final StreamInput.Writer w = new StreamInput.Writer();
        final ByteArrayOutputStream[] raw = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};

        @Override
        public void data(Direction d, byte[] b, int off, int len) {
            if (w.size() < MAX_SEED) {
                w.data(d.ordinal(), b, off, Math.min(len, MAX_SEED));
            }
            if (raw[d.ordinal()].size() < 1 << 20) {
                raw[d.ordinal()].write(b, off, len);
            }
        }

        @Override
        public void gap(Direction d, long len) {
            w.gap(d.ordinal(), len);
        }
    }

    static void replay(Path file) throws Exception {
        capture = file.getFileName().toString();
        List<Runnable> finish = new ArrayList<>();
        KerberosAnalyzerFactory kerberos = new KerberosAnalyzerFactory();
        TokenDecoder real = Decoders.tokenDecoder(DecoderConfig.defaults().withKerberos(kerberos.tokenHook()));
        TokenDecoder tokens = new TokenDecoder() {
          @Override public void reportCounters(CounterVisitor v) {
            real.reportCounters(v);
          }
          @Override public TokenSession newSession(FlowContext ctx, Carrier carrier) {
            TokenSession s = real.newSession(ctx, carrier);
            Tap t = new Tap();
            finish.add(() -> {
                add("GssTokenFuzzTest", carrier.name().toLowerCase(), t.w.bytes());
                for (byte[] tok : splitTokens(t.w.bytes())) {
                    int at = indexOf(tok, "NTLMSSP\0".getBytes());
                    if (at >= 0) {
                        add("NtlmsspFuzzTest", "msg", Arrays.copyOfRange(tok, at, tok.length));
                    }
                }
            });
            return new TokenSession() {
                @Override public void onToken(Direction dir, byte[] buf, int off, int len) {
                    t.data(dir, buf, off, len);
                    s.onToken(dir, buf, off, len);
                }
                @Override public void onResult(long status) {
                    t.w.gap(0, status == 0 ? 2 : 1);
                    s.onResult(status);
                }
                @Override public String lastMechanism() {
                    return s.lastMechanism();
                }
                @Override public void close() {
                    s.close();
                }
            };
          }
        };
        DcerpcAnalyzerFactory dcerpc = new DcerpcAnalyzerFactory(DcerpcLimits.DEFAULTS, tokens);
        PipeConsumerFactory realPipes = dcerpc.pipeConsumers();
        PipeConsumerFactory pipes = (ctx, pipe, session, tree) -> {
            PipeConsumer c = realPipes.open(ctx, pipe, session, tree);
            if (c == null) {
                return null;
            }
            Tap t = new Tap();
            finish.add(() -> dcerpcSeeds(t, "pipe_" + pipe));
            return new PipeConsumer() {
                @Override public boolean onData(Direction dir, byte[] buf, int off, int len) {
                    t.data(dir, buf, off, len);
                    return c.onData(dir, buf, off, len);
                }
                @Override public void onGap(Direction dir, long len) {
                    t.gap(dir, len);
                    c.onGap(dir, len);
                }
                @Override public void onClose() {
                    c.onClose();
                }
            };
        };
        List<AnalyzerFactory> factories = List.of(
                tap(new SmbAnalyzerFactory(tokens, pipes), finish),
                tap(kerberos, finish), tap(new LdapAnalyzerFactory(tokens), finish),
                tap(new MssqlAnalyzerFactory(MssqlLimits.DEFAULTS, tokens), finish),
                tap(new HttpAnalyzerFactory(HttpLimits.DEFAULTS, tokens), finish),
                tap(new io.impacketsensor.decoders.dns.DnsAnalyzerFactory(), finish),
                tap(new io.impacketsensor.decoders.rdp.RdpAnalyzerFactory(io.impacketsensor.decoders.rdp.RdpLimits.DEFAULTS),
                        finish),
                tap(new io.impacketsensor.decoders.ssrp.SsrpAnalyzerFactory(), finish), tap(dcerpc, finish));
        Replay.events(file, factories);
        finish.forEach(Runnable::run);
    }

    /** The factory with each analyzer's deliveries and gaps recorded; the seeds are cut at the end. */
    static AnalyzerFactory tap(AnalyzerFactory f, List<Runnable> finish) {
        return Replay.wrapping(f, (ctx, a) -> {
            Tap t = new Tap();
            boolean udp = ctx.transport() == Transport.UDP;
            finish.add(() -> {
                switch (f.name()) {
                    case "smb2" -> {
                        // Impacket and Windows open with an SMB1 multi-protocol NEGOTIATE
                        // and go on in SMB2: SMB1 is a flow with more SMB1 requests than that.
                        byte[] c2s = t.raw[0].toByteArray();
                        int smb1Headers = 0;
                        for (int at = 0; (at = indexOf(c2s, at, SMB1)) >= 0; at++) {
                            smb1Headers++;
                        }
                        boolean smb1 = smb1Headers > 2;
                        add(smb1 ? "Smb1FuzzTest" : "SmbFuzzTest", "smb", t.w.bytes());
                    }
                    case "kerberos" -> add(udp ? "KerberosUdpFuzzTest" : "KerberosFuzzTest", "krb", t.w.bytes());
                    case "ldap" -> add(udp ? "CldapFuzzTest" : "LdapFuzzTest", "ldap", t.w.bytes());
                    case "http" -> add("HttpFuzzTest", "http", t.w.bytes());
                    case "mssql" -> add("MssqlFuzzTest", "tds", t.w.bytes());
                    case "dns" -> add(udp ? "DnsUdpFuzzTest" : "DnsFuzzTest", "dns", t.w.bytes());
                    case "rdp" -> add("RdpFuzzTest", "rdp", t.w.bytes());
                    case "ssrp" -> add("SsrpFuzzTest", "ssrp", t.w.bytes());
                    case "dcerpc" -> dcerpcSeeds(t, "tcp" + ctx.serverPort());
                    default -> { }
                }
            });
            return Replay.tapped(a, t);
        });
    }

    static final Map<Integer, String> STUB_TARGETS = Map.ofEntries(
            Map.entry(RpcInterfaces.SVCCTL, "SvcctlStubFuzzTest"), Map.entry(RpcInterfaces.WINREG, "WinregStubFuzzTest"),
            Map.entry(RpcInterfaces.LSARPC, "LsarpcStubFuzzTest"), Map.entry(RpcInterfaces.SAMR, "SamrStubFuzzTest"),
            Map.entry(RpcInterfaces.SRVSVC, "SrvsvcStubFuzzTest"), Map.entry(RpcInterfaces.EPMAPPER, "EpmapperStubFuzzTest"),
            Map.entry(RpcInterfaces.TSCH, "TschStubFuzzTest"), Map.entry(RpcInterfaces.ATSVC, "AtsvcStubFuzzTest"),
            Map.entry(RpcInterfaces.WBEM_LEVEL1_LOGIN, "WmiStubFuzzTest"), Map.entry(RpcInterfaces.WBEM_SERVICES, "WmiStubFuzzTest"),
            Map.entry(RpcInterfaces.IDISPATCH, "WmiStubFuzzTest"),
            Map.entry(RpcInterfaces.REMOTE_SCM_ACTIVATOR, "DcomActivationStubFuzzTest"),
            Map.entry(RpcInterfaces.IACTIVATION, "DcomActivationStubFuzzTest"),
            Map.entry(RpcInterfaces.REM_UNKNOWN2, "DcomObjectStubFuzzTest"),
            Map.entry(RpcInterfaces.OBJECT_EXPORTER, "DcomObjectStubFuzzTest"));
    /** The interface index each target's mode bits 1-2 select (Targets.stub). */
    static final Map<Integer, Integer> MODE = Map.of(RpcInterfaces.WBEM_SERVICES, 1, RpcInterfaces.IDISPATCH, 2,
            RpcInterfaces.IACTIVATION, 1, RpcInterfaces.OBJECT_EXPORTER, 1);
    static final UUID NDR64 = UUID.fromString("71710533-beba-4937-8319-b5dbef9ccc36");
    static final Set<String> STUBS_SEEN = new HashSet<>();

    /** DCE/RPC stream seeds, drsuapi connections, and request/response stubs per interface (C706 12.6). */
    static void dcerpcSeeds(Tap t, String label) {
        byte[] c2s = t.raw[0].toByteArray();
        byte[] s2c = t.raw[1].toByteArray();
        Map<Integer, Integer> ctxIface = new HashMap<>();
        Map<Integer, Boolean> ctxNdr64 = new HashMap<>();
        Map<Long, int[]> calls = new HashMap<>();
        Map<Long, byte[]> requestStubs = new HashMap<>();
        boolean drsuapi = false;
        for (int p = 0; p + 16 <= c2s.length; ) {
            int fragLen = u16(c2s, p + 8);
            if (fragLen < 16 || p + fragLen > c2s.length || (c2s[p + 4] & 0x10) == 0) {
                break;
            }
            int ptype = c2s[p + 2] & 0xff;
            if ((ptype == 11 || ptype == 14) && fragLen >= 28) {
                int n = c2s[p + 24] & 0xff;
                int e = p + 28;
                for (int i = 0; i < n && e + 24 <= p + fragLen; i++) {
                    int id = u16(c2s, e);
                    int nts = c2s[e + 2] & 0xff;
                    int iface = RpcInterfaces.indexOf(uuid(c2s, e + 4));
                    ctxIface.put(id, iface);
                    ctxNdr64.put(id, nts == 1 && e + 44 <= c2s.length && NDR64.equals(uuid(c2s, e + 24)));
                    drsuapi |= iface == RpcInterfaces.DRSUAPI;
                    e += 24 + 20 * nts;
                }
            } else if (ptype == 0 && fragLen >= 24) {
                int stubAt = p + 24 + ((c2s[p + 3] & 0x80) != 0 ? 16 : 0);
                int stubEnd = stubEnd(c2s, p, fragLen);
                int ctxId = u16(c2s, p + 20);
                int opnum = u16(c2s, p + 22);
                long callId = u32(c2s, p + 12);
                Integer iface = ctxIface.get(ctxId);
                if (iface != null && stubEnd >= stubAt && (c2s[p + 3] & 1) != 0 && !sealed(c2s, p, fragLen)) {
                    calls.put(callId, new int[] {iface, opnum, Boolean.TRUE.equals(ctxNdr64.get(ctxId)) ? 1 : 0});
                    requestStubs.put(callId, Arrays.copyOfRange(c2s, stubAt, Math.min(stubEnd, stubAt + 2048)));
                }
            }
            p += fragLen;
        }
        Map<Long, byte[]> responseStubs = new HashMap<>();
        for (int p = 0; p + 16 <= s2c.length; ) {
            int fragLen = u16(s2c, p + 8);
            if (fragLen < 16 || p + fragLen > s2c.length || (s2c[p + 4] & 0x10) == 0) {
                break;
            }
            if ((s2c[p + 2] & 0xff) == 2 && fragLen >= 24 && (s2c[p + 3] & 1) != 0 && !sealed(s2c, p, fragLen)) {
                int end = stubEnd(s2c, p, fragLen);
                if (end >= p + 24) {
                    responseStubs.put(u32(s2c, p + 12), Arrays.copyOfRange(s2c, p + 24, Math.min(end, p + 24 + 2048)));
                }
            }
            p += fragLen;
        }
        add(drsuapi ? "DrsuapiFuzzTest" : "DcerpcFuzzTest", label, t.w.bytes());
        for (Map.Entry<Long, int[]> c : calls.entrySet()) {
            int iface = c.getValue()[0];
            int opnum = c.getValue()[1];
            String target = STUB_TARGETS.get(iface);
            if (target == null || opnum > 255 || !STUBS_SEEN.add(target + "/" + iface + "/" + opnum + "/" + c.getValue()[2])) {
                continue;
            }
            byte[] req = requestStubs.get(c.getKey());
            byte[] resp = responseStubs.getOrDefault(c.getKey(), new byte[0]);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(opnum);
            out.write(c.getValue()[2] | (MODE.getOrDefault(iface, 0) << 1));
            out.write(req.length >>> 8);
            out.write(req.length);
            out.write(req, 0, req.length);
            out.write(resp, 0, resp.length);
            add(target, RpcInterfaces.name(iface).replaceAll("[^A-Za-z0-9]", "") + "_op" + opnum, out.toByteArray());
        }
    }

    static int stubEnd(byte[] b, int p, int fragLen) {
        int authLen = u16(b, p + 10);
        return authLen == 0 ? p + fragLen : p + fragLen - authLen - 8 - (b[p + fragLen - authLen - 6] & 0xff);
    }

    static boolean sealed(byte[] b, int p, int fragLen) {
        int authLen = u16(b, p + 10);
        return authLen > 0 && fragLen > authLen + 8 && (b[p + fragLen - authLen - 7] & 0xff) == 6;
    }

    static List<byte[]> splitTokens(byte[] in) {
        List<byte[]> out = new ArrayList<>();
        StreamInput.replay(in, new StreamInput.Sink() {
            @Override public boolean data(int dir, byte[] buf, int off, int len) {
                out.add(Arrays.copyOfRange(buf, off, off + len));
                return true;
            }
            @Override public boolean gap(int dir, int len) {
                return true;
            }
        });
        return out;
    }

    static final byte[] SMB1 = {(byte) 0xff, 'S', 'M', 'B'};

    static int indexOf(byte[] b, byte[] pat) {
        return indexOf(b, 0, pat);
    }

    static int indexOf(byte[] b, int from, byte[] pat) {
        outer:
        for (int i = from; i + pat.length <= b.length; i++) {
            for (int k = 0; k < pat.length; k++) {
                if (b[i + k] != pat[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static UUID uuid(byte[] b, int o) {
        long hi = (u32(b, o) << 32) | ((long) u16(b, o + 4) << 16) | u16(b, o + 6);
        long lo = 0;
        for (int i = 8; i < 16; i++) {
            lo = (lo << 8) | (b[o + i] & 0xff);
        }
        return new UUID(hi, lo);
    }

    static int u16(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8;
    }

    static long u32(byte[] b, int o) {
        return (b[o] & 0xffL) | (b[o + 1] & 0xffL) << 8 | (b[o + 2] & 0xffL) << 16 | (b[o + 3] & 0xffL) << 24;
    }
}
