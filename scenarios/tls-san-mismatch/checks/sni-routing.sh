# Every name on the shared address gets its own site's certificate (verified against the checker's
# own copy of the {{org}} root) and its own content.
serves() { # NAME MARKER
  fl_tls "$1" &&
    curl -q -sS --max-time 5 --cacert "$FL_ROOT" --capath /etc/ssl/lab "https://$1/" 2>/dev/null | grep -q "site-id: $2"
}
for pair in {{alias}}.{{domain}}:{{site}}-home {{site}}.{{domain}}:{{site}}-home {{other}}.{{domain}}:{{other}}-home; do
  name=${pair%%:*}
  fl_retry 3 1 serves "$name" "${pair#*:}" && continue
  subj=$(openssl x509 -noout -subject <<<"$FL_TLS" 2>/dev/null)
  fl_fail "https://$name/ is not served by its own site (server certificate ${subj:-none}; $FL_TLS_WHY)"
done
fl_pass "{{site}}.{{domain}}, {{alias}}.{{domain}} and {{other}}.{{domain}} each get their own certificate and site"
