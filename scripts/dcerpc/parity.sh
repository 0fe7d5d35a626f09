#!/bin/sh
# DCE/RPC parity with tshark over every capture in the given folders (recursively): for each
# capture in which tshark sees DCE/RPC, compares tshark's bind / (interface, opnum) / CreateServiceW
# sets (tshark_expect.py) with ours (the real packet path + decoders, DcerpcFolderParity) and prints
# per-capture mismatches ("-" only tshark, "+" only ours) and a summary.
# Usage: scripts/dcerpc/parity.sh DIR... [> report.txt]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
list="$work/list.tsv"
: > "$list"
i=0
find "$@" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort | while read -r p; do
  i=$((i + 1))
  e="$work/$i.expected.txt"
  python3 "$here/tshark_expect.py" "$p" > "$e" 2>/dev/null || continue
  if [ -s "$e" ]; then printf "%s\t%s\n" "$p" "$e" >> "$list"; fi
done
cd "$root"
mvn -q -o -B -pl protocol-decoders -am test -Dtest=DcerpcFolderParity -Dsurefire.failIfNoSpecifiedTests=false \
  -Ddcerpc.parity.list="$list" -Ddcerpc.parity.report="$work/report.txt" >/dev/null 2>&1 || true
cat "$work/report.txt"
