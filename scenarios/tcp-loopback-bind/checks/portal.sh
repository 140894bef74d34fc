# From a host in the server network (not the candidate's workstation): the portal through nginx.
for attempt in 1 2 3; do
  body=$(curl -sS --max-time 4 -w '\n%{http_code}' http://web/ 2>&1)
  code=$(printf '%s\n' "$body" | tail -n1)
  if [ "$code" = "200" ] && printf '%s' "$body" | grep -q '"app": "{{app_name}}"'; then
    echo "http://web/ answers 200 from the {{app_name}} app"
    exit 0
  fi
  sleep 1
done
echo "http://web/ does not reach the {{app_name}} app (HTTP ${code:-none})"
exit 1
