package io.impacketsensor.decoders.ldap;

import io.impacketsensor.decoders.limit.Limit;

/**
 * Limits on what an LDAP peer controls. Over any of them: an {@link LdapAnomaly}, and the flow is
 * skipped.
 *
 * @param maxMessageLength largest LDAPMessage buffered for decoding, in bytes (SearchResultEntry
 *                         and SearchResultReference are counted and skipped by length at any size
 *                         up to 2^31-1, never buffered)
 * @param maxDepth         deepest BER nesting of a message
 * @param maxFilterDepth   deepest nesting of a search filter (and/or/not)
 * @param maxFilterLength  longest rendered RFC 4515 filter text, in characters
 * @param maxListItems     most items read from one SEQUENCE/SET OF (attributes, values, controls,
 *                         modifications)
 * @param maxPending       most requests per flow waiting for their result
 * @param maxKeptEntryBytes bytes of SearchResultEntries (DN, attribute types and values) kept per
 *                         search for its record; the entries after that are counted, not decoded
 */
public record LdapLimits(
        @Limit(min = 64, max = 16777215, doc = "largest LDAPMessage buffered for decoding (search results are skipped by length at any size)") int maxMessageLength,
        @Limit(min = 8, max = 256, doc = "deepest BER nesting of a message") int maxDepth,
        @Limit(min = 1, max = 256, doc = "deepest nesting of a search filter") int maxFilterDepth,
        @Limit(min = 16, max = 1048576, doc = "longest rendered RFC 4515 filter text, in characters") int maxFilterLength,
        @Limit(min = 1, max = 65536, doc = "items read from one SEQUENCE/SET OF") int maxListItems,
        @Limit(min = 1, max = 4096, doc = "requests per flow waiting for their result (a table allocated per flow)") int maxPending,
        @Limit(min = 0, max = 16777215, doc = "bytes of search result entries kept per search for its record (the rest are counted)") int maxKeptEntryBytes) {

    /**
     * Defaults: 1 MiB messages, BER depth 64, filter depth 32, 8192-character filters, 256 items, 64 pending,
     * 64 KiB of entries per search.
     */
    public static final LdapLimits DEFAULTS = new LdapLimits(1 << 20, 64, 32, 8192, 256, 64, 1 << 16);

    /** The limits with the default {@code maxKeptEntryBytes}. */
    public LdapLimits(int maxMessageLength, int maxDepth, int maxFilterDepth, int maxFilterLength, int maxListItems,
                      int maxPending) {
        this(maxMessageLength, maxDepth, maxFilterDepth, maxFilterLength, maxListItems, maxPending, 1 << 16);
    }

    public LdapLimits {
        if (maxMessageLength < 64 || maxDepth < 8 || maxFilterDepth < 1 || maxFilterLength < 16
                || maxListItems < 1 || maxPending < 1 || maxKeptEntryBytes < 0) {
            throw new IllegalArgumentException("ldap limits too small");
        }
    }
}
