# Runs on ns (not the candidate's workstation): names resolve through the scenario DNS, and the
# certificate is verified against the lab root only (no -k, no system store), with the host name.
root=/etc/ssl/lab/root.crt
bad=""
for name in {{site}}.{{domain}} www.{{site}}.{{domain}}; do
  ok=0
  for i in 1 2 3; do
    out=$(timeout 8 openssl s_client -connect "$name:443" -servername "$name" -verify_hostname "$name" \
      -CAfile "$root" -no-CApath -no-CAstore -verify_return_error </dev/null 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && grep -q 'Verify return code: 0 (ok)' <<<"$out"; then
      # a fresh certificate, not one that expires again tomorrow
      if printf '%s\n' "$out" | openssl x509 -noout -checkend 86400 >/dev/null 2>&1; then ok=1; break; fi
      why="certificate expires within a day"
    else
      why=$(grep -m1 -E 'verify error|connect:|errno=|error:' <<<"$out" | sed -E 's/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*://; s/:[.][.]\/ssl\/[^ ]*$//')
    fi
    sleep 1
  done
  [ $ok -eq 1 ] || bad="$bad $name (${why:-handshake failed})"
done
if [ -z "$bad" ]; then
  end=$(timeout 8 openssl s_client -connect {{site}}.{{domain}}:443 -servername {{site}}.{{domain}} </dev/null 2>/dev/null | openssl x509 -noout -enddate 2>/dev/null | cut -d= -f2)
  echo "https://{{site}}.{{domain}} and www verify against the {{org}} root (valid until ${end:-?})"
  exit 0
fi
echo "Certificate not accepted for:$bad"
exit 1
