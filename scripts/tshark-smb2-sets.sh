#!/usr/bin/env bash
# tshark's side of the SMB2/NTLMSSP parity sets for one pcap, in Smb2ParityDriver's form:
#   tree<TAB>path | file<TAB>tree<TAB>name | ntlm<TAB>domain<TAB>user<TAB>host | status<TAB>cmd<TAB>0x%08x
# Only SMB on TCP 445/139 is considered (NTLMSSP in LDAP/RPC/HTTP belongs to other decoders).
# Interim async responses (STATUS_PENDING with the async flag) are not final statuses: excluded.
set -euo pipefail
f="$1"
smb='(tcp.port==445 || tcp.port==139)'
ts() { tshark -n -r "$f" -o tcp.desegment_tcp_streams:TRUE "$@" 2>/dev/null || true; }
{
  ts -Y "$smb && smb2.cmd==3 && smb2.flags.response==0" -T fields -E aggregator='|' -e smb2.tree \
    | tr '|' '\n' | awk 'NF' | sed 's/^/tree\t/'
  # One CREATE per frame in practice; a compound's generated [File] fields repeat the same name.
  ts -Y "$smb && smb2.cmd==5 && smb2.flags.response==0" -T fields -E aggregator='|' -e smb2.tree -e smb2.filename \
    | awk -F'\t' '{ split($1, t, "|"); n = split($2, fn, "|"); if (n == 0) { fn[1] = ""; n = 1 }
                    for (i = 1; i <= n; i++) print "file\t" t[1] "\t" fn[i] }'
  ts -Y "$smb && ntlmssp.messagetype==3" -T fields -E aggregator='|' \
     -e ntlmssp.auth.domain -e ntlmssp.auth.username -e ntlmssp.auth.hostname \
    | awk -F'\t' '{ for (i = 1; i <= 3; i++) if ($i == "NULL") $i = ""; print "ntlm\t" $1 "\t" $2 "\t" $3 }' OFS='\t'
  ts -Y "$smb && smb2.flags.response==1" -T fields -E aggregator='|' -e smb2.cmd -e smb2.nt_status -e smb2.flags.async \
    | awk -F'\t' '{ n = split($1, c, "|"); split($2, s, "|"); split($3, a, "|");
                    for (i = 1; i <= n; i++) if (!(s[i] == "0x00000103" && (a[i] == "1" || a[i] == "True"))) print "status\t" c[i] "\t" s[i] }'
} | LC_ALL=C sort -u
