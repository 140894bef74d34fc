# Runs on ns: resolves the public name through the scenario DNS and uploads through the proxy.
url="http://{{site}}.{{domain}}/upload"
size=${UPLOAD_BYTES:-$(( {{limit_mb}} * 1024 * 1024 - 64 * 1024 ))}
for i in 1 2 3; do
  out=$(head -c "$size" /dev/zero | curl -sS --max-time 15 -H 'Content-Type: application/pdf' \
        --data-binary @- -w '\n%{http_code}' "$url" 2>&1)
  code=${out##*$'\n'}
  if [ "$code" = "200" ] && printf '%s' "$out" | grep -q "\"received\": $size"; then
    echo "a $(( size / 1024 )) KiB upload to $url reaches the application (200)"
    exit 0
  fi
  sleep 1
done
echo "a $(( size / 1024 )) KiB upload to $url fails (HTTP status: ${code:-none}); uploads up to {{limit_mb}} MB must work"
exit 1
