package io.impacketsensor.decoders.ssrp;

import io.impacketsensor.decoders.limit.Limit;

/**
 * Limits on what a SQL Server Browser peer controls. Over it: the rest is counted, not kept.
 *
 * @param maxInstances InstanceName values kept from one SVR_RESP (the instances are all counted)
 */
public record SsrpLimits(
        @Limit(min = 1, max = 4096, doc = "instance names kept from one SQL Server Browser answer (all are counted)") int maxInstances) {

    /** Defaults: 64 names (a host with more SQL Server instances is rare; the rest are counted). */
    public static final SsrpLimits DEFAULTS = new SsrpLimits(64);

    public SsrpLimits {
        if (maxInstances < 1) {
            throw new IllegalArgumentException("ssrp limits too small");
        }
    }
}
