# Runs on ns: real name through the scenario DNS, certificate verified against the lab CA (no -k),
# redirects followed as a browser would.
url="https://{{site}}.{{domain}}/"
for i in 1 2 3; do
  out=$(curl -sS -L --max-redirs 5 --max-time 5 -w '\n%{http_code} %{url_effective}' "$url" 2>&1)
  last=${out##*$'\n'}
  if [ "${last%% *}" = "200" ] && printf '%s' "$out" | grep -q '"app": "{{site}}"'; then
    # The fix must be in the proxy: the app itself still has to refuse plain-HTTP requests.
    direct=$(curl -s -o /dev/null --max-time 3 -w '%{http_code}' "http://{{hosts.app.ip}}:{{app_port}}/")
    if [ "$direct" != "301" ]; then
      echo "$url loads, but the app no longer redirects plain HTTP (direct request: $direct); keep httpsRedirect on and fix the proxy"
      exit 1
    fi
    echo "$url loads (200 from the {{site}} app) and the app still enforces HTTPS"
    exit 0
  fi
  sleep 1
done
reason=$(printf '%s' "$out" | grep -m1 -i 'curl:' || true)
echo "$url does not load in a browser-like client: ${reason:-last status ${last%% *}}"
exit 1
