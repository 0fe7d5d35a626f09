package io.impacketsensor.detection.bench;

import io.impacketsensor.core.event.Carrier;
import io.impacketsensor.core.event.DcerpcEvent;
import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.KerberosEvent;
import io.impacketsensor.core.event.LdapEvent;
import io.impacketsensor.core.event.NtlmEvent;
import io.impacketsensor.core.event.RpcArgs;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.SmbEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.detection.engine.RpcCatalog;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A realistic event mix for the benchmarks (synthetic): an office network where most events are
 * SMB file I/O on ordinary shares, plus session setups with Windows NTLM (MIC, VERSION, signing),
 * Kerberos AES service tickets, LDAP lookups, DCE/RPC housekeeping (srvsvc, lsarpc, epm), and about
 * 1 % suspicious events (ADMIN$, svcctl, RC4 tickets). Time advances 1 ms per event overall.
 */
public final class EventMix {
    private EventMix() {
    }

    public static SensorEvent[] generate(int count, int sources, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        InetAddress[] src = new InetAddress[sources];
        for (int i = 0; i < sources; i++) {
            src[i] = addr(10, 100 + (i >> 16), (i >> 8) & 0xFF, i & 0xFF);
        }
        InetAddress[] servers = new InetAddress[32];
        for (int i = 0; i < servers.length; i++) {
            servers[i] = addr(10, 0, 1, 10 + i);
        }
        InetAddress dc = addr(10, 0, 0, 2);
        // One user and one workstation name per source address, as in an office network.
        String[] users = new String[sources];
        String[] workstations = new String[sources];
        for (int i = 0; i < sources; i++) {
            users[i] = "user" + i;
            workstations[i] = "WS" + i;
        }
        String[] files = {"Projects\\plan.xlsx", "Finance\\Q3\\report.docx", "Users\\alice\\notes.txt",
                "Shared\\templates\\letter.dotx", "Install\\tool.msi"};
        KerberosEvent.PrincipalName krbtgt = new KerberosEvent.PrincipalName(2, List.of("krbtgt", "LAB.LOCAL"));
        SensorEvent[] out = new SensorEvent[count];
        long t0 = 1_800_000_000L * 1_000_000_000L;
        for (int i = 0; i < count; i++) {
            int ci = rnd.nextInt(sources);
            InetAddress c = src[ci];
            InetAddress s = servers[rnd.nextInt(servers.length)];
            long ts = t0 + i * 1_000_000L;
            int k = rnd.nextInt(1000);
            String share = "\\\\fs\\Data";
            String file = files[rnd.nextInt(files.length)];
            EventHeader h445 = new EventHeader(ts, i, c, 50000, s, 445, Transport.TCP);
            SensorEvent ev;
            if (k < 400) {
                ev = new SmbEvent.SmbRead(h445, 1, 1, share, file, false, 0, 65536, 65536, 0);
            } else if (k < 520) {
                ev = new SmbEvent.SmbWrite(h445, 1, 1, share, file, false, 0, 65536, 0);
            } else if (k < 650) {
                ev = new SmbEvent.SmbCreate(h445, 1, 1, share, file, false, 0x00120089, 1, 0x40, 0x80, 1, 1000, 1, 0);
            } else if (k < 700) {
                ev = new SmbEvent.SmbTreeConnect(h445, 1, 1, k % 2 == 0 ? "\\\\fs\\IPC$" : share, 1, 0);
            } else if (k < 720) {
                ev = new SmbEvent.SmbSessionSetup(h445, 1, 1, 0, "ntlmssp", 300, 0, 0);
            } else if (k < 760) {
                ev = new NtlmEvent.NtlmAuthenticate(h445, Carrier.SMB2, 0xE2888215, 24, 300, 2, "LAB", users[ci],
                        workstations[ci], true, new NtlmEvent.Version(10, 0, 19041, 15), true, 2, "cifs/fs", null, null,
                        false, 0);
            } else if (k < 830) {
                EventHeader h = new EventHeader(ts, i, c, 50000, dc, 88, Transport.TCP);
                KerberosEvent.KerberosRequest q = new KerberosEvent.KerberosRequest(h, 12, List.of(1), -1, -1, null,
                        null, 0, false, -1, false, new KerberosEvent.TicketInfo("LAB.LOCAL", krbtgt, 18, 2), 0x40810000, null,
                        "LAB.LOCAL", new KerberosEvent.PrincipalName(2, List.of("cifs", "fs.lab.local")),
                        KerberosEvent.NO_TIME, ts / 1_000_000_000L + 36000, KerberosEvent.NO_TIME, k, List.of(18, 17, 23),
                        false, List.of());
                ev = k < 800 ? q : new KerberosEvent.KerberosReply(h, 13, "LAB.LOCAL",
                        new KerberosEvent.PrincipalName(1, List.of("alice")),
                        new KerberosEvent.TicketInfo("LAB.LOCAL", q.sname(), 18, 5), 18, q);
            } else if (k < 900) {
                EventHeader h = new EventHeader(ts, i, c, 50000, dc, 389, Transport.TCP);
                ev = new LdapEvent.LdapSearch(h, k, "DC=lab,DC=local", 2, 0, 0, 0, false,
                        "(&(objectClass=user)(sAMAccountName=user" + (k % 50) + "))", List.of("cn"), List.of(), -1, 0, 1, false);
            } else if (k < 990) {
                EventHeader h = new EventHeader(ts, i, c, 50000, s, 445, Transport.TCP);
                ev = switch (k % 3) {
                    case 0 -> new DcerpcEvent.DcerpcRequest(h, "srvsvc", 2, 0, RpcCatalog.SRVSVC, 21, null, false, 100, 1, 0, 0, null);
                    case 1 -> new DcerpcEvent.DcerpcRequest(h, "lsarpc", 2, 0, RpcCatalog.LSARPC, 44, null, false, 100, 1, 0, 0, null);
                    default -> new DcerpcEvent.DcerpcRequest(h, null, 2, 0, RpcCatalog.EPM, 3, null, false, 100, 1, 0, 0,
                            new RpcArgs.EpmMapRequest(RpcCatalog.SAMR, 1));
                };
            } else if (k < 995) {
                ev = new SmbEvent.SmbTreeConnect(h445, 1, 1, "\\\\srv\\ADMIN$", 1, 0);
            } else {
                EventHeader h = new EventHeader(ts, i, c, 50000, s, 445, Transport.TCP);
                ev = new DcerpcEvent.DcerpcRequest(h, "svcctl", 2, 0, RpcCatalog.SVCCTL, 12, null, false, 100, 1, 0, 0,
                        new RpcArgs.ScmCreateService("Updater", "Updater", "C:\\Program Files\\U\\u.exe", 0x10, 2, 0xF01FF));
            }
            out[i] = ev;
        }
        return out;
    }

    static InetAddress addr(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[]{(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
