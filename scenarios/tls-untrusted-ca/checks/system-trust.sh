# curl, git and Python on ws trust what ws's system CA bundle holds (read through the engine; no
# tool runs on ws). The chain the site sends must come from the {{org}} PKI (verified against the
# checker's own copy of the root, taken at start, so a CA made up on ws or web does not count)
# and must verify against ws's bundle, with the host name, as curl would.
name={{site}}.{{domain}}
bundle=$(fl_state ws /etc/ssl/certs/ca-certificates.crt)
handshake() {
  out=$(timeout 8 openssl s_client -connect "$name:443" -servername "$name" -showcerts </dev/null 2>&1) &&
    grep -q 'BEGIN CERTIFICATE' <<<"$out"
}
fl_retry 3 1 handshake || fl_fail "No TLS handshake with $name: $(grep -m1 -E 'connect:|errno=|error:' <<<"$out")"
chain=$(mktemp) leaf=$(mktemp)
trap 'rm -f "$chain" "$leaf"' EXIT
awk '/BEGIN CERT/ { p = 1 } p { print } /END CERT/ { p = 0 }' <<<"$out" >"$chain"
awk '/BEGIN CERT/ { p = 1 } p { print } /END CERT/ { exit }' <<<"$out" >"$leaf"
verify() { # CA_FILE: the verdict line of openssl verify
  openssl verify -no-CApath -no-CAstore -CAfile "$1" -untrusted "$chain" -purpose sslserver -verify_hostname "$name" "$leaf" 2>&1 |
    grep -m1 -E '^error|: OK$' | sed -E 's/^error [0-9]+ at [0-9]+ depth lookup: //'
}
why=$(verify /etc/ssl/lab/root.crt)
[ "${why%: OK}" != "$why" ] || fl_fail "$name does not send a certificate from the {{org}} PKI ($why)"
[ -s "$bundle" ] || fl_fail "ws has no system CA bundle (/etc/ssl/certs/ca-certificates.crt)"
why=$(verify "$bundle")
[ "${why%: OK}" != "$why" ] || fl_fail "ws's system trust store does not accept https://$name/ ($why)"
page() { curl -q -sS --max-time 5 --cacert /etc/ssl/lab/root.crt --capath /etc/ssl/lab "https://$name/" 2>&1 | grep -q 'site-id: {{site}}-home'; }
fl_retry 3 1 page || fl_fail "https://$name/ does not serve the {{site}} site"
fl_pass "ws's system trust store accepts https://$name/ (the {{org}} chain), so curl and Python on ws load it"
