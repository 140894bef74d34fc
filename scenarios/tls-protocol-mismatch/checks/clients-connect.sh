# curl and a Python client with default TLS settings load the site, trusting only the checker's
# own copy of the {{org}} root.
root=/etc/ssl/lab/root.crt
url=https://{{site}}.{{domain}}/
both() {
  c=$(curl -q -sS --max-time 5 --cacert "$root" --capath /etc/ssl/lab "$url" 2>&1)
  p=$(python3 - "$url" "$root" 2>&1 <<'PY'
import ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile=sys.argv[2])
print(urllib.request.urlopen(sys.argv[1], context=ctx, timeout=5).read().decode())
PY
)
  grep -q 'site-id: {{site}}-home' <<<"$c" && grep -q 'site-id: {{site}}-home' <<<"$p"
}
fl_retry 3 1 both && fl_pass "curl and Python load $url with default TLS settings"
grep -q 'site-id' <<<"$c" || fl_fail "curl cannot load $url: $(grep -m1 'curl:' <<<"$c")"
fl_fail "Python cannot load $url: $(tail -n1 <<<"$p")"
