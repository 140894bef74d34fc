# Runs on the proxy host itself and resolves the upstream name the way nginx does (through ns):
# hard-coding the API's address in the nginx config does not fix the name for anyone else.
name={{api}}.{{domain}}
for attempt in 1 2 3; do
  addr=$(getent ahostsv4 "$name" | awk 'NR==1 {print $1}')
  if [ -n "$addr" ] && body=$(curl -fsS --max-time 4 "http://$name:{{port}}/healthz" 2>&1) && [ "$body" = "ok" ]; then
    echo "$name resolves to $addr and its API answers on port {{port}} from the proxy host"
    exit 0
  fi
  sleep 1
done
if [ -z "$addr" ]; then
  echo "$name does not resolve on the proxy host"
elif [ "$addr" != "{{hosts.app.ip}}" ]; then
  echo "$name resolves to $addr, which is not where the {{site}} API runs"
else
  echo "$name resolves to $addr, but port {{port}} does not answer from the proxy host: ${body:-no response}"
fi
exit 1
