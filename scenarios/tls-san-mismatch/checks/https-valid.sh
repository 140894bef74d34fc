# Each name's certificate must verify against the {{org}} root (the checker's own copy, taken at
# start) with the host name checked: no -k, no system store.
bad=""
for name in {{site}}.{{domain}} www.{{site}}.{{domain}} {{alias}}.{{domain}}; do
  fl_retry 3 1 fl_tls "$name" && continue
  bad="$bad $name (${FL_TLS_WHY:-handshake failed})"
done
[ -z "$bad" ] || fl_fail "Certificate not accepted for:$bad"
fl_pass "{{site}}.{{domain}}, www.{{site}}.{{domain}} and {{alias}}.{{domain}} all present a certificate valid for their name"
