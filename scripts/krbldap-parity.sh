#!/usr/bin/env bash
# Kerberos/LDAP parity with tshark over a folder of captures (default: the shared captures).
# For every capture in which tshark sees Kerberos (port 88), LDAP or CLDAP, writes tshark's sets
# (scripts/krbldap-parity-expected.py) into a work folder, replays the capture through our
# decoders (KrbLdapParityTest folder mode) and prints per-capture PARITY / MISMATCH lines with
# the differing lines, then a summary. The report is also left in WORK/parity-report.txt.
#
# Usage: scripts/krbldap-parity.sh [PCAP_DIR] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
src="$(cd "${1:-../shared/pcaps}" && pwd)"
work="${2:-$(mktemp -d /tmp/krbldap-parity.XXXXXX)}"
mkdir -p "$work"
find "$src" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort | while read -r f; do
  rel="${f#"$src"/}"
  if [ -n "$(tshark -n -r "$f" -Y 'kerberos || ldap || cldap' 2>/dev/null | head -1)" ]; then
    mkdir -p "$work/$(dirname "$rel")"
    python3 scripts/krbldap-parity-expected.py "$f" "$rel" > "$work/$rel.expected"
  fi
done
mvn -q -B -o -pl protocol-decoders -am test -Dtest=KrbLdapParityTest#folderMode \
    -Dsurefire.failIfNoSpecifiedTests=false -Dparity.pcaps="$src" -Dparity.expected="$work" >/dev/null 2>&1 || true
cat "$work/parity-report.txt"
