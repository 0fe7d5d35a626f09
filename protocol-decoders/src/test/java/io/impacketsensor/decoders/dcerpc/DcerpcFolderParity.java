package io.impacketsensor.decoders.dcerpc;

import io.impacketsensor.decoders.Decoders;

import io.impacketsensor.core.testkit.Replay;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;

/**
 * The folder parity run behind scripts/dcerpc/parity.sh (skipped unless {@code -Ddcerpc.parity.list}
 * names a list of "capture TAB expected-file" lines): prints, per capture, the lines only tshark has
 * ({@code -}) and only we have ({@code +}), and a summary line.
 */
class DcerpcFolderParity {

    @Test
    void printMismatchesPerCapture() throws Exception {
        String list = System.getProperty("dcerpc.parity.list");
        Assumptions.assumeTrue(list != null && !list.isEmpty(), "no -Ddcerpc.parity.list");
        int same = 0;
        int differ = 0;
        int failed = 0;
        StringBuilder report = new StringBuilder();
        for (String line : Files.readAllLines(Path.of(list), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length < 2) {
                continue;
            }
            TreeSet<String> want = new TreeSet<>(Files.readAllLines(Path.of(f[1]), StandardCharsets.UTF_8));
            want.remove("");
            TreeSet<String> ours;
            try {
                ours = DcerpcParityTest.ours(Replay.events(Path.of(f[0]), Decoders.forWorker()));
            } catch (Exception e) {
                failed++;
                report.append("ERROR ").append(f[0]).append(": ").append(e).append('\n');
                continue;
            }
            TreeSet<String> onlyTshark = new TreeSet<>(want);
            onlyTshark.removeAll(ours);
            TreeSet<String> onlyOurs = new TreeSet<>(ours);
            onlyOurs.removeAll(want);
            if (onlyTshark.isEmpty() && onlyOurs.isEmpty()) {
                same++;
                report.append("OK    ").append(f[0]).append(" (").append(want.size()).append(" lines)\n");
            } else {
                differ++;
                report.append("DIFF  ").append(f[0]).append('\n');
                for (String s : onlyTshark) {
                    report.append("  - ").append(s).append('\n');
                }
                for (String s : onlyOurs) {
                    report.append("  + ").append(s).append('\n');
                }
            }
        }
        report.append("SUMMARY same=").append(same).append(" differ=").append(differ).append(" error=").append(failed).append('\n');
        String out = System.getProperty("dcerpc.parity.report");
        if (out != null) {
            Files.writeString(Path.of(out), report.toString(), StandardCharsets.UTF_8);
        }
        System.out.print(report);
    }
}
