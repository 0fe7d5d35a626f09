package io.impacketsensor.decoders;

import io.impacketsensor.decoders.gssapi.GssapiLimits;
import io.impacketsensor.decoders.gssapi.KerberosTokenHook;
import io.impacketsensor.decoders.ntlmssp.NtlmsspLimits;
import io.impacketsensor.decoders.pipe.PipeConsumerFactory;
import io.impacketsensor.decoders.smb2.Smb2Limits;

/**
 * Everything the decoders of one worker are built from: the limits of each protocol and the
 * cross-protocol hooks (named-pipe consumer for DCE/RPC over SMB2, Kerberos hook for GSS tokens).
 * Immutable; the {@code with...} methods return a copy.
 *
 * @param smb2     SMB limits
 * @param gssapi   GSS-API/SPNEGO limits
 * @param ntlmssp  NTLMSSP limits
 * @param pipes    consumer of SMB2 named-pipe streams ({@link PipeConsumerFactory#NONE} by default)
 * @param kerberos receiver of Kerberos messages found in GSS tokens ({@link KerberosTokenHook#NONE})
 */
public record DecoderConfig(Smb2Limits smb2, GssapiLimits gssapi, NtlmsspLimits ntlmssp,
                            PipeConsumerFactory pipes, KerberosTokenHook kerberos) {

    public static DecoderConfig defaults() {
        return new DecoderConfig(Smb2Limits.DEFAULTS, GssapiLimits.DEFAULTS, NtlmsspLimits.DEFAULTS,
                PipeConsumerFactory.NONE, KerberosTokenHook.NONE);
    }

    public DecoderConfig {
        if (smb2 == null || gssapi == null || ntlmssp == null) {
            throw new IllegalArgumentException("decoder limits must be set");
        }
        pipes = pipes == null ? PipeConsumerFactory.NONE : pipes;
        kerberos = kerberos == null ? KerberosTokenHook.NONE : kerberos;
    }

    public DecoderConfig withPipes(PipeConsumerFactory p) {
        return new DecoderConfig(smb2, gssapi, ntlmssp, p, kerberos);
    }

    public DecoderConfig withKerberos(KerberosTokenHook k) {
        return new DecoderConfig(smb2, gssapi, ntlmssp, pipes, k);
    }

    public DecoderConfig withSmb2(Smb2Limits l) {
        return new DecoderConfig(l, gssapi, ntlmssp, pipes, kerberos);
    }
}
