package io.impacketsensor.decoders.http;

import io.impacketsensor.decoders.limit.Limit;

/**
 * Limits on what an HTTP peer controls. A header section over {@link #maxHeaderBytes()} or with more
 * fields than {@link #maxHeaderFields()}: an {@link HttpAnomaly}, and the flow is skipped (its framing
 * can no longer be trusted). A token over {@link #maxTokenBytes()}: an anomaly, that token dropped.
 *
 * @param maxHeaderBytes  largest header section (start line and fields) of one message, in bytes;
 *                        also bounds the reassembly buffer of a direction
 * @param maxHeaderFields most header fields in one message
 * @param maxTokenBytes   largest decoded NTLM/Negotiate token of one field, in bytes
 * @param maxPending      most requests per connection waiting for their response (pipelining)
 */
public record HttpLimits(
        @Limit(min = 256, max = 1048576, doc = "largest header section of one message (start line and fields); also bounds the reassembly buffer of a direction") int maxHeaderBytes,
        @Limit(min = 8, max = 4096, doc = "header fields in one message") int maxHeaderFields,
        @Limit(min = 64, max = 1048576, doc = "largest decoded NTLM, Negotiate or Kerberos token of one header field") int maxTokenBytes,
        @Limit(min = 1, max = 1024, doc = "requests per connection waiting for their response (a table allocated per flow)") int maxPending) {

    /**
     * Defaults: 64 KiB header sections (IIS accepts fields up to 64 KiB for Kerberos tokens with
     * large PACs), 256 fields, 48 KiB tokens, 32 pipelined requests.
     */
    public static final HttpLimits DEFAULTS = new HttpLimits(1 << 16, 256, 48 << 10, 32);

    public HttpLimits {
        if (maxHeaderBytes < 256 || maxHeaderFields < 8 || maxTokenBytes < 64 || maxPending < 1) {
            throw new IllegalArgumentException("http limits too small");
        }
    }
}
