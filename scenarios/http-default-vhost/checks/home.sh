# Runs on ns: public name through the scenario DNS, through the edge proxy.
url="http://{{site}}.{{domain}}/"
for i in 1 2 3; do
  out=$(curl -sS --max-time 4 -w '\n%{http_code}' "$url" 2>&1)
  code=${out##*$'\n'}
  if [ "$code" = "200" ] && printf '%s' "$out" | grep -q 'site-id: {{site}}-home'; then
    echo "$url serves the {{site}} home page (200)"
    exit 0
  fi
  sleep 1
done
echo "$url does not serve the {{site}} home page (HTTP status: ${code:-none})"
exit 1
