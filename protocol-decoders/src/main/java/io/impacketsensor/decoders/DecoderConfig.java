package io.impacketsensor.decoders;

import io.impacketsensor.decoders.dcerpc.DcerpcLimits;
import io.impacketsensor.decoders.gssapi.GssapiLimits;
import io.impacketsensor.decoders.dns.DnsLimits;
import io.impacketsensor.decoders.gssapi.KerberosTokenHook;
import io.impacketsensor.decoders.http.HttpLimits;
import io.impacketsensor.decoders.kerberos.KerberosLimits;
import io.impacketsensor.decoders.ldap.LdapLimits;
import io.impacketsensor.decoders.mssql.MssqlLimits;
import io.impacketsensor.decoders.rdp.RdpLimits;
import io.impacketsensor.decoders.ssrp.SsrpLimits;
import io.impacketsensor.decoders.ntlmssp.NtlmsspLimits;
import io.impacketsensor.decoders.pipe.PipeConsumerFactory;
import io.impacketsensor.decoders.smb.SmbLimits;
import io.impacketsensor.decoders.smb1.Smb1Limits;
import io.impacketsensor.decoders.smb2.Smb2Limits;

/**
 * Everything the decoders of one worker are built from: the limits of each protocol (the
 * {@code decoders.*} keys of the YAML, see {@link DecoderLimits}) and the cross-protocol hooks
 * (named-pipe consumer for DCE/RPC over SMB, Kerberos hook for GSS tokens).
 * Immutable; the {@code with...} methods return a copy.
 *
 * @param smb           NBSS framing limits of SMB (both versions)
 * @param smb1          SMB1 (MS-CIFS) limits
 * @param smb2          SMB2/3 limits
 * @param dcerpc        DCE/RPC limits
 * @param gssapi        GSS-API/SPNEGO limits
 * @param ntlmssp       NTLMSSP limits
 * @param kerberosLimits Kerberos limits
 * @param ldap          LDAP limits
 * @param http          HTTP limits
 * @param mssql         MS-TDS (SQL Server) limits
 * @param dns           DNS limits (DC locator answers only)
 * @param rdp           RDP limits (connection start and TLS handshake)
 * @param ssrp          SQL Server Browser ([MC-SQLR]) limits
 * @param pipes         consumer of SMB named-pipe streams ({@link PipeConsumerFactory#NONE} by default)
 * @param kerberos      receiver of Kerberos messages found in GSS tokens ({@link KerberosTokenHook#NONE})
 * @param allSearchEntries true: every search keeps its result entries (up to
 *                      {@link LdapLimits#maxKeptEntryBytes}) for its protocol record; false: only
 *                      base-object searches of the root DSE keep theirs, the only entries detection
 *                      reads, and the others are counted and passed over by length
 */
public record DecoderConfig(SmbLimits smb, Smb1Limits smb1, Smb2Limits smb2, DcerpcLimits dcerpc, GssapiLimits gssapi,
                            NtlmsspLimits ntlmssp, KerberosLimits kerberosLimits, LdapLimits ldap,
                            HttpLimits http, MssqlLimits mssql, DnsLimits dns, RdpLimits rdp, SsrpLimits ssrp,
                            PipeConsumerFactory pipes, KerberosTokenHook kerberos, boolean allSearchEntries) {

    public static DecoderConfig defaults() {
        return new DecoderConfig(SmbLimits.DEFAULTS, Smb1Limits.DEFAULTS, Smb2Limits.DEFAULTS, DcerpcLimits.DEFAULTS,
                GssapiLimits.DEFAULTS, NtlmsspLimits.DEFAULTS, KerberosLimits.DEFAULTS, LdapLimits.DEFAULTS,
                HttpLimits.DEFAULTS, MssqlLimits.DEFAULTS, DnsLimits.DEFAULTS, RdpLimits.DEFAULTS, SsrpLimits.DEFAULTS,
                PipeConsumerFactory.NONE, KerberosTokenHook.NONE, true);
    }

    public DecoderConfig {
        if (smb == null || smb1 == null || smb2 == null || dcerpc == null || gssapi == null || ntlmssp == null
                || kerberosLimits == null || ldap == null || http == null || mssql == null || dns == null
                || rdp == null || ssrp == null) {
            throw new IllegalArgumentException("decoder limits must be set");
        }
        pipes = pipes == null ? PipeConsumerFactory.NONE : pipes;
        kerberos = kerberos == null ? KerberosTokenHook.NONE : kerberos;
    }

    public DecoderConfig withPipes(PipeConsumerFactory p) {
        return new DecoderConfig(smb, smb1, smb2, dcerpc, gssapi, ntlmssp, kerberosLimits, ldap, http, mssql, dns, rdp,
                ssrp, p, kerberos, allSearchEntries);
    }

    public DecoderConfig withKerberos(KerberosTokenHook k) {
        return new DecoderConfig(smb, smb1, smb2, dcerpc, gssapi, ntlmssp, kerberosLimits, ldap, http, mssql, dns, rdp,
                ssrp, pipes, k, allSearchEntries);
    }

    public DecoderConfig withSmb(SmbLimits l) {
        return new DecoderConfig(l, smb1, smb2, dcerpc, gssapi, ntlmssp, kerberosLimits, ldap, http, mssql, dns, rdp,
                ssrp, pipes, kerberos, allSearchEntries);
    }

    public DecoderConfig withSmb2(Smb2Limits l) {
        return new DecoderConfig(smb, smb1, l, dcerpc, gssapi, ntlmssp, kerberosLimits, ldap, http, mssql, dns, rdp,
                ssrp, pipes, kerberos, allSearchEntries);
    }

    /**
     * A copy that keeps every search's result entries ({@code true}, for protocol records) or only
     * those of root DSE base searches, which detection reads ({@code false}).
     */
    public DecoderConfig withAllSearchEntries(boolean all) {
        return new DecoderConfig(smb, smb1, smb2, dcerpc, gssapi, ntlmssp, kerberosLimits, ldap, http, mssql, dns, rdp,
                ssrp, pipes, kerberos, all);
    }

    /** A copy with the limits of the HTTP and TDS carriers replaced. */
    public DecoderConfig withCarriers(HttpLimits h, MssqlLimits m) {
        return new DecoderConfig(smb, smb1, smb2, dcerpc, gssapi, ntlmssp, kerberosLimits, ldap, h, m, dns, rdp, ssrp,
                pipes, kerberos, allSearchEntries);
    }

    /** A copy with the DNS limits replaced. */
    public DecoderConfig withDns(DnsLimits d) {
        return new DecoderConfig(smb, smb1, smb2, dcerpc, gssapi, ntlmssp, kerberosLimits, ldap, http, mssql, d, rdp,
                ssrp, pipes, kerberos, allSearchEntries);
    }

    /** A copy with the RDP limits replaced. */
    public DecoderConfig withRdp(RdpLimits r) {
        return new DecoderConfig(smb, smb1, smb2, dcerpc, gssapi, ntlmssp, kerberosLimits, ldap, http, mssql, dns, r,
                ssrp, pipes, kerberos, allSearchEntries);
    }

    /** A copy with the SQL Server Browser limits replaced. */
    public DecoderConfig withSsrp(SsrpLimits l) {
        return new DecoderConfig(smb, smb1, smb2, dcerpc, gssapi, ntlmssp, kerberosLimits, ldap, http, mssql, dns, rdp,
                l, pipes, kerberos, allSearchEntries);
    }

    /** A copy with every protocol's limits replaced (the carriers' with {@link #withCarriers}). */
    public DecoderConfig withLimits(SmbLimits s, Smb1Limits s1, Smb2Limits s2, DcerpcLimits rpc, GssapiLimits gss,
                                    NtlmsspLimits ntlm, KerberosLimits krb, LdapLimits l) {
        return new DecoderConfig(s, s1, s2, rpc, gss, ntlm, krb, l, http, mssql, dns, rdp, ssrp, pipes, kerberos,
                allSearchEntries);
    }

    /** The limits record of one {@code decoders.<section>} ({@link DecoderLimits#SECTIONS}). */
    public Record limits(String section) {
        return switch (section) {
            case "smb" -> smb;
            case "smb1" -> smb1;
            case "smb2" -> smb2;
            case "dcerpc" -> dcerpc;
            case "gssapi" -> gssapi;
            case "ntlmssp" -> ntlmssp;
            case "kerberos" -> kerberosLimits;
            case "ldap" -> ldap;
            case "http" -> http;
            case "mssql" -> mssql;
            case "dns" -> dns;
            case "rdp" -> rdp;
            case "ssrp" -> ssrp;
            default -> throw new IllegalArgumentException("no decoder section " + section);
        };
    }
}
