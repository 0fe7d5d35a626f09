#!/usr/bin/env bash
# Set parity with tshark, shared by parity-smb1.sh and parity-smb2.sh:
#   parity-sets.sh DRIVER_CLASS TSHARK_SETS_SCRIPT WHAT [--write-expected DIR] pcap|dir...
# DRIVER_CLASS (test scope, a main printing "# <file>" then its set lines) gives our side,
# scripts/TSHARK_SETS_SCRIPT tshark's. Prints one line per capture (OK / DIFF / SKIP) and the
# differing lines ("-" tshark only, "+" ours only).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
driver="$1"; sets="$2"; what="$3"; shift 3
class_file="$root/protocol-decoders/target/test-classes/${driver//.//}.class"
write=""
if [[ "${1:-}" == "--write-expected" ]]; then write="$2"; shift 2; mkdir -p "$write"; fi
mapfile -t files < <(for a in "$@"; do if [[ -d "$a" ]]; then find "$a" -type f \( -name '*.pcap' -o -name '*.cap' -o -name '*.pcapng' \); else echo "$a"; fi; done | LC_ALL=C sort)
if [[ -n "$write" ]]; then
  for f in "${files[@]}"; do "$root/scripts/$sets" "$f" > "$write/$(basename "$f").sets"; done
  exit 0
fi
cp="$root/protocol-decoders/target/classes:$root/protocol-decoders/target/test-classes:$root/sensor-core/target/classes"
if [[ ! -f "$class_file" ]]; then
  (cd "$root" && mvn -q -B -o -pl protocol-decoders -am test-compile >/dev/null)
fi
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
# The test-scope driver reads classic pcap only: pcapng files are converted with editcap first.
ours_in=()
for f in "${files[@]}"; do
  if [[ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' ')" == "0a0d0d0a" ]]; then
    conv="$tmp/conv${#ours_in[@]}.pcap"
    if editcap -F pcap "$f" "$conv" 2>/dev/null; then ours_in+=("$conv"); continue; fi
  fi
  ours_in+=("$f")
done
java -cp "$cp" "$driver" "${ours_in[@]}" > "$tmp/ours.all"
ok=0; diff_n=0; skip=0
for i in "${!files[@]}"; do
  f="${files[$i]}"
  "$root/scripts/$sets" "$f" > "$tmp/theirs"
  awk -v f="# ${ours_in[$i]}" '$0 == f { on = 1; next } /^# / { on = 0 } on' "$tmp/ours.all" | LC_ALL=C sort -u > "$tmp/ours"
  if grep -q '^! ' "$tmp/ours"; then echo "SKIP $f ($(grep '^! ' "$tmp/ours" | head -1))"; skip=$((skip+1)); continue; fi
  if [[ ! -s "$tmp/theirs" && ! -s "$tmp/ours" ]]; then skip=$((skip+1)); continue; fi
  if cmp -s "$tmp/ours" "$tmp/theirs"; then
    echo "OK   $f ($(wc -l < "$tmp/ours") lines)"; ok=$((ok+1))
  else
    echo "DIFF $f"; diff_n=$((diff_n+1))
    LC_ALL=C comm -23 "$tmp/theirs" "$tmp/ours" | sed 's/^/   - /'
    LC_ALL=C comm -13 "$tmp/theirs" "$tmp/ours" | sed 's/^/   + /'
  fi
done
echo "parity: $ok equal, $diff_n differ, $skip without $what or unreadable"
