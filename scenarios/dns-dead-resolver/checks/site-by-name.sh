# The page by name as ws gets it: the name resolved by the first nameserver in ws's
# /etc/resolv.conf that gives a DNS answer (the engine's copy), then fetched from that address.
conf=$(fl_state ws /etc/resolv.conf)
name={{site}}.{{domain}}
[ -f "$conf" ] || fl_fail "ws has no /etc/resolv.conf"
servers=$(awk '/^nameserver[ \t]/ { a = $2; sub(/[;#].*/, "", a); if ((a ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/ || a ~ /:/) && n++ < 3) print a }' "$conf")

load() {
  addr="" server=""
  for s in $servers; do
    case $s in 127.* | *:*) continue ;; esac
    out=$(dig +time=1 +tries=2 @"$s" "$name" A 2>&1)
    grep -Eq 'status: (NOERROR|NXDOMAIN)' <<<"$out" || continue
    server=$s
    addr=$(grep -v '^;' <<<"$out" | awk '$4 == "A" { print $5 }' | tail -n1)
    break
  done
  [ -n "$addr" ] || return 1
  body=$(curl -q -fsS --max-time 5 --resolve "$name:80:$addr" "http://$name/" 2>&1) && grep -q "<h1>$name</h1>" <<<"$body"
}
fl_retry 2 0.5 load && fl_pass "http://$name/ loads on ws ($name -> $addr through $server)"
[ -n "$server" ] || fl_fail "http://$name/ cannot load on ws: no nameserver in its /etc/resolv.conf answers (${servers//$'\n'/, })"
[ -n "$addr" ] || fl_fail "http://$name/ cannot load on ws: $server does not resolve $name"
fl_fail "http://$name/ does not load from $addr: $(head -n1 <<<"$body")"
