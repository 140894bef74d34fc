# Each name's certificate must verify against the {{org}} root (the checker's own copy, taken at
# start), with the host name checked, and must not expire again within a day.
root=/etc/ssl/lab/root.crt
handshake() { # NAME: sets $out, and $why when the certificate is not accepted
  out=$(timeout 8 openssl s_client -connect "$1:443" -servername "$1" -verify_hostname "$1" \
    -CAfile "$root" -no-CApath -no-CAstore -verify_return_error </dev/null 2>&1)
  if [ $? -ne 0 ] || ! grep -q 'Verify return code: 0 (ok)' <<<"$out"; then
    why=$(grep -m1 -E 'verify error|connect:|errno=|error:' <<<"$out" | sed -E 's/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*://; s/:[.][.]\/ssl\/[^ ]*$//')
    return 1
  fi
  openssl x509 -noout -checkend 86400 <<<"$out" >/dev/null 2>&1 || { why="certificate expires within a day"; return 1; }
}
bad=""
for name in {{site}}.{{domain}} www.{{site}}.{{domain}}; do
  why=""
  fl_retry 3 1 handshake "$name" || bad="$bad $name (${why:-handshake failed})"
done
[ -z "$bad" ] || fl_fail "Certificate not accepted for:$bad"
end=$(openssl x509 -noout -enddate <<<"$out" 2>/dev/null | cut -d= -f2)
fl_pass "https://{{site}}.{{domain}} and www verify against the {{org}} root (valid until ${end:-?})"
