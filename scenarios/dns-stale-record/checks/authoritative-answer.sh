# Asks the authoritative server over the network: a hosts-file entry on any host cannot pass this.
ask() { fl_ask {{hosts.ns.ip}} {{site}}.{{domain}} && [ "$FL_ADDR" = "{{hosts.web.ip}}" ]; }
fl_retry 3 0.3 ask && fl_pass "{{site}}.{{domain}} -> $FL_ADDR (the web server)"
fl_fail "{{site}}.{{domain}} resolves to '${FL_ADDR:-nothing}', not the web server"
