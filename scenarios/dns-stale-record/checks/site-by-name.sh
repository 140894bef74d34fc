# The page by name through the lab's DNS, as any client on the network gets it: it must come from
# the new server's address, so a stand-in web server at the old address cannot pass.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
load() {
  read -r code from < <(curl -q -sS --connect-timeout 2 --max-time 4 -o "$tmp/body" -w '%{http_code} %{remote_ip}\n' "http://{{site}}.{{domain}}/" 2>"$tmp/err")
  [ "$from" = "{{hosts.web.ip}}" ] && [ "$code" = 200 ] && grep -q '<h1>{{site}}.{{domain}}</h1>' "$tmp/body"
}
fl_retry 3 0.5 load && fl_pass "http://{{site}}.{{domain}}/ answers 200 from the new server ($from)"
[ "${code:-000}" != 000 ] || fl_fail "http://{{site}}.{{domain}}/ does not load: $(head -n1 "$tmp/err")"
[ "$from" = "{{hosts.web.ip}}" ] || fl_fail "http://{{site}}.{{domain}}/ answers from $from, not the new server"
fl_fail "http://{{site}}.{{domain}}/ answers HTTP $code from the new server, without the shop's page"
