# The server answers again, with a certificate that verifies against the checker's own copy of
# the {{org}} root.
name={{site}}.{{domain}}
handshake() { fl_tls "$name" && grep -q 'BEGIN CERTIFICATE' <<<"$FL_TLS"; }
fl_retry 3 1 handshake && fl_pass "https://$name answers with a verified certificate"
fl_fail "https://$name fails: $FL_TLS_WHY"
