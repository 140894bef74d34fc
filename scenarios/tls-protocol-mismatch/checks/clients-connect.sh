# curl and a Python client with default TLS settings load the site, trusting only the checker's
# own copy of the {{org}} root.
url=https://{{site}}.{{domain}}/
fl_retry 3 1 fl_tls_clients "$url" 'site-id: {{site}}-home' && fl_pass "curl and Python load $url with default TLS settings"
grep -q 'site-id' <<<"$FL_CURL" || fl_fail "curl cannot load $url: $(grep -m1 'curl:' <<<"$FL_CURL")"
fl_fail "Python cannot load $url: $(tail -n1 <<<"$FL_PYTHON")"
