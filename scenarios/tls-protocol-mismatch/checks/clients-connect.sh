# Runs on ns: curl and a Python client with default settings load the site, trusting only the root.
root=/etc/ssl/lab/root.crt
url=https://{{site}}.{{domain}}/
for i in 1 2 3; do
  c=$(curl -q -sS --max-time 5 --cacert "$root" --capath /etc/ssl/lab "$url" 2>&1)
  p=$(python3 - "$url" "$root" 2>&1 <<'PY'
import ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile=sys.argv[2])
print(urllib.request.urlopen(sys.argv[1], context=ctx, timeout=5).read().decode())
PY
)
  if grep -q 'site-id: {{site}}-home' <<<"$c" && grep -q 'site-id: {{site}}-home' <<<"$p"; then
    echo "curl and Python load $url with default TLS settings"
    exit 0
  fi
  sleep 1
done
grep -q 'site-id' <<<"$c" || { echo "curl cannot load $url: $(grep -m1 'curl:' <<<"$c")"; exit 1; }
echo "Python cannot load $url: $(tail -n1 <<<"$p")"
exit 1
