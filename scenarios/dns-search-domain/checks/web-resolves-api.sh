# Both spellings of the API name, resolved the way glibc on web resolves them (nginx and the cron
# jobs alike): web's /etc/resolv.conf (the engine's copy) gives the nameservers, the search list
# and ndots; /etc/hosts plays no part. Production means the name {{api}}.{{domain}} answered.
conf=$(fl_state web /etc/resolv.conf)
[ -f "$conf" ] || fl_fail "web has no /etc/resolv.conf"
# glibc reads a keyword only at the start of a line; the last search or domain line wins.
servers=$(fl_nameservers "$conf")
search=$(awk '/^(search|domain)[ \t]/ { $1 = ""; s = $0 } END { print s }' "$conf")
ndots=$(awk '/^options[ \t]/ { for (i = 2; i <= NF; i++) if ($i ~ /^ndots:[0-9]+$/) n = substr($i, 7) + 0 } END { print (n == "" ? 1 : (n > 15 ? 15 : n)) }' "$conf")

# lookup NAME: glibc's order (as-is first when NAME has at least ndots dots, else the search list
# first); the first candidate with an address wins. Sets winner and addr.
lookup() {
  local name=$1 dots candidates=() d c
  dots=$(tr -cd . <<<"$name" | wc -c)
  ((dots >= ndots)) && candidates+=("$name.")
  for d in $search; do candidates+=("$name.${d%.}."); done
  ((dots < ndots)) && candidates+=("$name.")
  winner="" addr=""
  for c in "${candidates[@]}"; do
    fl_resolve_via "$servers" "$c" && { winner=$c addr=$FL_ADDR; return; }
  done
}
both() {
  seen="" bad=""
  for name in {{api}} {{api}}.{{domain}}; do
    lookup "$name"
    if [ "$winner" = "{{api}}.{{domain}}." ] && [ "$addr" = "{{hosts.app.ip}}" ]; then
      seen="$seen $name -> $addr;"
    else
      bad="$bad $name -> ${addr:-nothing}${winner:+ (as $winner)}, expected {{hosts.app.ip}} ({{api}}.{{domain}});"
    fi
  done
  [ -z "$bad" ]
}
fl_retry 3 0.3 both && fl_pass "web resolves the API through DNS:$seen"
fl_fail "web resolves the API to the wrong place:$bad"
