# curl, git and Python on ws trust what ws's system CA bundle holds (read through the engine; no
# tool runs on ws). The chain the site sends must come from the {{org}} PKI (verified against the
# checker's own copy of the root, taken at start, so a CA made up on ws or web does not count)
# and must verify against ws's bundle, with the host name, as curl would.
name={{site}}.{{domain}}
bundle=$(fl_state ws /etc/ssl/certs/ca-certificates.crt)
fl_retry 3 1 fl_tls_chain "$name" || fl_fail "No TLS handshake with $name: $FL_TLS_WHY"
fl_verify_chain "$FL_ROOT" "$name" || fl_fail "$name does not send a certificate from the {{org}} PKI ($FL_VERIFY)"
[ -s "$bundle" ] || fl_fail "ws has no system CA bundle (/etc/ssl/certs/ca-certificates.crt)"
fl_verify_chain "$bundle" "$name" || fl_fail "ws's system trust store does not accept https://$name/ ($FL_VERIFY)"
page() { curl -q -sS --max-time 5 --cacert "$FL_ROOT" --capath /etc/ssl/lab "https://$name/" 2>&1 | grep -q 'site-id: {{site}}-home'; }
fl_retry 3 1 page || fl_fail "https://$name/ does not serve the {{site}} site"
fl_pass "ws's system trust store accepts https://$name/ (the {{org}} chain), so curl and Python on ws load it"
