# From a hidden host in the server network: the portal must load quickly through nginx, and the
# app host's firewall must still keep the admin port closed (no "flush the firewall" fixes).
ok=""
for attempt in 1 2 3; do
  body=$(curl -sS --max-time 4 -w '\n%{http_code}' http://web/ 2>/dev/null)
  code=$(printf '%s\n' "$body" | tail -n1)
  if [ "$code" = "200" ] && printf '%s' "$body" | grep -q '"app": "{{app_name}}"'; then ok=1; break; fi
  sleep 1
done
if [ -z "$ok" ]; then
  case "$code" in
    000|"") echo "http://web/ did not answer within 4 s (the proxy is still waiting for the app)";;
    *) echo "http://web/ answers HTTP $code instead of the {{app_name}} app";;
  esac
  exit 1
fi
if nc -z -w 2 app {{admin_port}} 2>/dev/null; then
  echo "the portal works, but app's admin port {{admin_port}} is now open to the network - open only what the proxy needs"
  exit 1
fi
echo "http://web/ answers 200 from the {{app_name}} app, and the admin port stays closed"
exit 0
