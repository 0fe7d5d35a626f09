#!/usr/bin/env bash
# SMB1 (MS-CIFS) parity with tshark: for every pcap given (files or folders, searched recursively),
# compares the sets of NEGOTIATE dialect lists, tree paths, (tree, file name) pairs of NT_CREATE_ANDX
# and OPEN_ANDX requests, (command, status) pairs of final SMB1 responses, and on connections that
# used SMB1 for them, NTLM AUTHENTICATE (domain, user, workstation) and DCE/RPC request opnums on
# named pipes, between our decoder (Smb1ParityDriver, test scope) and tshark (tshark-smb1-sets.sh).
# Prints one line per capture (OK / DIFF / SKIP) and the differing lines ("-" tshark only, "+" ours only).
#
#   scripts/parity-smb1.sh ../shared/pcaps                 # compare
#   scripts/parity-smb1.sh --write-expected DIR pcap...       # write tshark's sets as DIR/<name>.sets
exec "$(dirname "$0")/parity-sets.sh" io.impacketsensor.decoders.smb1.Smb1ParityDriver tshark-smb1-sets.sh \
  "SMB1" "$@"
