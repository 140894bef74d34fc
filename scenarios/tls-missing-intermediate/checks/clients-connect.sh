# The clients that failed (curl and a Python pipeline) work, trusting only the root, and what
# answers is the site itself.
url=https://{{site}}.{{domain}}/
fl_retry 3 1 fl_tls_clients "$url" 'site-id": "{{site}}-api' && fl_pass "curl and Python both reach $url with the certificate verified"
grep -q 'site-id' <<<"$FL_CURL" || fl_fail "curl cannot reach $url: $(grep -m1 'curl:' <<<"$FL_CURL")"
fl_fail "Python cannot reach $url: $(tail -n1 <<<"$FL_PYTHON")"
