#!/bin/sh
# Regenerates the DCE/RPC test fixtures from captures: for each pcap, <name>.dcerpc.txt (carrier
# streams, extract_payloads.py) and <name>.expected.txt (tshark's bind/op/create sets, tshark_expect.py).
# Usage: scripts/dcerpc/make_fixtures.sh OUTDIR PCAP...
set -eu
here=$(dirname "$0")
out=$1; shift
mkdir -p "$out"
for p in "$@"; do
  n=$(basename "$p"); n=${n%.pcap}; n=${n%.cap}; n=${n%.pcapng}
  python3 "$here/extract_payloads.py" "$p" > "$out/$n.dcerpc.txt"
  python3 "$here/tshark_expect.py" "$p" > "$out/$n.expected.txt"
done
