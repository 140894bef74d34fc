# A client of the shop asks for the API through the proxy: only the running {{api}} service can
# sign the challenge, so a page nginx serves by itself cannot pass.
api() { body=$(fl_app "http://{{site}}.{{domain}}/api/") && grep -q '"app": "{{api}}"' <<<"$body"; }
fl_retry 3 0.5 api && fl_pass "http://{{site}}.{{domain}}/api/ answers from the production {{api}} service"
code=$(curl -q -s -o /dev/null --max-time 6 -w '%{http_code}' "http://{{site}}.{{domain}}/api/")
fl_fail "http://{{site}}.{{domain}}/api/ answers HTTP ${code:-none}, not the production {{api}} service"
