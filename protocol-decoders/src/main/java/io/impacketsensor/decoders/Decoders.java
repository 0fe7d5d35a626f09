package io.impacketsensor.decoders;

import io.impacketsensor.core.flow.AnalyzerFactory;
import io.impacketsensor.decoders.dcerpc.DcerpcAnalyzerFactory;
import io.impacketsensor.decoders.dcerpc.DcerpcLimits;
import io.impacketsensor.decoders.dcerpc.dcom.DcomObjects;
import io.impacketsensor.decoders.gssapi.GssTokenDecoder;
import io.impacketsensor.decoders.token.TokenDecoder;
import io.impacketsensor.decoders.http.HttpAnalyzerFactory;
import io.impacketsensor.decoders.dns.DnsAnalyzerFactory;
import io.impacketsensor.decoders.ssrp.SsrpAnalyzerFactory;
import io.impacketsensor.decoders.gssapi.KerberosTokenHook;
import io.impacketsensor.decoders.kerberos.KerberosAnalyzerFactory;
import io.impacketsensor.decoders.ldap.LdapAnalyzerFactory;
import io.impacketsensor.decoders.mssql.MssqlAnalyzerFactory;
import io.impacketsensor.decoders.rdp.RdpAnalyzerFactory;
import io.impacketsensor.decoders.pipe.PipeConsumerFactory;
import io.impacketsensor.decoders.smb.SmbAnalyzerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The registry of protocol decoders: a fresh list of analyzer factories for each decode worker
 * (factories hold per-worker counters, so they are never shared between threads).
 */
public final class Decoders {
    private Decoders() {
    }

    /** All decoder factories for one worker, with the default configuration. */
    public static List<AnalyzerFactory> forWorker() {
        return forWorker(DecoderConfig.defaults());
    }

    /** All decoder factories for one worker, with a DCOM object table of its own. */
    public static List<AnalyzerFactory> forWorker(DecoderConfig config) {
        return forWorker(config, dcomObjects(config));
    }

    /**
     * The DCOM object table of a pipeline (IPID → interface, {@code decoders.dcerpc.max_dcom_objects}),
     * to be shared by all its workers: give the same instance to every {@link #forWorker} call.
     */
    public static DcomObjects dcomObjects(DecoderConfig config) {
        DcerpcLimits l = config.dcerpc();
        return new DcomObjects(l.maxDcomObjects(), l.dcomObjectTimeoutSec() * 1_000_000_000L);
    }

    /** All decoder factories for one worker, sharing {@code dcom} with the pipeline's other workers. */
    public static List<AnalyzerFactory> forWorker(DecoderConfig config, DcomObjects dcom) {
        KerberosAnalyzerFactory kerberos = new KerberosAnalyzerFactory(config.kerberosLimits());
        // Kerberos messages found in GSS tokens (SMB2, DCE/RPC, LDAP) go to the Kerberos decoder
        // unless the caller injected its own hook.
        DecoderConfig cfg = config.kerberos() == KerberosTokenHook.NONE
                ? config.withKerberos(kerberos.tokenHook()) : config;
        TokenDecoder tokens = tokenDecoder(cfg);
        List<AnalyzerFactory> out = new ArrayList<>();
        DcerpcAnalyzerFactory dcerpc = new DcerpcAnalyzerFactory(cfg.dcerpc(), tokens, dcom);
        // SMB named pipes go to DCE/RPC unless the configuration names another consumer.
        PipeConsumerFactory pipes = cfg.pipes() == PipeConsumerFactory.NONE ? dcerpc.pipeConsumers() : cfg.pipes();
        out.add(new SmbAnalyzerFactory(cfg.smb(), cfg.smb2(), cfg.smb1(), cfg.ntlmssp(), tokens, pipes));
        out.add(kerberos);
        out.add(new LdapAnalyzerFactory(cfg.ldap(), tokens, cfg.allSearchEntries()));
        out.add(new MssqlAnalyzerFactory(cfg.mssql(), tokens));
        out.add(new DnsAnalyzerFactory(cfg.dns()));
        out.add(new RdpAnalyzerFactory(cfg.rdp()));
        out.add(new SsrpAnalyzerFactory(cfg.ssrp()));
        // HTTP and TDS probe unclaimed TCP ports too, for their own first bytes only.
        out.add(new HttpAnalyzerFactory(cfg.http(), tokens));
        // Last: DCE/RPC probes any unclaimed TCP port, the others name theirs.
        out.add(dcerpc);
        return out;
    }

    /** The shared SPNEGO/NTLMSSP/Kerberos token decoder (for DCE/RPC, LDAP and HTTP carriers too). */
    public static TokenDecoder tokenDecoder(DecoderConfig config) {
        return new GssTokenDecoder(config.kerberos(), config.gssapi(), config.ntlmssp());
    }
}
