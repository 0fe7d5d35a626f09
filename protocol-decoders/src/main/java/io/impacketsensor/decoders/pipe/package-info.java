/**
 * The hand-over of named-pipe bytes (MS-SMB2 and MS-CIFS named pipes, e.g. {@code \PIPE\svcctl})
 * from the SMB analyzers to a consumer that decodes what they carry (DCE/RPC): interfaces only,
 * so that SMB and DCE/RPC do not import each other.
 */
package io.impacketsensor.decoders.pipe;
