package io.impacketsensor.decoders.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes late-join seeds next to the capture seeds of the DCE/RPC, DRSUAPI and SMB fuzz targets,
 * so that the code a flow picked up mid-stream runs is fuzzed: the resynchronisation of the
 * framers, requests on contexts whose BIND is missing (pipe table, call-sequence inference and the
 * stubs kept on a guess) and SMB2 opens whose CREATE is missing (pipes recognised by their DCE/RPC
 * PDUs). Each seed is a capture seed ({@link DecoderSeeds}) with its first records left out, the way
 * a sensor started late sees the connection: a DCE/RPC stream from its first record after the bind's
 * answer, an SMB stream from its first record after the fourth answer (past NEGOTIATE,
 * SESSION_SETUP and TREE_CONNECT), and, in a second variant, the first kept record entered 7 bytes
 * into its PDU. Run by hand after {@link DecoderSeeds} (see the corpus README):
 * {@code java -cp <test classpath> io.impacketsensor.decoders.fuzz.LateJoinSeeds protocol-decoders/src/test/resources}.
 */
public final class LateJoinSeeds {
    private LateJoinSeeds() {
    }

    private static final String BASE = "io/impacketsensor/decoders/fuzz/";

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]).resolve(BASE);
        write(root.resolve("DcerpcFuzzTestInputs/fuzz"), 1, 6);
        write(root.resolve("DrsuapiFuzzTestInputs/fuzz"), 1, 4);
        write(root.resolve("SmbFuzzTestInputs/fuzz"), 4, 6);
    }

    /** One record of a {@link io.impacketsensor.core.fuzz.StreamInput}. */
    private record Rec(int ctl, byte[] data) {
    }

    private static void write(Path dir, int answers, int max) throws IOException {
        List<Path> seeds;
        try (Stream<Path> s = Files.list(dir)) {
            seeds = s.filter(p -> !p.getFileName().toString().contains("latejoin")
                    && !p.getFileName().toString().startsWith("crash")).sorted().toList();
        }
        int n = 0;
        for (Path p : seeds) {
            List<Rec> recs = parse(Files.readAllBytes(p));
            int from = after(recs, answers);
            if (from < 0 || from >= recs.size() || n >= max) {
                continue;
            }
            String name = p.getFileName().toString();
            Files.write(dir.resolve(name + "_latejoin"), join(recs.subList(from, recs.size()), 0));
            Files.write(dir.resolve(name + "_latejoin_midpdu"), join(recs.subList(from, recs.size()), 7));
            n++;
        }
    }

    /** Index of the record after the {@code answers}-th record to the client, or -1. */
    private static int after(List<Rec> recs, int answers) {
        int seen = 0;
        for (int i = 0; i < recs.size(); i++) {
            if ((recs.get(i).ctl() & 0x81) == 1 && ++seen == answers) {
                return i + 1;
            }
        }
        return -1;
    }

    private static List<Rec> parse(byte[] in) {
        List<Rec> out = new ArrayList<>();
        int p = 0;
        while (p + 3 <= in.length) {
            int ctl = in[p] & 0xff;
            int len = ((in[p + 1] & 0xff) << 8) | (in[p + 2] & 0xff);
            p += 3;
            if ((ctl & 0x80) != 0) {
                out.add(new Rec(ctl, new byte[len]));
                continue;
            }
            int n = Math.min(len, in.length - p);
            byte[] d = new byte[n];
            System.arraycopy(in, p, d, 0, n);
            out.add(new Rec(ctl, d));
            p += n;
        }
        return out;
    }

    /** The records again, the first data record without its first {@code skip} bytes. */
    private static byte[] join(List<Rec> recs, int skip) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean first = true;
        for (Rec r : recs) {
            int len = r.data().length;
            int off = 0;
            if ((r.ctl() & 0x80) != 0) {
                out.write(r.ctl());
                out.write(len >>> 8);
                out.write(len);
                continue;
            }
            if (first && skip > 0 && len > skip) {
                off = skip;
            }
            first = false;
            out.write(r.ctl());
            out.write((len - off) >>> 8);
            out.write(len - off);
            out.write(r.data(), off, len - off);
        }
        return out.toByteArray();
    }
}
