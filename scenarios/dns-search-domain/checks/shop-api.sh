# A client outside web asks the shop for the API through the proxy and expects production's answer.
for i in 1 2 3; do
  body=$(curl -sS --max-time 6 -w '\n%{http_code}' "http://{{site}}.{{domain}}/api/" 2>&1)
  code=$(printf '%s\n' "$body" | tail -n1)
  [ "$code" = "200" ] && printf '%s' "$body" | grep -q '"app": "{{api}}"' && break
  sleep 0.5
done
if [ "$code" = "200" ] && printf '%s' "$body" | grep -q '"app": "{{api}}"'; then
  echo "http://{{site}}.{{domain}}/api/ answers 200 from the production {{api}} service"
  exit 0
fi
echo "http://{{site}}.{{domain}}/api/ answers HTTP ${code:-none}, not the production {{api}} service"
exit 1
