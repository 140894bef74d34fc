# Each name's certificate must verify against the {{org}} root (the checker's own copy, taken at
# start), with the host name checked, and must not expire again within a day.
handshake() { # NAME: sets $why when the certificate is not accepted
  fl_tls "$1" || { why=$FL_TLS_WHY; return 1; }
  openssl x509 -noout -checkend 86400 <<<"$FL_TLS" >/dev/null 2>&1 || { why="certificate expires within a day"; return 1; }
}
bad=""
for name in {{site}}.{{domain}} www.{{site}}.{{domain}}; do
  why=""
  fl_retry 3 1 handshake "$name" || bad="$bad $name (${why:-handshake failed})"
done
[ -z "$bad" ] || fl_fail "Certificate not accepted for:$bad"
end=$(openssl x509 -noout -enddate <<<"$FL_TLS" 2>/dev/null | cut -d= -f2)
fl_pass "https://{{site}}.{{domain}} and www verify against the {{org}} root (valid until ${end:-?})"
