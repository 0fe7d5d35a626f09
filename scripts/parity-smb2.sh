#!/usr/bin/env bash
# SMB2/NTLMSSP parity with tshark: for every pcap given (files or folders, searched recursively),
# compares the sets of tree paths, (tree, file name) pairs of CREATE requests, NTLM AUTHENTICATE
# (domain, user, workstation) over SMB, and (command, status) pairs of final SMB2 responses that
# our decoder emits (Smb2ParityDriver, test scope) with what tshark shows (tshark-smb2-sets.sh).
# Prints one line per capture (OK / DIFF / SKIP) and the differing lines ("-" tshark only, "+" ours only).
#
#   scripts/parity-smb2.sh ../shared/pcaps                 # compare
#   scripts/parity-smb2.sh --write-expected DIR pcap...       # write tshark's sets as DIR/<name>.sets
exec "$(dirname "$0")/parity-sets.sh" io.impacketsensor.decoders.smb2.Smb2ParityDriver tshark-smb2-sets.sh \
  "SMB2/NTLMSSP-over-SMB" "$@"
