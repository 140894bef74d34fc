# Runs on ns, through the proxy by name: the daily report takes several seconds to build.
url="http://{{site}}.{{domain}}/reports/daily"
body=$(curl -sS --max-time 25 -w '\n%{http_code}' "$url" 2>&1)
code=${body##*$'\n'}
if [ "$code" = "200" ] && printf '%s' "$body" | grep -q 'daily report'; then
  echo "$url answers 200 with the report"
  exit 0
fi
echo "$url fails through the proxy (HTTP status: ${code:-none})"
exit 1
