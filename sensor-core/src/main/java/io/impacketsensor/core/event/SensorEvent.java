package io.impacketsensor.core.event;

/**
 * One protocol action seen on the wire: the only contract between the decoders and the detection
 * engine. Records are grouped by protocol family; each family is a sealed interface holding its
 * records, so adding a record to a family touches one file.
 *
 * <p>Wire codes (commands, opnums, etypes, NTSTATUS, flags) stay raw ints; names are looked up at
 * output time. Strings are materialised only here, when the event is created.
 */
public sealed interface SensorEvent
        permits SmbEvent, NtlmEvent, DcerpcEvent, KerberosEvent, LdapEvent, HttpEvent, MssqlEvent, DnsEvent, RdpEvent,
        SsrpEvent, ProtocolAnomaly {

    /** Status value for a request whose response was not seen (the stream ended or had a gap). */
    long NO_STATUS = -1L;

    /** The common header. */
    EventHeader header();
}
