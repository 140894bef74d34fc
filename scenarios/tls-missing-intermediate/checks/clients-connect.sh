# Runs on ns: the clients that failed (curl and a Python pipeline) work, trusting only the root.
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
  if grep -q 'site-id": "{{site}}-api' <<<"$c" && grep -q 'site-id": "{{site}}-api' <<<"$p"; then
    echo "curl and Python both reach $url with the certificate verified"
    exit 0
  fi
  sleep 1
done
grep -q 'site-id' <<<"$c" || { echo "curl cannot reach $url: $(grep -m1 'curl:' <<<"$c")"; exit 1; }
echo "Python cannot reach $url: $(tail -n1 <<<"$p")"
exit 1
