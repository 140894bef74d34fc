# The clients that failed (curl and a Python pipeline) work, trusting only the root, and what
# answers is the site itself.
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
  grep -q 'site-id": "{{site}}-api' <<<"$c" && grep -q 'site-id": "{{site}}-api' <<<"$p"
}
fl_retry 3 1 both && fl_pass "curl and Python both reach $url with the certificate verified"
grep -q 'site-id' <<<"$c" || fl_fail "curl cannot reach $url: $(grep -m1 'curl:' <<<"$c")"
fl_fail "Python cannot reach $url: $(tail -n1 <<<"$p")"
