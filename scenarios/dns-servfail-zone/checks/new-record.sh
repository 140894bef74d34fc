# The fix must keep last week's record, and its page must load by name through the lab's DNS.
ask() { fl_ask {{hosts.ns.ip}} {{newrec}}.{{domain}} && [ "$FL_ADDR" = "{{hosts.web.ip}}" ]; }
if ! fl_retry 3 0.3 ask; then
  fl_fail "ns answers {{newrec}}.{{domain}} with ${FL_STATUS:-no answer}${FL_ADDR:+ -> $FL_ADDR}, expected {{hosts.web.ip}}"
fi
page() { curl -q -fsS --max-time 4 "http://{{newrec}}.{{domain}}/" | grep -q "<h1>{{newrec}}.{{domain}}</h1>"; }
fl_retry 2 0.5 page && fl_pass "{{newrec}}.{{domain}} -> $FL_ADDR and the page loads by name"
fl_fail "{{newrec}}.{{domain}} resolves to $FL_ADDR but http://{{newrec}}.{{domain}}/ does not load"
