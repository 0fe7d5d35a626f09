package io.impacketsensor.decoders.bench;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.core.event.SensorEvent;
import io.impacketsensor.core.event.Transport;
import io.impacketsensor.core.flow.Direction;
import io.impacketsensor.core.flow.FlowContext;
import io.impacketsensor.core.wire.Hex;
import io.impacketsensor.decoders.kerberos.KerberosAnalyzer;
import io.impacketsensor.decoders.kerberos.KerberosCounters;
import io.impacketsensor.decoders.kerberos.KerberosLimits;
import io.impacketsensor.decoders.ldap.LdapAnalyzer;
import io.impacketsensor.decoders.ldap.LdapCounters;
import io.impacketsensor.decoders.ldap.LdapLimits;
import io.impacketsensor.decoders.testsupport.Ber;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * Decoding cost of one Kerberos AS-REQ record (lab atk_GetNPUsers_nocreds.pcap frame 6, with its
 * event) and of one LDAP SearchResultEntry skipped by length plus one SearchRequest with a
 * three-clause filter (synthetic, with its event). Run:
 * {@code java -cp <protocol-decoders test classpath> org.openjdk.jmh.Main KrbLdapBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class KrbLdapBench {
    static final byte[] AS_REQ_RECORD = Hex.decode(
            "000000b26a81af3081aca103020105a20302010aa31530133011a10402020080a20904073005a0030101ffa48188308185a0070305"
            + "0050800000a11a3018a003020101a111300f1b0d61646d696e6973747261746f72a20a1b084c41422e54455354a31d301ba00302"
            + "0101a11430121b066b72627467741b084c41422e54455354a511180f32303236313132383134353732385aa611180f3230323631"
            + "3132383134353732385aa706020452f7761da8053003020117");
    /** LDAPMessage id 5: SearchRequest base "DC=lab,DC=test", (&(objectCategory=person)(objectClass=user)(userAccountControl:1.2.840.113556.1.4.803:=4194304)), paged results. */
    static final byte[] SEARCH = Ber.seq(Ber.integer(5), Ber.tlv(0x63, Ber.octets("DC=lab,DC=test"),
            Ber.enumerated(2), Ber.enumerated(0), Ber.integer(0), Ber.integer(0), Ber.bool(false),
            Ber.tlv(0xa0, Ber.tlv(0xa3, Ber.octets("objectCategory"), Ber.octets("person")),
                    Ber.tlv(0xa3, Ber.octets("objectClass"), Ber.octets("user")),
                    Ber.tlv(0xa9, Ber.tlv(0x81, "1.2.840.113556.1.4.803".getBytes()),
                            Ber.tlv(0x82, "userAccountControl".getBytes()), Ber.tlv(0x83, "4194304".getBytes()))),
            Ber.seq(Ber.octets("sAMAccountName"))),
            Ber.tlv(0xa0, Ber.seq(Ber.octets("1.2.840.113556.1.4.319"),
                    Ber.tlv(0x04, Ber.seq(Ber.integer(1000), Ber.octets(""))))));

    private Ctx ctx;
    private Blackhole bh;

    /** A flow context that hands events to the blackhole. */
    final class Ctx implements FlowContext {
        @Override public long flowId() { return 1; }
        @Override public Transport transport() { return Transport.TCP; }
        @Override public long timestampNanos() { return 0; }
        @Override public int serverPort() { return 88; }
        @Override public int clientPort() { return 50000; }
        @Override public EventHeader header() {
            return new EventHeader(0, 1, InetAddress.getLoopbackAddress(), 50000, InetAddress.getLoopbackAddress(), 88,
                    Transport.TCP);
        }
        @Override public void emit(SensorEvent event) { bh.consume(event); }
        @Override public void expect(InetAddress server, int port, String analyzerName) { }
    }

    @Setup
    public void setup(Blackhole blackhole) {
        bh = blackhole;
        ctx = new Ctx();
    }

    @Benchmark
    public boolean kerberosAsReqRecord() {
        KerberosAnalyzer a = new KerberosAnalyzer(ctx, KerberosLimits.DEFAULTS, new KerberosCounters());
        return a.onData(Direction.TO_SERVER, AS_REQ_RECORD, 0, AS_REQ_RECORD.length);
    }

    @Benchmark
    public boolean ldapSearchRequest() {
        LdapAnalyzer a = new LdapAnalyzer(ctx, LdapLimits.DEFAULTS, new LdapCounters(), null);
        boolean ok = a.onData(Direction.TO_SERVER, SEARCH, 0, SEARCH.length);
        a.onClose();
        return ok;
    }
}
