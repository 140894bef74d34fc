# The site by name, as any client on the network gets it: resolved through the lab's DNS, served
# from web2's address (the new server; another host cannot take that address from the checker),
# and its chain verified against the checker's own copy of the {{org}} ROOT only: no -k, no
# intermediate on the client side, no system store.
root=/etc/ssl/lab/root.crt
name={{site}}.{{domain}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() {
  read -r code from < <(curl -q -sS --max-time 5 --cacert "$root" --capath /nonexistent -o "$tmp/body" -w '%{http_code} %{remote_ip}\n' "https://$name/" 2>"$tmp/err")
  [ "$from" = "{{hosts.web2.ip}}" ] && [ "$code" = 200 ] && grep -q '"release": {{release}}1' "$tmp/body"
}
fl_retry 3 1 fetch && fl_pass "https://$name/ is served by web2 ($from) with release {{release}}1, and its chain verifies against the {{org}} root"
addr=$(dig +short +time=2 +tries=1 "$name" A | tail -n1)
[ -n "$addr" ] || fl_fail "$name does not resolve through the lab's DNS"
[ "$addr" = "{{hosts.web2.ip}}" ] || fl_fail "$name resolves to $addr, not web2 ({{hosts.web2.ip}}): $(grep -so '"server": "[a-z0-9]*"' "$tmp/body" || head -n1 "$tmp/err")"
[ "${code:-000}" != 000 ] || fl_fail "https://$name/ ($addr) fails: $(head -n1 "$tmp/err")"
fl_fail "https://$name/ ($addr) answers HTTP $code without release {{release}}1: $(head -c 120 "$tmp/body")"
