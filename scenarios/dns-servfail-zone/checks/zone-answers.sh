# Asks ns over the network: the zone must be loaded and answer the site's name.
ask() {
  out=$(dig +time=2 +tries=1 @{{hosts.ns.ip}} {{site}}.{{domain}} A 2>&1)
  got=$(grep -v '^;' <<<"$out" | awk '$4 == "A" { print $5 }' | tail -n1)
  [ "$got" = "{{hosts.web.ip}}" ]
}
fl_retry 3 0.3 ask && fl_pass "ns answers {{site}}.{{domain}} -> $got"
status=$(grep -o 'status: [A-Z]*' <<<"$out" | head -n1)
fl_fail "ns answers {{site}}.{{domain}} with ${status:-no answer}${got:+ -> $got}"
