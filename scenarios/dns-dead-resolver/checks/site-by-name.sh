# The page by name as ws gets it: the name resolved by the first nameserver in ws's
# /etc/resolv.conf that gives a DNS answer (the engine's copy), then fetched from that address.
conf=$(fl_state ws /etc/resolv.conf)
name={{site}}.{{domain}}
[ -f "$conf" ] || fl_fail "ws has no /etc/resolv.conf"
servers=$(fl_nameservers "$conf")

load() {
  fl_resolve_via "$servers" "$name" || return 1
  body=$(curl -q -fsS --max-time 5 --resolve "$name:80:$FL_ADDR" "http://$name/" 2>&1) && grep -q "<h1>$name</h1>" <<<"$body"
}
fl_retry 2 0.5 load && fl_pass "http://$name/ loads on ws ($name -> $FL_ADDR through $FL_SERVER)"
[ -n "$FL_SERVER" ] || fl_fail "http://$name/ cannot load on ws: no nameserver in its /etc/resolv.conf answers (${servers//$'\n'/, })"
[ -n "$FL_ADDR" ] || fl_fail "http://$name/ cannot load on ws: $FL_SERVER does not resolve $name"
fl_fail "http://$name/ does not load from $FL_ADDR: $(head -n1 <<<"$body")"
