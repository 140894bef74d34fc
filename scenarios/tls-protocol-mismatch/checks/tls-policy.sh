# Runs on ns: a default, modern OpenSSL client must complete a verified handshake (lab root only,
# host name checked) on TLS 1.2 or 1.3 — and TLS 1.0/1.1 must stay refused (security policy).
root=/etc/ssl/lab/root.crt
name={{site}}.{{domain}}
for i in 1 2 3; do
  out=$(timeout 8 openssl s_client -connect "$name:443" -servername "$name" -verify_hostname "$name" \
    -CAfile "$root" -no-CApath -no-CAstore -verify_return_error </dev/null 2>&1)
  rc=$?
  [ $rc -eq 0 ] && grep -q 'Verify return code: 0 (ok)' <<<"$out" && break
  sleep 1
done
if [ $rc -ne 0 ] || ! grep -q 'Verify return code: 0 (ok)' <<<"$out"; then
  why=$(grep -m1 -E 'verify error|connect:|errno=|error:' <<<"$out" | sed -E 's/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*://; s/:[.][.]\/ssl\/[^ ]*$//')
  echo "A modern client cannot complete a TLS handshake with $name (${why:-handshake failed})"
  exit 1
fi
proto=$(grep -m1 -E '^ *Protocol *:' <<<"$out" | awk '{print $NF}')
[ -n "$proto" ] || proto=$(grep -m1 -oE 'TLSv1\.[0-3]' <<<"$out")
cipher=$(grep -m1 -E '^ *Cipher *:' <<<"$out" | awk '{print $NF}')
case "$proto" in TLSv1.2|TLSv1.3) ;; *) echo "$name negotiates $proto with a modern client; policy needs TLS 1.2+"; exit 1 ;; esac
for old in tls1 tls1_1; do
  if timeout 8 openssl s_client -connect "$name:443" -servername "$name" -"$old" -cipher 'DEFAULT:@SECLEVEL=0' </dev/null >/dev/null 2>&1; then
    echo "$name completes a handshake with a legacy client (-$old); policy forbids TLS 1.0/1.1"
    exit 1
  fi
done
echo "$name: verified $proto handshake (${cipher:-?}) with a modern client; TLS 1.0/1.1 refused"
exit 0
