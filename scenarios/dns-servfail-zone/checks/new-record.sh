# The fix must keep last week's record, and its page must load by name through the lab's DNS.
ask() {
  out=$(dig +time=2 +tries=1 @{{hosts.ns.ip}} {{newrec}}.{{domain}} A 2>&1)
  got=$(grep -v '^;' <<<"$out" | awk '$4 == "A" { print $5 }' | tail -n1)
  [ "$got" = "{{hosts.web.ip}}" ]
}
if ! fl_retry 3 0.3 ask; then
  status=$(grep -o 'status: [A-Z]*' <<<"$out" | head -n1)
  fl_fail "ns answers {{newrec}}.{{domain}} with ${status:-no answer}${got:+ -> $got}, expected {{hosts.web.ip}}"
fi
page() { curl -q -fsS --max-time 4 "http://{{newrec}}.{{domain}}/" | grep -q "<h1>{{newrec}}.{{domain}}</h1>"; }
fl_retry 2 0.5 page && fl_pass "{{newrec}}.{{domain}} -> $got and the page loads by name"
fl_fail "{{newrec}}.{{domain}} resolves to $got but http://{{newrec}}.{{domain}}/ does not load"
