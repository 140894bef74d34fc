# Runs on ns (not the candidate's workstation): names resolve through the scenario DNS, and the
# certificate is verified against the lab root only (no -k, no system store), with the host name.
root=/etc/ssl/lab/root.crt
bad=""
for name in {{site}}.{{domain}} www.{{site}}.{{domain}} {{alias}}.{{domain}}; do
  ok=0
  for i in 1 2 3; do
    out=$(timeout 8 openssl s_client -connect "$name:443" -servername "$name" -verify_hostname "$name" \
      -CAfile "$root" -no-CApath -no-CAstore -verify_return_error </dev/null 2>&1)
    if [ $? -eq 0 ] && grep -q 'Verify return code: 0 (ok)' <<<"$out"; then ok=1; break; fi
    why=$(grep -m1 -E 'verify error|connect:|errno=|error:' <<<"$out" | sed -E 's/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*://; s/:[.][.]\/ssl\/[^ ]*$//')
    sleep 1
  done
  [ $ok -eq 1 ] || bad="$bad $name (${why:-handshake failed})"
done
if [ -z "$bad" ]; then
  echo "{{site}}.{{domain}}, www.{{site}}.{{domain}} and {{alias}}.{{domain}} all present a certificate valid for their name"
  exit 0
fi
echo "Certificate not accepted for:$bad"
exit 1
