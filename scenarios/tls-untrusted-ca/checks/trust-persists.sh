# Rebuild ws's CA bundle from its sources, as update-ca-certificates does (the certificates enabled
# in /etc/ca-certificates.conf plus every *.crt under /usr/local/share/ca-certificates), from copies
# read through the engine, and verify the site's chain against it. A root appended to the bundle by
# hand vanishes at the next package update; only trust that survives a rebuild passes. The chain
# must also come from the {{org}} PKI (the checker's own copy of the root, taken at start).
name={{site}}.{{domain}}
conf=$(fl_state ws /etc/ca-certificates.conf)
shared=$(fl_state ws /usr/share/ca-certificates)
local=$(fl_state ws /usr/local/share/ca-certificates)
rebuilt=$(mktemp)
trap 'rm -f "$rebuilt"' EXIT
sources=()
if [ -f "$conf" ]; then
  while IFS= read -r c; do
    # a ".." entry would read the checker's own files, not ws's
    case "$c" in '' | '#'* | '!'* | .. | ../* | */.. | */../*) continue ;; esac
    [ -f "$shared/$c" ] && sources+=("$shared/$c")
  done <"$conf"
fi
if [ -d "$local" ]; then
  while IFS= read -r c; do sources+=("$c"); done < <(find "$local" -type f -name '*.crt' | sort)
fi
# one process for them all (awk ends each file's last line, as the tool does)
[ ${#sources[@]} -eq 0 ] || awk '{ print }' "${sources[@]}" >"$rebuilt"
fl_retry 3 1 fl_tls_chain "$name" || fl_fail "No TLS handshake with $name: $FL_TLS_WHY"
fl_verify_chain "$FL_ROOT" "$name" || fl_fail "$name does not send a certificate from the {{org}} PKI ($FL_VERIFY)"
fl_verify_chain "$rebuilt" "$name" || fl_fail "After an update-ca-certificates rebuild ws would not trust $name ($FL_VERIFY)"
fl_pass "The {{org}} root is installed in the trust-store sources; a rebuild keeps trusting $name"
