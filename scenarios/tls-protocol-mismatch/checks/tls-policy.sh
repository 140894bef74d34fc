# A default, modern OpenSSL client completes a verified handshake (the checker's own copy of the
# {{org}} root only, host name checked) on TLS 1.2 or 1.3, and TLS 1.0/1.1 stay refused (policy).
root=/etc/ssl/lab/root.crt
name={{site}}.{{domain}}
handshake() {
  out=$(timeout 8 openssl s_client -connect "$name:443" -servername "$name" -verify_hostname "$name" \
    -CAfile "$root" -no-CApath -no-CAstore -verify_return_error </dev/null 2>&1) &&
    grep -q 'Verify return code: 0 (ok)' <<<"$out"
}
if ! fl_retry 3 1 handshake; then
  why=$(grep -m1 -E 'verify error|connect:|errno=|error:' <<<"$out" | sed -E 's/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*://; s/:[.][.]\/ssl\/[^ ]*$//')
  fl_fail "A modern client cannot complete a TLS handshake with $name (${why:-handshake failed})"
fi
proto=$(grep -m1 -E '^ *Protocol *:' <<<"$out" | awk '{print $NF}')
[ -n "$proto" ] || proto=$(grep -m1 -oE 'TLSv1\.[0-3]' <<<"$out")
cipher=$(grep -m1 -E '^ *Cipher *:' <<<"$out" | awk '{print $NF}')
case "$proto" in TLSv1.2|TLSv1.3) ;; *) fl_fail "$name negotiates $proto with a modern client; policy needs TLS 1.2+" ;; esac
for old in tls1 tls1_1; do
  if timeout 8 openssl s_client -connect "$name:443" -servername "$name" -"$old" -cipher 'DEFAULT:@SECLEVEL=0' </dev/null >/dev/null 2>&1; then
    fl_fail "$name completes a handshake with a legacy client (-$old); policy forbids TLS 1.0/1.1"
  fi
done
fl_pass "$name: verified $proto handshake (${cipher:-?}) with a modern client; TLS 1.0/1.1 refused"
