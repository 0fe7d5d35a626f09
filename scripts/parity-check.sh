#!/usr/bin/env bash
# Replays every capture under a folder (default ../shared/pcaps) through our reader and
# PacketProcessor and compares, per capture, the packet count with capinfos and the TCP and UDP
# flow counts with tshark's conversation tables. Prints one line per mismatch and a summary.
#   scripts/parity-check.sh [DIR] [--cached]   (--cached reuses the tshark counts of the last run)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-../shared/pcaps}
cached=${2:-}
cd "$here"
if [ ! -d sensor-core/target/test-classes ] || [ ! -d sensor-core/target/classes ]; then
    mvn -q -B -o -pl sensor-core -am test-compile >/dev/null
fi
cp=$(cat sensor-core/target/parity.classpath 2>/dev/null || true)
if [ -z "$cp" ]; then
    mvn -q -B -o -pl sensor-core dependency:build-classpath -Dmdep.outputFile=target/parity.classpath >/dev/null
    cp=$(cat sensor-core/target/parity.classpath)
fi
mapfile -t files < <(find "$dir" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | LC_ALL=C sort)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
saved=sensor-core/target/parity-tshark.tsv
if [ "$cached" = "--cached" ] && [ -s "$saved" ]; then
    cp "$saved" "$tmp/tshark.tsv"
else
    "$here/scripts/tshark-counts.sh" "${files[@]}" > "$tmp/tshark.tsv"
    cp "$tmp/tshark.tsv" "$saved"
fi
java -cp "sensor-core/target/classes:sensor-core/target/test-classes:$cp" \
    io.impacketsensor.core.flow.ParityCount "${files[@]}" > "$tmp/ours.tsv" 2>"$tmp/ours.err"
join -t $'\t' <(sort "$tmp/tshark.tsv") <(sort "$tmp/ours.tsv") | awk -F'\t' '
    { n++; bad = "" ;
      if ($2 != $5) { bad = bad sprintf(" packets %s/%s", $5, $2); pk++ }
      if ($3 != $6) { bad = bad sprintf(" tcp %s/%s", $6, $3); tc++ }
      if ($4 != $7) { bad = bad sprintf(" udp %s/%s", $7, $4); ud++ }
      if (bad != "") { m++; print "MISMATCH " $1 " (ours/tshark):" bad } }
    END { printf "captures %d, all equal %d, mismatching %d (packets %d, tcp %d, udp %d)\n", n, n - m, m, pk, tc, ud }'
