# Runs on ns: the www alias and a deeper page, through the edge proxy.
url="http://www.{{site}}.{{domain}}/{{page}}.html"
for i in 1 2 3; do
  out=$(curl -sS --max-time 4 -w '\n%{http_code}' "$url" 2>&1)
  code=${out##*$'\n'}
  if [ "$code" = "200" ] && printf '%s' "$out" | grep -q 'site-id: {{site}}-{{page}}'; then
    echo "$url serves the {{page}} page (200)"
    exit 0
  fi
  sleep 1
done
echo "$url does not serve the {{page}} page (HTTP status: ${code:-none})"
exit 1
