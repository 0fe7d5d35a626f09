package io.impacketsensor.decoders.smb2;

import io.impacketsensor.decoders.smb.SmbAnalyzerFactory;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.decoders.Decoders;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.core.testkit.Replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * The sets compared with tshark (scripts/parity-smb2.sh writes tshark's side in the same form):
 * {@code tree <path>}, {@code file <tree> <name>} (CREATE requests), {@code ntlm <domain> <user>
 * <workstation>} (NTLM AUTHENTICATE carried by SMB), {@code status <command> <0x%08x>} (final
 * responses). Runnable as a main over pcaps, one block per file.
 */
public final class Smb2ParityDriver {
    private Smb2ParityDriver() {
    }

    public static TreeSet<String> sets(Path pcap) throws IOException {
        SmbAnalyzerFactory f = (SmbAnalyzerFactory) Decoders.forWorker(DecoderConfig.defaults()).get(0);
        TreeSet<String> out = new TreeSet<>();
        for (SensorEvent e : Replay.events(pcap, List.of(f))) {
            add(out, e);
        }
        return out;
    }

    private static void add(TreeSet<String> out, SensorEvent e) {
        if (io.impacketsensor.decoders.smb1.Smb1ParityDriver.smb1Command(e) >= 0) {
            return; // SMB1-carried (MS-CIFS): compared by Smb1ParityDriver
        }
        if (e instanceof SmbEvent.SmbTreeConnect t) {
            out.add("tree\t" + t.path());
        } else if (e instanceof SmbEvent.SmbCreate cr) {
            out.add("file\t" + cr.share() + "\t" + cr.fileName());
        } else if (e instanceof NtlmEvent.NtlmAuthenticate a) {
            out.add("ntlm\t" + a.domain() + "\t" + a.user() + "\t" + a.workstation());
        }
        int cmd = command(e);
        long status = status(e);
        if (cmd >= 0 && status != SensorEvent.NO_STATUS) {
            out.add("status\t" + cmd + "\t" + String.format("0x%08x", status));
        }
    }

    static int command(SensorEvent e) {
        if (e instanceof SmbEvent.SmbCommand c) {
            return c.command();
        }
        if (e instanceof SmbEvent.Smb2Negotiate) {
            return 0;
        }
        if (e instanceof SmbEvent.SmbSessionSetup) {
            return 1;
        }
        if (e instanceof SmbEvent.SmbTreeConnect) {
            return 3;
        }
        if (e instanceof SmbEvent.SmbCreate) {
            return 5;
        }
        if (e instanceof SmbEvent.SmbClose) {
            return 6;
        }
        if (e instanceof SmbEvent.SmbRead) {
            return 8;
        }
        if (e instanceof SmbEvent.SmbWrite) {
            return 9;
        }
        if (e instanceof SmbEvent.SmbIoctl) {
            return 11;
        }
        if (e instanceof SmbEvent.Smb2QueryDirectory) {
            return 14;
        }
        if (e instanceof SmbEvent.Smb2SetInfo) {
            return 17;
        }
        return -1;
    }

    /** The status of any SMB event record, NO_STATUS for the others. */
    public static long statusOf(SensorEvent e) {
        return status(e);
    }

    static long status(SensorEvent e) {
        if (e instanceof SmbEvent.SmbCommand c) {
            return c.status();
        }
        if (e instanceof SmbEvent.Smb2Negotiate n) {
            return n.status();
        }
        if (e instanceof SmbEvent.SmbSessionSetup s) {
            return s.status();
        }
        if (e instanceof SmbEvent.SmbTreeConnect t) {
            return t.status();
        }
        if (e instanceof SmbEvent.SmbCreate c) {
            return c.status();
        }
        if (e instanceof SmbEvent.SmbClose c) {
            return c.status();
        }
        if (e instanceof SmbEvent.SmbRead r) {
            return r.status();
        }
        if (e instanceof SmbEvent.SmbWrite w) {
            return w.status();
        }
        if (e instanceof SmbEvent.SmbIoctl i) {
            return i.status();
        }
        if (e instanceof SmbEvent.Smb2QueryDirectory q) {
            return q.status();
        }
        if (e instanceof SmbEvent.Smb2SetInfo s) {
            return s.status();
        }
        return SensorEvent.NO_STATUS;
    }

    /** The sets of one capture, for {@link #print}. */
    @FunctionalInterface
    public interface Sets {
        TreeSet<String> of(Path pcap) throws IOException;
    }

    /** Prints the sets of each pcap given, preceded by {@code # <file>}. */
    public static void main(String[] args) throws IOException {
        print(args, Smb2ParityDriver::sets);
    }

    /** Prints {@code # <file>} then the set lines of each capture ({@code ! <error>} when unreadable). */
    public static void print(String[] args, Sets sets) {
        for (String a : args) {
            System.out.println("# " + a);
            try {
                for (String line : sets.of(Path.of(a))) {
                    System.out.println(line);
                }
            } catch (IOException e) {
                System.out.println("! " + e.getMessage());
            }
        }
    }

    static List<String> lines(TreeSet<String> s) {
        return List.copyOf(s);
    }
}
