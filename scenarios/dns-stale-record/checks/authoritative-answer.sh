# Asks the authoritative server over the network: a hosts-file entry on any host cannot pass this.
ask() {
  got=$(dig +short +time=2 +tries=1 @{{hosts.ns.ip}} {{site}}.{{domain}} A | tail -n1)
  [ "$got" = "{{hosts.web.ip}}" ]
}
fl_retry 3 0.3 ask && fl_pass "{{site}}.{{domain}} -> $got (the web server)"
fl_fail "{{site}}.{{domain}} resolves to '${got:-nothing}', not the web server"
