# Runs on ns: resolves the public name through the scenario DNS and goes through the proxy, so a
# hosts-file line or a direct call to the app on the workstation cannot pass it.
url="http://{{site}}.{{domain}}/"
ok=0
for i in 1 2 3 4 5 6; do
  body=$(curl -sS --max-time 4 -w '\n%{http_code}' "$url" 2>&1)
  code=${body##*$'\n'}
  if [ "$code" = "200" ] && printf '%s' "$body" | grep -q '"app": "{{site}}"'; then
    ok=$((ok + 1))
    [ "$ok" -ge 3 ] && { echo "$url answers 200 from the {{site}} application (3 requests in a row)"; exit 0; }
  else
    ok=0
    last=$code
  fi
  sleep 0.5
done
echo "$url does not load through the proxy (last HTTP status: ${last:-none})"
exit 1
