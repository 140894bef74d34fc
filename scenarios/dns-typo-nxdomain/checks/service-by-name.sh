# Calls the service by its full name through the lab's DNS, as any client on the network does;
# only the running {{svc}} service can sign the challenge. The trailing dot keeps the checker's
# search domain out: {{svc}}.{{domain}}.{{domain}} (an owner written without its dot) is not a fix.
health() { body=$(fl_app "http://{{svc}}.{{domain}}.:{{port}}/healthz") && [ "$body" = "ok" ]; }
fl_retry 3 0.5 health && fl_pass "http://{{svc}}.{{domain}}:{{port}}/healthz answers ok from the {{svc}} service"
fl_fail "http://{{svc}}.{{domain}}:{{port}}/healthz fails: $(head -n1 <<<"$body")"
