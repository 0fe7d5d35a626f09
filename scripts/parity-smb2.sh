#!/usr/bin/env bash
# SMB2/NTLMSSP parity with tshark: for every pcap given (files or folders, searched recursively),
# compares the sets of tree paths, (tree, file name) pairs of CREATE requests, NTLM AUTHENTICATE
# (domain, user, workstation) over SMB, and (command, status) pairs of final SMB2 responses that
# our decoder emits (Smb2ParityDriver, test scope) with what tshark shows (tshark-smb2-sets.sh).
# Prints one line per capture (OK / DIFF / SKIP) and the differing lines ("-" tshark only, "+" ours only).
#
#   scripts/parity-smb2.sh /work/shared/pcaps                 # compare
#   scripts/parity-smb2.sh --write-expected DIR pcap...       # write tshark's sets as DIR/<name>.sets
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
write=""
if [[ "${1:-}" == "--write-expected" ]]; then write="$2"; shift 2; mkdir -p "$write"; fi
mapfile -t files < <(for a in "$@"; do if [[ -d "$a" ]]; then find "$a" -type f \( -name '*.pcap' -o -name '*.cap' -o -name '*.pcapng' \); else echo "$a"; fi; done | LC_ALL=C sort)
if [[ -n "$write" ]]; then
  for f in "${files[@]}"; do "$root/scripts/tshark-smb2-sets.sh" "$f" > "$write/$(basename "$f").sets"; done
  exit 0
fi
cp="$root/protocol-decoders/target/classes:$root/protocol-decoders/target/test-classes:$root/sensor-core/target/classes"
if [[ ! -f "$root/protocol-decoders/target/test-classes/io/impacketsensor/decoders/smb2/Smb2ParityDriver.class" ]]; then
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
java -cp "$cp" io.impacketsensor.decoders.smb2.Smb2ParityDriver "${ours_in[@]}" > "$tmp/ours.all"
ok=0; diff_n=0; skip=0
for i in "${!files[@]}"; do
  f="${files[$i]}"
  "$root/scripts/tshark-smb2-sets.sh" "$f" > "$tmp/theirs"
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
echo "parity: $ok equal, $diff_n differ, $skip without SMB2/NTLMSSP-over-SMB or unreadable"
