package io.impacketsensor.detection.engine;

import io.impacketsensor.core.event.EventHeader;
import io.impacketsensor.detection.model.Analysis;

/**
 * An alert as handed to the alert sinks: a new attack instance or an update of one (the same
 * {@code instanceId}, a higher {@code revision}).
 *
 * @param header   header of the event that raised or updated it (its flow, ports and time)
 * @param appProto EVE app_proto of that event (smb, dcerpc, krb5, ldap, ntlm, ...)
 * @param analysis the instance's state after this event
 * @param revision 1 for a new instance, then 2, 3 ... for each update that added something
 * @param firstSeenNanos when the instance started
 * @param eventCount events that contributed to the instance so far
 */
public record Alert(EventHeader header, String appProto, Analysis analysis, int revision, long firstSeenNanos,
                    long eventCount) {
}
