# Runs on ns (not the candidate's workstation): the name resolves through the scenario DNS and the
# chain the server sends must verify against the {{org}} ROOT only — no intermediate on the
# client side, no -k, no system store.
root=/etc/ssl/lab/root.crt
name={{site}}.{{domain}}
for i in 1 2 3; do
  out=$(timeout 8 openssl s_client -connect "$name:443" -servername "$name" -verify_hostname "$name" \
    -CAfile "$root" -no-CApath -no-CAstore -verify_return_error -showcerts </dev/null 2>&1)
  if [ $? -eq 0 ] && grep -q 'Verify return code: 0 (ok)' <<<"$out"; then
    n=$(grep -c 'BEGIN CERTIFICATE' <<<"$out")
    echo "$name sends a chain of $n certificate(s) that verifies against the {{org}} root"
    exit 0
  fi
  sleep 1
done
n=$(grep -c 'BEGIN CERTIFICATE' <<<"$out")
why=$(grep -m1 -E 'verify error|connect:|errno=|error:' <<<"$out" | sed -E 's/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*://; s/:[.][.]\/ssl\/[^ ]*$//')
echo "$name does not verify against the {{org}} root (${why:-handshake failed}; server sent $n certificate(s))"
exit 1
