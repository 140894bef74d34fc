# Runs on a hidden host in the server network, resolving through ns: an /etc/hosts line or a
# hard-coded address on the candidate's workstation cannot make this pass.
url=http://{{site}}.{{domain}}/
for attempt in 1 2 3; do
  out=$(curl -sS --max-time 7 -w '\n%{http_code} %{time_total}' "$url" 2>&1)
  last=$(printf '%s\n' "$out" | tail -n1)
  code=${last%% *}
  if [ "$code" = "200" ] && grep -q '"app": "{{site}}-api"' <<<"$out"; then
    echo "$url answers 200 from the {{site}} API through the proxy"
    exit 0
  fi
  sleep 1
done
case "$code" in
  000|"") echo "$url did not answer: $(grep -m1 'curl:' <<<"$out" || echo 'no response')";;
  200) echo "$url answers 200, but not with the {{site}} API's response";;
  *) echo "$url answers HTTP $code after ${last#* }s instead of the {{site}} API";;
esac
exit 1
