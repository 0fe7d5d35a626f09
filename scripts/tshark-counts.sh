#!/usr/bin/env bash
# Prints "file<TAB>packets<TAB>tcp_conversations<TAB>udp_conversations" for each capture given,
# as capinfos and tshark count them (capinfos -c; rows of tshark -q -z conv,tcp / conv,udp).
# Used by parity-expected.sh and parity-check.sh.
set -euo pipefail
for f in "$@"; do
    packets=$(capinfos -c -M "$f" 2>/dev/null | awk -F': *' '/Number of packets/ {print $2}' || true)
    convs=$(tshark -r "$f" -q -z conv,tcp -z conv,udp 2>/dev/null \
        | awk '/^TCP Conversations/ {s="tcp"} /^UDP Conversations/ {s="udp"} /<->/ {n[s]++} END {printf "%d\t%d", n["tcp"], n["udp"]}' || true)
    printf '%s\t%s\t%s\n' "$f" "${packets:-error}" "$convs"
done
