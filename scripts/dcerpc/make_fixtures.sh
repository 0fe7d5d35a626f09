#!/bin/sh
# Regenerates DCE/RPC test resources from captures.
#   make_fixtures.sh pcap   OUTDIR PCAP...   copies each capture and writes <name>.expected.txt (tshark_expect.py)
#   make_fixtures.sh stream OUTDIR PCAP...   writes <name>.dcerpc.txt (extract_payloads.py)
set -eu
here=$(dirname "$0")
mode=$1; out=$2; shift 2
mkdir -p "$out"
for p in "$@"; do
  n=$(basename "$p"); n=${n%.pcap}
  case $mode in
    pcap) cp "$p" "$out/$n.pcap"; python3 "$here/tshark_expect.py" "$p" > "$out/$n.expected.txt" ;;
    stream) python3 "$here/extract_payloads.py" "$p" > "$out/$n.dcerpc.txt" ;;
    *) echo "usage: $0 pcap|stream OUTDIR PCAP..." >&2; exit 2 ;;
  esac
done
