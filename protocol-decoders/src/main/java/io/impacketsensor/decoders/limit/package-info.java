/**
 * The {@link io.impacketsensor.decoders.limit.Limit} annotation the {@code XxxLimits} records of the
 * protocol packages carry; apart from the registry in {@code io.impacketsensor.decoders} so that
 * the protocol packages and the registry do not import each other. {@link
 * io.impacketsensor.decoders.limit.BoundedFifo} is the queue such a limit bounds, grown to it.
 */
package io.impacketsensor.decoders.limit;
