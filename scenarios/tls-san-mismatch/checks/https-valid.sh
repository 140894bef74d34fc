# Each name's certificate must verify against the {{org}} root (the checker's own copy, taken at
# start) with the host name checked: no -k, no system store.
root=/etc/ssl/lab/root.crt
handshake() { # NAME: sets $out
  out=$(timeout 8 openssl s_client -connect "$1:443" -servername "$1" -verify_hostname "$1" \
    -CAfile "$root" -no-CApath -no-CAstore -verify_return_error </dev/null 2>&1) &&
    grep -q 'Verify return code: 0 (ok)' <<<"$out"
}
bad=""
for name in {{site}}.{{domain}} www.{{site}}.{{domain}} {{alias}}.{{domain}}; do
  fl_retry 3 1 handshake "$name" && continue
  why=$(grep -m1 -E 'verify error|connect:|errno=|error:' <<<"$out" | sed -E 's/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*://; s/:[.][.]\/ssl\/[^ ]*$//')
  bad="$bad $name (${why:-handshake failed})"
done
[ -z "$bad" ] || fl_fail "Certificate not accepted for:$bad"
fl_pass "{{site}}.{{domain}}, www.{{site}}.{{domain}} and {{alias}}.{{domain}} all present a certificate valid for their name"
