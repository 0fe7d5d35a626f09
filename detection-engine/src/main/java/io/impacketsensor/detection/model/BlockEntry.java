package io.impacketsensor.detection.model;

import java.time.Instant;

/**
 * One blocked source address.
 *
 * @param ip         the address, textual form
 * @param reason     why, e.g. the alert's signature text
 * @param attackType stable attack type id, e.g. {@code psexec}
 * @param confidence confidence of the analysis that blocked it
 * @param blockedAt  when it was blocked (event time)
 * @param expiresAt  when the block lapses, or null when it never does
 */
public record BlockEntry(String ip, String reason, String attackType, double confidence, Instant blockedAt,
                         Instant expiresAt) {

    /** True when the entry has lapsed at {@code now}. */
    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
