# Rebuild ws's CA bundle from its sources, as update-ca-certificates does (the certificates enabled
# in /etc/ca-certificates.conf plus every *.crt under /usr/local/share/ca-certificates), from copies
# read through the engine, and verify the site's chain against it. A root appended to the bundle by
# hand vanishes at the next package update; only trust that survives a rebuild passes. The chain
# must also come from the {{org}} PKI (the checker's own copy of the root, taken at start).
name={{site}}.{{domain}}
conf=$(fl_state ws /etc/ca-certificates.conf)
shared=$(fl_state ws /usr/share/ca-certificates)
local=$(fl_state ws /usr/local/share/ca-certificates)
rebuilt=$(mktemp) chain=$(mktemp) leaf=$(mktemp)
trap 'rm -f "$rebuilt" "$chain" "$leaf"' EXIT
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
handshake() {
  out=$(timeout 8 openssl s_client -connect "$name:443" -servername "$name" -showcerts </dev/null 2>&1) &&
    grep -q 'BEGIN CERTIFICATE' <<<"$out"
}
fl_retry 3 1 handshake || fl_fail "No TLS handshake with $name: $(grep -m1 -E 'connect:|errno=|error:' <<<"$out")"
awk '/BEGIN CERT/ { p = 1 } p { print } /END CERT/ { p = 0 }' <<<"$out" >"$chain"
awk '/BEGIN CERT/ { p = 1 } p { print } /END CERT/ { exit }' <<<"$out" >"$leaf"
verify() { # CA_FILE: the verdict line of openssl verify
  openssl verify -no-CApath -no-CAstore -CAfile "$1" -untrusted "$chain" -purpose sslserver -verify_hostname "$name" "$leaf" 2>&1 |
    grep -m1 -E '^error|: OK$' | sed -E 's/^error [0-9]+ at [0-9]+ depth lookup: //'
}
why=$(verify /etc/ssl/lab/root.crt)
[ "${why%: OK}" != "$why" ] || fl_fail "$name does not send a certificate from the {{org}} PKI ($why)"
why=$(verify "$rebuilt")
[ "${why%: OK}" != "$why" ] || fl_fail "After an update-ca-certificates rebuild ws would not trust $name ($why)"
fl_pass "The {{org}} root is installed in the trust-store sources; a rebuild keeps trusting $name"
