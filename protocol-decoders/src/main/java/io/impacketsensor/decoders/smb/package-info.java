/**
 * SMB over TCP: the {@link io.impacketsensor.core.flow.FlowAnalyzer} of ports 445 (Direct TCP,
 * MS-SMB2 2.1) and 139 (NetBIOS session service, RFC 1002 4.3). It owns the NBSS framing of both
 * directions (session messages gathered as far as the message's analyzer asks, the rest skipped by
 * length or streamed, session service control messages skipped, resynchronisation after a gap, the
 * gathering buffer charged to the worker's buffer budget) and hands each message, by its protocol
 * id, to the SMB1 ({@code decoders.smb1}) or SMB2/3 ({@code decoders.smb2}) analyzer of the
 * connection, both {@link io.impacketsensor.decoders.smb.spi.SmbMessageAnalyzer}s.
 */
package io.impacketsensor.decoders.smb;
