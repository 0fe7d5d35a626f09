package io.impacketsensor.decoders.smb1;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.decoders.DecoderConfig;
import io.impacketsensor.decoders.Decoders;
import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.core.wire.Hex;
import io.impacketsensor.core.testkit.Replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * The SMB1 sets compared with tshark (scripts/parity-smb1.sh writes tshark's side, through
 * scripts/tshark-smb1-sets.sh, in the same form): {@code dialects <d1,d2,...>} (NEGOTIATE
 * requests), {@code tree <path>} (TREE_CONNECT_ANDX), {@code file <tree> <name>} (NT_CREATE_ANDX and
 * OPEN_ANDX requests), {@code status <0xcmd> <0x%08x>} (final SMB1 responses), and on connections
 * that used SMB1 for them, {@code ntlm <domain> <user> <workstation>} (NTLM AUTHENTICATE, with or
 * without extended security), {@code challenge <hex>} (server challenge), {@code proof <hex>}
 * (NTProofStr of an NTLMv2 response) and
 * {@code rpc <opnum>} (DCE/RPC requests on the named pipes). Runnable as a main over pcaps.
 */
public final class Smb1ParityDriver {
    private Smb1ParityDriver() {
    }

    public static TreeSet<String> sets(Path pcap) throws IOException {
        AnalyzerFactory f = Decoders.forWorker(DecoderConfig.defaults()).get(0);
        TreeSet<String> out = new TreeSet<>();
        for (List<SensorEvent> flow : Replay.byFlow(Replay.events(pcap, List.of(f)))) {
            boolean smb1Auth = false;
            boolean smb1Pipe = false;
            for (SensorEvent e : flow) {
                smb1Auth |= e instanceof SmbEvent.SmbSessionSetup s && s.smb1Command() >= 0;
                smb1Pipe |= e instanceof SmbEvent.SmbCreate cr && cr.smb1Command() >= 0 && cr.namedPipe()
                        || e instanceof SmbEvent.SmbIoctl io && io.smb1Command() >= 0;
            }
            for (SensorEvent e : flow) {
                add(out, e, smb1Auth, smb1Pipe);
            }
        }
        return out;
    }

    private static void add(TreeSet<String> out, SensorEvent e, boolean smb1Auth, boolean smb1Pipe) {
        if (e instanceof SmbEvent.Smb1Negotiate n) {
            out.add("dialects\t" + String.join(",", n.dialects()));
        } else if (e instanceof SmbEvent.SmbTreeConnect t && t.smb1Command() >= 0) {
            out.add("tree\t" + t.path());
        } else if (e instanceof SmbEvent.SmbCreate cr && cr.smb1Command() >= 0) {
            out.add("file\t" + cr.share() + "\t" + cr.fileName());
        } else if (e instanceof NtlmEvent.NtlmAuthenticate a && smb1Auth) {
            out.add("ntlm\t" + a.domain() + "\t" + a.user() + "\t" + a.workstation());
            if (a.ntProofStr() != null) {
                out.add("proof\t" + Hex.encode(a.ntProofStr()));
            }
        } else if (e instanceof NtlmEvent.NtlmChallenge ch && (smb1Auth || ch.carrier() == Carrier.SMB1)) {
            // A NEGOTIATE response's challenge counts even when no login followed (tshark shows it).
            out.add("challenge\t" + Hex.encode(ch.serverChallenge()));
        } else if (e instanceof DcerpcEvent.DcerpcRequest r && smb1Pipe && r.opnum() >= 0) {
            out.add("rpc\t" + r.opnum());
        }
        int cmd = smb1Command(e);
        long status = status(e);
        if (cmd >= 0 && status != SensorEvent.NO_STATUS) {
            // The 32-bit Status field as tshark shows it (a DOS-class error's mark is ours).
            out.add("status\t" + String.format("0x%02x", cmd) + "\t" + String.format("0x%08x", status & 0xFFFF_FFFFL));
        }
    }

    /** The SMB1 command of an SMB1-carried event, else -1. */
    public static int smb1Command(SensorEvent e) {
        if (e instanceof SmbEvent.SmbSessionSetup s) {
            return s.smb1Command();
        }
        if (e instanceof SmbEvent.SmbTreeConnect t) {
            return t.smb1Command();
        }
        if (e instanceof SmbEvent.SmbCreate c) {
            return c.smb1Command();
        }
        if (e instanceof SmbEvent.SmbClose c) {
            return c.smb1Command();
        }
        if (e instanceof SmbEvent.SmbRead r) {
            return r.smb1Command();
        }
        if (e instanceof SmbEvent.SmbWrite w) {
            return w.smb1Command();
        }
        if (e instanceof SmbEvent.SmbIoctl i) {
            return i.smb1Command();
        }
        return e instanceof SmbEvent.SmbCommand c ? c.smb1Command() : -1;
    }

    /** The status of an SMB event ({@code Smb2ParityDriver} knows every record). */
    static long status(SensorEvent e) {
        return io.impacketsensor.decoders.smb2.Smb2ParityDriver.statusOf(e);
    }

    /** Prints the sets of each pcap given, preceded by {@code # <file>}. */
    public static void main(String[] args) {
        io.impacketsensor.decoders.smb2.Smb2ParityDriver.print(args, Smb1ParityDriver::sets);
    }
}
