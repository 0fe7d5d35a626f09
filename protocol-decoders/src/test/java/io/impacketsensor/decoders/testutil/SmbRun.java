package io.impacketsensor.decoders.testutil;

import io.impacketsensor.core.testkit.AnalyzerRun;
import io.impacketsensor.core.testkit.Step;
import io.impacketsensor.decoders.gssapi.GssTokenDecoder;
import io.impacketsensor.decoders.gssapi.KerberosTokenHook;
import io.impacketsensor.decoders.smb1.Smb1Limits;
import io.impacketsensor.decoders.ntlmssp.NtlmsspLimits;
import io.impacketsensor.decoders.smb.SmbAnalyzerFactory;
import io.impacketsensor.decoders.smb.SmbLimits;
import io.impacketsensor.decoders.smb2.Smb2Limits;

import java.util.List;

/**
 * The SMB analyzer (NBSS framing, SMB1 and SMB2) on the test kit's recording context, with its
 * named pipes recorded: the harness of the SMB1 and SMB2 analyzer tests.
 */
public final class SmbRun extends AnalyzerRun<SmbAnalyzerFactory> {
    public final RecordingPipes pipes;

    public SmbRun(Smb2Limits limits) {
        this(limits, Smb1Limits.DEFAULTS);
    }

    public SmbRun(Smb1Limits smb1Limits) {
        this(Smb2Limits.DEFAULTS, smb1Limits);
    }

    public SmbRun(Smb2Limits limits, Smb1Limits smb1Limits) {
        this(SmbLimits.DEFAULTS, limits, smb1Limits, new RecordingPipes());
    }

    /** With the framing's limits. */
    public SmbRun(SmbLimits limits) {
        this(limits, Smb2Limits.DEFAULTS, Smb1Limits.DEFAULTS, new RecordingPipes());
    }

    private SmbRun(SmbLimits limits, Smb2Limits smb2Limits, Smb1Limits smb1Limits, RecordingPipes pipes) {
        super(new SmbAnalyzerFactory(limits, smb2Limits, smb1Limits, NtlmsspLimits.DEFAULTS,
                new GssTokenDecoder(KerberosTokenHook.NONE), pipes));
        this.pipes = pipes;
    }

    /** A message to the server, NBSS-framed. */
    public static Step c(byte[] smb) {
        return Step.toServer(Smb2Wire.nbss(smb));
    }

    /** A message to the client, NBSS-framed. */
    public static Step s(byte[] smb) {
        return Step.toClient(Smb2Wire.nbss(smb));
    }

    @Override
    public SmbRun feed(List<Step> steps) {
        super.feed(steps);
        return this;
    }

    @Override
    public SmbRun close() {
        super.close();
        return this;
    }
}
