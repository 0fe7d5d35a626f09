#!/usr/bin/env bash
# tshark's side of the SMB1 parity sets for one pcap, in Smb1ParityDriver's form:
#   dialects<TAB>d1,d2,... | tree<TAB>path | file<TAB>tree<TAB>name | status<TAB>0xcmd<TAB>0x%08x
#   | ntlm<TAB>domain<TAB>user<TAB>host | challenge<TAB>hex | proof<TAB>hex | rpc<TAB>opnum
# Only SMB1 ("smb", not "smb2") on TCP 445/139. A status is the NT status, or the DOS error as the
# raw 32-bit field (class | code << 16) when the response carries a DOS error. NEGOTIATE responses
# are not reported by our decoder (the request is), so they are left out here too.
set -euo pipefail
f="$1"
smb='(tcp.port==445 || tcp.port==139) && smb'
ts() { tshark -n -r "$f" -o tcp.desegment_tcp_streams:TRUE "$@" 2>/dev/null || true; }
{
  ts -Y "$smb && smb.cmd==0x72 && smb.flags.response==0" -T fields -E aggregator=',' -e smb.dialect.name \
    | awk 'NF' | sed 's/^/dialects\t/'
  ts -Y "$smb && smb.cmd==0x75 && smb.flags.response==0" -T fields -E aggregator='|' -e smb.path \
    | tr '|' '\n' | awk 'NF' | sed 's/^/tree\t/'
  ts -Y "$smb && (smb.cmd==0xa2 || smb.cmd==0x2d) && smb.flags.response==0" -T fields -E aggregator='|' \
     -e smb.path -e smb.file \
    | awk -F'\t' '{ split($1, t, "|"); split($2, n, "|"); print "file\t" t[1] "\t" n[1] }'
  ts -Y "$smb && smb.flags.response==1 && !(smb.cmd==0x72)" -T fields -E aggregator='|' \
     -e smb.cmd -e smb.nt_status -e smb.error_class -e smb.error_code \
    | awk -F'\t' 'function hex(s,  i, v) { v = 0; s = tolower(s); sub(/^0x/, "", s)
                                           for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
                                           return v }
                  { n = split($1, c, "|"); st = $2
                    if (st == "") st = sprintf("0x%08x", hex($3) + hex($4) * 65536)
                    for (i = 1; i <= n; i++) if (c[i] != "0xff") print "status\t" c[i] "\t" st }'
  ts -Y "$smb && ntlmssp.messagetype==3" -T fields -E aggregator='|' \
     -e ntlmssp.auth.domain -e ntlmssp.auth.username -e ntlmssp.auth.hostname \
    | awk -F'\t' '{ for (i = 1; i <= 3; i++) if ($i == "NULL") $i = ""; print "ntlm\t" $1 "\t" $2 "\t" $3 }' OFS='\t'
  # Logins without extended security (MS-CIFS 2.2.4.53.1): account and domain, no workstation.
  ts -Y "$smb && smb.cmd==0x73 && smb.flags.response==0 && (smb.wct==13 || smb.wct==10)" -T fields \
     -e smb.primary_domain -e smb.account \
    | awk -F'\t' '{ print "ntlm\t" $1 "\t" $2 "\t" }'
  # Server challenges: NTLMSSP CHALLENGE, or a NEGOTIATE response's Challenge when the server asks
  # for challenge/response without extended security (SecurityMode bit 1, 2.2.4.52.2).
  ts -Y "$smb && ntlmssp.messagetype==2" -T fields -E aggregator='\n' -e ntlmssp.ntlmserverchallenge \
    | awk 'NF' | sed 's/^/challenge\t/'
  ts -Y "$smb && smb.cmd==0x72 && smb.flags.response==1 && smb.sm.password==1 && !(smb.server_cap.extended_security==1)" \
     -T fields -e smb.challenge | awk 'NF' | sed 's/^/challenge\t/'
  # NTProofStr of NTLMv2 responses (in NTLMSSP, or an SMB1 UnicodePassword longer than 24 bytes).
  ts -Y "$smb && ntlmssp.ntlmv2_response.ntproofstr" -T fields -E aggregator='\n' -e ntlmssp.ntlmv2_response.ntproofstr \
    | awk 'NF' | sed 's/^/proof\t/'
  ts -Y "$smb && dcerpc.pkt_type==0" -T fields -E aggregator='|' -e dcerpc.opnum \
    | tr '|' '\n' | awk 'NF' | sed 's/^/rpc\t/'
} | LC_ALL=C sort -u
