# Asks ns over the network: the zone must be loaded and answer the site's name.
ask() { fl_ask {{hosts.ns.ip}} {{site}}.{{domain}} && [ "$FL_ADDR" = "{{hosts.web.ip}}" ]; }
fl_retry 3 0.3 ask && fl_pass "ns answers {{site}}.{{domain}} -> $FL_ADDR"
fl_fail "ns answers {{site}}.{{domain}} with ${FL_STATUS:-no answer}${FL_ADDR:+ -> $FL_ADDR}"
