# Runs on ws: the fault IS the workstation's trust store, so this is the vantage point. The check
# uses its own clients with their system defaults: no -k, no --cacert, ~/.curlrc ignored (-q).
url=https://{{site}}.{{domain}}/
for i in 1 2 3; do
  c=$(env -u CURL_CA_BUNDLE -u SSL_CERT_FILE -u SSL_CERT_DIR curl -q -sS --max-time 5 "$url" 2>&1)
  p=$(env -u SSL_CERT_FILE -u SSL_CERT_DIR python3 - "$url" 2>&1 <<'PY'
import ssl, sys, urllib.request
print(urllib.request.urlopen(sys.argv[1], context=ssl.create_default_context(), timeout=5).read().decode())
PY
)
  if grep -q 'site-id: {{site}}-home' <<<"$c" && grep -q 'site-id: {{site}}-home' <<<"$p"; then
    echo "curl and Python on ws verify $url with the system trust store"
    exit 0
  fi
  sleep 1
done
grep -q 'site-id' <<<"$c" || { echo "curl on ws rejects $url: $(grep -m1 'curl:' <<<"$c")"; exit 1; }
echo "Python on ws rejects $url: $(tail -n1 <<<"$p")"
exit 1
