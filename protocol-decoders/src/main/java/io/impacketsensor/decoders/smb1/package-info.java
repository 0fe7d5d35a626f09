/**
 * SMB1 / CIFS (MS-CIFS, with the MS-SMB extensions) on the connections {@code decoders.smb} frames
 * (NetBIOS session service on 139, Direct TCP on 445: it hands every {@code FF 'SMB'} message to
 * {@link io.impacketsensor.decoders.smb1.Smb1Analyzer}, so a Windows client that opens with an SMB1
 * NEGOTIATE and continues in SMB2 stays one flow).
 *
 * <p>Implemented: the header (MS-CIFS 2.2.3.1; NTSTATUS or DOS error codes kept raw), command
 * blocks and AndX chains (2.2.3.2, 2.2.3.4), PID/MID request-response pairing (3.2.5.1),
 * NEGOTIATE dialect strings (2.2.4.52.1), SESSION_SETUP_ANDX (2.2.4.53; extended-security blobs of
 * MS-SMB 2.2.4.6 to the shared SPNEGO/NTLMSSP/Kerberos token decoder; without extended security the
 * NEGOTIATE response's challenge (2.2.4.52.2) and the LM/NTLM responses become NTLM events in
 * {@code Smb1Logon}, all with carrier SMB1), TREE_CONNECT_ANDX
 * (2.2.4.55), NT_CREATE_ANDX (2.2.4.64, MS-SMB 2.2.4.9) and OPEN_ANDX (2.2.4.41) with the FID table,
 * READ_ANDX / WRITE_ANDX (2.2.4.42, 2.2.4.43; file data skipped by length, pipe data to the
 * {@link io.impacketsensor.decoders.pipe.PipeConsumer}), TRANSACTION / TRANSACTION_SECONDARY with
 * TRANS_TRANSACT_NMPIPE (2.2.4.33, 2.2.4.34, 2.2.5.6), CLOSE, TREE_DISCONNECT, LOGOFF_ANDX. Every
 * other command is reported by code and status. Events are the {@code SmbEvent} records SMB2
 * uses too, with the SMB1 command in {@code smb1Command}.
 */
package io.impacketsensor.decoders.smb1;
