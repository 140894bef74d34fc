# Every name on the shared address gets its own site's certificate (verified against the checker's
# own copy of the {{org}} root) and its own content.
root=/etc/ssl/lab/root.crt
serves() { # NAME MARKER: sets $out
  out=$(timeout 8 openssl s_client -connect "$1:443" -servername "$1" -verify_hostname "$1" \
    -CAfile "$root" -no-CApath -no-CAstore -verify_return_error </dev/null 2>&1) &&
    grep -q 'Verify return code: 0 (ok)' <<<"$out" &&
    curl -q -sS --max-time 5 --cacert "$root" --capath /etc/ssl/lab "https://$1/" 2>/dev/null | grep -q "site-id: $2"
}
for pair in {{alias}}.{{domain}}:{{site}}-home {{site}}.{{domain}}:{{site}}-home {{other}}.{{domain}}:{{other}}-home; do
  name=${pair%%:*}
  fl_retry 3 1 serves "$name" "${pair#*:}" && continue
  subj=$(openssl x509 -noout -subject <<<"$out" 2>/dev/null)
  fl_fail "https://$name/ is not served by its own site (server certificate ${subj:-none}; $(grep -m1 -E 'verify error|connect:|error:' <<<"$out"))"
done
fl_pass "{{site}}.{{domain}}, {{alias}}.{{domain}} and {{other}}.{{domain}} each get their own certificate and site"
