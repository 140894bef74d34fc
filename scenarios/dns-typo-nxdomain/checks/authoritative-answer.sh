# Asks the authoritative server over the network: a hosts-file entry anywhere cannot pass this.
# Accepts any correct shape (A record, or a CNAME chain ending at the app server).
ask() { fl_ask {{hosts.ns.ip}} {{svc}}.{{domain}} && [ "$FL_ADDR" = "{{hosts.app.ip}}" ]; }
fl_retry 3 0.3 ask && fl_pass "ns answers {{svc}}.{{domain}} -> $FL_ADDR (the app server)"
fl_fail "ns answers {{svc}}.{{domain}} with ${FL_STATUS:-no answer}, address '${FL_ADDR:-none}' (expected the app server)"
