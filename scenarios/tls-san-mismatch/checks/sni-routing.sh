# Runs on ns: every name on the shared address gets its own site's certificate and content.
root=/etc/ssl/lab/root.crt
check() { # name marker
  local name=$1 marker=$2 out i
  for i in 1 2 3; do
    out=$(timeout 8 openssl s_client -connect "$name:443" -servername "$name" -verify_hostname "$name" \
      -CAfile "$root" -no-CApath -no-CAstore -verify_return_error </dev/null 2>&1)
    if [ $? -eq 0 ] && grep -q 'Verify return code: 0 (ok)' <<<"$out" &&
       curl -q -sS --max-time 5 --cacert "$root" --capath /etc/ssl/lab "https://$name/" 2>/dev/null | grep -q "site-id: $marker"; then
      return 0
    fi
    sleep 1
  done
  subj=$(printf '%s\n' "$out" | openssl x509 -noout -subject 2>/dev/null)
  echo "https://$name/ is not served by its own site (server certificate ${subj:-none}; $(grep -m1 -E 'verify error|connect:|error:' <<<"$out"))"
  return 1
}
check {{alias}}.{{domain}} {{site}}-home || exit 1
check {{site}}.{{domain}} {{site}}-home || exit 1
check {{other}}.{{domain}} {{other}}-home || exit 1
echo "{{site}}.{{domain}}, {{alias}}.{{domain}} and {{other}}.{{domain}} each get their own certificate and site"
exit 0
