# The server answers again, with a certificate that verifies against the checker's own copy of
# the {{org}} root.
name={{site}}.{{domain}}
handshake() {
  out=$(timeout 8 openssl s_client -connect "$name:443" -servername "$name" -verify_hostname "$name" \
    -CAfile /etc/ssl/lab/root.crt -no-CApath -no-CAstore -verify_return_error </dev/null 2>&1) &&
    grep -q 'Verify return code: 0 (ok)' <<<"$out" && grep -q 'BEGIN CERTIFICATE' <<<"$out"
}
fl_retry 3 1 handshake && fl_pass "https://$name answers with a verified certificate"
fl_fail "https://$name fails: $(grep -m1 -E 'connect:|errno=|verify error|error:' <<<"$out")"
