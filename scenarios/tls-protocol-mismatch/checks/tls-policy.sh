# A default, modern OpenSSL client completes a verified handshake (the checker's own copy of the
# {{org}} root only, host name checked) on TLS 1.2 or 1.3, and TLS 1.0/1.1 stay refused (policy).
name={{site}}.{{domain}}
fl_retry 3 1 fl_tls "$name" || fl_fail "A modern client cannot complete a TLS handshake with $name (${FL_TLS_WHY:-handshake failed})"
proto=$(grep -m1 -E '^ *Protocol *:' <<<"$FL_TLS" | awk '{print $NF}')
[ -n "$proto" ] || proto=$(grep -m1 -oE 'TLSv1\.[0-3]' <<<"$FL_TLS")
cipher=$(grep -m1 -E '^ *Cipher *:' <<<"$FL_TLS" | awk '{print $NF}')
case "$proto" in TLSv1.2|TLSv1.3) ;; *) fl_fail "$name negotiates $proto with a modern client; policy needs TLS 1.2+" ;; esac
for old in tls1 tls1_1; do
  if timeout 8 openssl s_client -connect "$name:443" -servername "$name" -"$old" -cipher 'DEFAULT:@SECLEVEL=0' </dev/null >/dev/null 2>&1; then
    fl_fail "$name completes a handshake with a legacy client (-$old); policy forbids TLS 1.0/1.1"
  fi
done
fl_pass "$name: verified $proto handshake (${cipher:-?}) with a modern client; TLS 1.0/1.1 refused"
