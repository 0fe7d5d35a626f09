/**
 * Primitive-keyed and bounded collections for per-packet and per-event lookups without boxing:
 * {@link io.impacketsensor.core.collections.LongObjectMap} (a numeric id to a value, e.g. SMB
 * message, session and file ids), {@link io.impacketsensor.core.collections.LruMap} (object keys, bounded by count),
 * {@link io.impacketsensor.core.collections.LongLruMap} (long keys, bounded by count: flow ids, digests), and
 * {@link io.impacketsensor.core.collections.ReusePool} (a worker's objects of ended flows, for its next
 * ones). They depend on
 * nothing else in the project, so any decoder or the detection engine may use them.
 */
package io.impacketsensor.core.collections;
