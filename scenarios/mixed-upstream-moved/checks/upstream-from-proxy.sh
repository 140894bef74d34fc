# The proxy reaches the API by its name, and that name is right for everyone: it resolves in the
# lab DNS (not only in a line of web's /etc/hosts or a resolver of web's own), nginx on web
# proxies to it on port {{port}}, and through the proxy the {{site}} API itself answers. web's
# files come through the engine; nothing here is web's word. The API host may admit the proxy
# alone, so the checker never needs to reach it directly.
name={{api}}.{{domain}}
resolve() { addr=$(dig +short +time=2 +tries=1 "$@" "$name" A | grep -E '^[0-9.]+$' | tail -n1) && [ -n "$addr" ]; }
fl_retry 3 1 resolve || fl_fail "$name does not resolve in the lab DNS"
dns=$addr
# web must get the same answer: its own hosts line or resolver would hide a stale record.
pinned=$(awk -v n="$name" '!/^[[:space:]]*#/ { for (i = 2; i <= NF; i++) if ($i == n || $i == n ".") { print $1; exit } }' \
  "$(fl_state web /etc/hosts)" 2>/dev/null)
[ -z "$pinned" ] || [ "$pinned" = "$dns" ] ||
  fl_fail "web pins $name to $pinned in /etc/hosts, but the lab DNS answers $dns: the name is still wrong for everyone else"
conf=$(fl_state web /etc/nginx/sites-available/{{site}}.conf)
[ -f "$conf" ] || fl_fail "web has no /etc/nginx/sites-available/{{site}}.conf any more"
# nginx asks its `resolver` when proxy_pass holds a variable, the system resolver otherwise.
server=$(sed -nE 's/^[[:space:]]*resolver[[:space:]]+([^;[:space:]]+).*/\1/p' "$conf" | head -n1)
[ -n "$server" ] || server=$(fl_nameservers "$(fl_state web /etc/resolv.conf)" 2>/dev/null | head -n1)
if [ -n "$server" ] && [ "${server%:53}" != "{{hosts.ns.ip}}" ]; then
  fl_retry 2 1 resolve "@${server%:53}" && [ "$addr" = "$dns" ] ||
    fl_fail "web resolves names through $server, which does not answer $name as the lab DNS does ($dns)"
fi
# Every proxy_pass of the site goes to the name (or the address the lab DNS gives it) on port
# {{port}}, written out or through a `set $variable`.
targets=$(sed -nE 's/^[[:space:]]*proxy_pass[[:space:]]+([^;[:space:]]+).*/\1/p' "$conf")
[ -n "$targets" ] || fl_fail "the shop's nginx config on web proxies nowhere"
for t in $targets; do
  [[ "$t" == '$'* ]] && t=$(sed -nE "s/^[[:space:]]*set[[:space:]]+\\$t[[:space:]]+[\"']?([^\"';[:space:]]+).*/\\1/p" "$conf" | tail -n1)
  hostport=${t#http://}
  hostport=${hostport%%/*}
  case "$hostport" in
    "$name:{{port}}" | "$dns:{{port}}") ;;
    *) fl_fail "nginx on web proxies to $hostport, not to $name:{{port}}" ;;
  esac
done
get() { fl_page http://{{site}}.{{domain}}/ --max-time 7 && grep -qF '"app": "{{site}}-api"' <<<"$FL_BODY"; }
fl_retry 3 1 get && fl_pass "$name resolves to $dns, and the proxy gets answers from the {{site}} API there on port {{port}}"
[ "$dns" = "{{hosts.app.ip}}" ] || fl_fail "$name resolves to $dns, which is not where the {{site}} API runs"
fl_fail "$name resolves to $dns, but the proxy gets no answer from port {{port}} there (the shop answers HTTP ${FL_CODE:-nothing})"
