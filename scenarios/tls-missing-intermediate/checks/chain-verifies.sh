# The chain the server sends must verify against the {{org}} ROOT only (the checker's own copy,
# taken at start): no intermediate on the client side, no -k, no system store.
root=/etc/ssl/lab/root.crt
name={{site}}.{{domain}}
handshake() {
  out=$(timeout 8 openssl s_client -connect "$name:443" -servername "$name" -verify_hostname "$name" \
    -CAfile "$root" -no-CApath -no-CAstore -verify_return_error -showcerts </dev/null 2>&1) &&
    grep -q 'Verify return code: 0 (ok)' <<<"$out"
}
fl_retry 3 1 handshake && fl_pass "$name sends a chain of $(grep -c 'BEGIN CERTIFICATE' <<<"$out") certificate(s) that verifies against the {{org}} root"
n=$(grep -c 'BEGIN CERTIFICATE' <<<"$out")
why=$(grep -m1 -E 'verify error|connect:|errno=|error:' <<<"$out" | sed -E 's/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*://; s/:[.][.]\/ssl\/[^ ]*$//')
fl_fail "$name does not verify against the {{org}} root (${why:-handshake failed}; server sent $n certificate(s))"
