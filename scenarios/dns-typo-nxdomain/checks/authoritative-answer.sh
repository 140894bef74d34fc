# Asks the authoritative server over the network: a hosts-file entry anywhere cannot pass this.
# Accepts any correct shape (A record, or a CNAME chain ending at the app server).
ask() {
  out=$(dig +time=2 +tries=1 @{{hosts.ns.ip}} {{svc}}.{{domain}} A 2>&1)
  got=$(grep -v '^;' <<<"$out" | awk '$4 == "A" { print $5 }' | tail -n1)
  [ "$got" = "{{hosts.app.ip}}" ]
}
fl_retry 3 0.3 ask && fl_pass "ns answers {{svc}}.{{domain}} -> $got (the app server)"
status=$(grep -o 'status: [A-Z]*' <<<"$out" | head -n1)
fl_fail "ns answers {{svc}}.{{domain}} with ${status:-no answer}, address '${got:-none}' (expected the app server)"
