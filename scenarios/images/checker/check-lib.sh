# Sourced before every check script on the checker. A check passes with exit 0; its first output
# line is the message people see. Keep scripts short: retry, compare, say what was seen.

# fl_pass MESSAGE / fl_fail MESSAGE: print the verdict line and end the check.
fl_pass() { printf '%s\n' "$*"; exit 0; }
fl_fail() { printf '%s\n' "$*"; exit 1; }

# fl_retry TRIES DELAY COMMAND...: run COMMAND until it succeeds, at most TRIES times.
fl_retry() {
  local tries=$1 delay=$2 i
  shift 2
  for ((i = 1; i <= tries; i++)); do
    "$@" && return 0
    ((i < tries)) && sleep "$delay"
  done
  return 1
}

# fl_state HOST PATH: where the engine's copy of HOST's file PATH is (declared under `reads`).
# The file is absent when HOST has no regular file there.
fl_state() { printf '%s/%s%s' "$FL_STATE" "$1" "$2"; }

# fl_processes HOST: HOST's process list as the engine reports it ("PID USER COMMAND" lines).
fl_processes() { cat "$FL_STATE/$1/processes"; }

PROOF_KEY=/etc/faultline/proof.key

# fl_app URL [CURL ARGS...]: GET URL with a fresh challenge and print the body. Succeeds only when
# the lab app itself answered: its reply carries the challenge signed with this environment's key,
# which a static response, a cached page or another server cannot give.
fl_app() {
  local url=$1 challenge headers status line proof="" want
  shift
  printf -v challenge '%08x%08x%08x%08x' "$SRANDOM" "$SRANDOM" "$SRANDOM" "$SRANDOM"
  headers=/tmp/fl-app-headers.$BASHPID.$RANDOM
  curl -q -sS --max-time 5 -D "$headers" -H "X-Faultline-Challenge: $challenge" "$@" "$url" 2>&1
  status=$?
  if [ -f "$headers" ]; then
    while IFS= read -r line; do
      line=${line%$'\r'}
      # Each hop of a redirect starts a new header block: only the last answer's proof counts.
      [[ $line == HTTP/* ]] && proof=""
      [[ ${line,,} == x-faultline-proof:* ]] && proof=${line#*: }
    done <"$headers"
    rm -f "$headers"
  fi
  [ "$status" -eq 0 ] && [ -n "$proof" ] || return 1
  want=$(printf '%s' "$challenge" | openssl dgst -sha256 -hmac "$(<"$PROOF_KEY")" -r)
  [ "$proof" = "${want%% *}" ]
}

# fl_page URL [CURL ARGS...]: fl_app with the HTTP status split off. Sets FL_BODY, FL_CODE (000
# without an answer) and FL_PROVEN (0 when the lab app itself answered). Succeeds when the lab app
# answered 200; what the body must hold is the caller's to check.
fl_page() {
  local out
  out=$(fl_app "$@" -w '\n%{http_code}')
  FL_PROVEN=$?
  FL_CODE=${out##*$'\n'}
  FL_BODY=${out%$'\n'*}
  [ "$FL_PROVEN" = 0 ] && [ "$FL_CODE" = 200 ]
}

# The checker's own copy of the lab root, copied in setup before anyone has a shell.
FL_ROOT=/etc/ssl/lab/root.crt

# fl_tls NAME [S_CLIENT ARGS...]: a TLS handshake with NAME:443 as a careful client makes it: SNI
# and host name checked, FL_ROOT the only trust anchor. Succeeds when the chain verifies. Sets
# FL_TLS (openssl's output: certificate, protocol, cipher) and FL_TLS_WHY (the reason, or empty).
fl_tls() {
  local name=$1
  shift
  FL_TLS_WHY=""
  FL_TLS=$(timeout 8 openssl s_client -connect "$name:443" -servername "$name" -verify_hostname "$name" \
    -CAfile "$FL_ROOT" -no-CApath -no-CAstore -verify_return_error "$@" </dev/null 2>&1) &&
    grep -q 'Verify return code: 0 (ok)' <<<"$FL_TLS" && return 0
  fl_tls_reason
  return 1
}

# fl_tls_chain NAME: an unverified handshake with NAME:443 (SNI set) that keeps every certificate
# the server sends, for fl_verify_chain to judge. Sets FL_TLS and FL_TLS_WHY as fl_tls does.
fl_tls_chain() {
  FL_TLS_WHY=""
  FL_TLS=$(timeout 8 openssl s_client -connect "$1:443" -servername "$1" -showcerts </dev/null 2>&1) &&
    grep -q 'BEGIN CERTIFICATE' <<<"$FL_TLS" && return 0
  fl_tls_reason
  return 1
}

# fl_tls_reason: the first line of FL_TLS that says why, without OpenSSL's error-code prefix.
fl_tls_reason() {
  FL_TLS_WHY=$(grep -m1 -E 'verify error|connect:|errno=|error:' <<<"$FL_TLS" |
    sed -E 's/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*://; s/:[.][.]\/ssl\/[^ ]*$//')
}

# fl_verify_chain CA_FILE NAME: does the chain of the last fl_tls_chain (leaf first, the rest only
# as untrusted intermediates) verify for server NAME against CA_FILE alone? Sets FL_VERIFY to
# openssl's verdict ("...: OK" or the reason).
fl_verify_chain() {
  local chain leaf
  chain=$(mktemp) leaf=$(mktemp)
  awk '/BEGIN CERT/ { p = 1 } p { print } /END CERT/ { p = 0 }' <<<"$FL_TLS" >"$chain"
  awk '/BEGIN CERT/ { p = 1 } p { print } /END CERT/ { exit }' <<<"$FL_TLS" >"$leaf"
  FL_VERIFY=$(openssl verify -no-CApath -no-CAstore -CAfile "$1" -untrusted "$chain" -purpose sslserver \
    -verify_hostname "$2" "$leaf" 2>&1 | grep -m1 -E '^error|: OK$' | sed -E 's/^error [0-9]+ at [0-9]+ depth lookup: //')
  rm -f "$chain" "$leaf"
  [ "${FL_VERIFY%: OK}" != "$FL_VERIFY" ]
}

# fl_tls_clients URL TEXT: GET URL with curl and with Python's ssl module (two TLS stacks, default
# settings, FL_ROOT the only trust anchor). Succeeds when both bodies hold TEXT. Sets FL_CURL and
# FL_PYTHON (what each printed, errors included).
fl_tls_clients() {
  FL_CURL=$(curl -q -sS --max-time 5 --cacert "$FL_ROOT" --capath /etc/ssl/lab "$1" 2>&1)
  FL_PYTHON=$(python3 - "$1" "$FL_ROOT" 2>&1 <<'PY'
import ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile=sys.argv[2])
print(urllib.request.urlopen(sys.argv[1], context=ctx, timeout=5).read().decode())
PY
)
  grep -qF -- "$2" <<<"$FL_CURL" && grep -qF -- "$2" <<<"$FL_PYTHON"
}

# fl_nameservers CONF: the nameservers glibc takes from the resolv.conf CONF, one a line: at most
# three, in order; a keyword counts only at the start of a line, the address ends at a blank or a
# comment.
fl_nameservers() {
  awk '/^nameserver[ \t]/ { a = $2; sub(/[;#].*/, "", a); if ((a ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/ || a ~ /:/) && n++ < 3) print a }' "$1"
}

# fl_resolve_via SERVERS NAME: NAME's A record as glibc gets it from SERVERS (fl_nameservers'
# lines): the first server that decides (NOERROR, NXDOMAIN) answers; SERVFAIL, REFUSED or silence
# send it on to the next. Loopback and IPv6 servers are skipped: the lab has DNS only at ns over
# IPv4. Sets FL_SERVER (the one that decided) and FL_ADDR; fails without an address.
fl_resolve_via() {
  local s out
  FL_SERVER="" FL_ADDR=""
  for s in $1; do
    case $s in 127.* | *:*) continue ;; esac
    # Two packets, so one lost on a busy machine does not count as a dead server.
    out=$(dig +time=1 +tries=2 @"$s" "$2" A 2>&1)
    grep -Eq 'status: (NOERROR|NXDOMAIN)' <<<"$out" || continue
    FL_SERVER=$s
    FL_ADDR=$(grep -v '^;' <<<"$out" | awk '$4 == "A" { print $5 }' | tail -n1)
    break
  done
  [ -n "$FL_ADDR" ]
}

# fl_ask SERVER NAME: one A query for NAME straight to SERVER (one packet, two seconds). Sets
# FL_STATUS ("status: NOERROR", "status: NXDOMAIN"...; empty without an answer) and FL_ADDR (the
# last A record, or empty).
fl_ask() {
  local out
  out=$(dig +time=2 +tries=1 @"$1" "$2" A 2>&1)
  FL_STATUS=$(grep -o 'status: [A-Z]*' <<<"$out" | head -n1)
  FL_ADDR=$(grep -v '^;' <<<"$out" | awk '$4 == "A" { print $5 }' | tail -n1)
}

# fl_upload URL BYTES: POST BYTES bytes (a PDF scan) to URL through fl_page. Succeeds only when the
# lab app itself answered 200 and counted every byte. Sets FL_CODE (the HTTP status).
fl_upload() {
  local scan
  scan=$(mktemp)
  head -c "$2" /dev/zero >"$scan"
  fl_page "$1" --max-time 15 -H 'Content-Type: application/pdf' --data-binary @"$scan"
  local sent=$?
  rm -f "$scan"
  [ "$sent" = 0 ] && grep -q "\"received\": $2" <<<"$FL_BODY"
}

# State copies of earlier rounds of this check (the runtime puts each round's in a fresh folder).
if [ -n "${FL_STATE:-}" ]; then
  find "${FL_STATE%/*}" -mindepth 1 -maxdepth 1 -mmin +2 -exec rm -rf -- {} + 2>/dev/null
fi
