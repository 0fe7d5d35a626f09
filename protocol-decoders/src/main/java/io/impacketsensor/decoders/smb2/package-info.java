/**
 * SMB2/3 (MS-SMB2) messages, framed by {@code decoders.smb}: sync and async headers (2.2.1),
 * compounds (3.2.4.1.4), MessageId pairing, NEGOTIATE with 3.1.1 contexts (2.2.3, 2.2.4),
 * SESSION_SETUP (2.2.5, 2.2.6; tokens to the shared token decoder), LOGOFF, TREE_CONNECT/DISCONNECT
 * (2.2.9, 2.2.10), CREATE (2.2.13, 2.2.14), CLOSE, READ/WRITE (2.2.19-2.2.21; bulk data skipped by
 * length, pipe data streamed), IOCTL (2.2.31, FSCTL_PIPE_TRANSCEIVE to the pipe consumer),
 * QUERY_DIRECTORY (2.2.33), SET_INFO rename and disposition (2.2.39, MS-FSCC 2.4.11/2.4.12/2.4.42),
 * and the TRANSFORM (2.2.41) and compression (2.2.42) headers, recorded as "encrypted, not inspected".
 */
package io.impacketsensor.decoders.smb2;
