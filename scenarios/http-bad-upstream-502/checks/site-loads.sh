# The public name through the lab DNS and the proxy, answered by the {{site}} application itself:
# fl_app rejects a static page in the proxy, a cached copy or any other server.
url=http://{{site}}.{{domain}}/
get() { fl_page "$url" && grep -qF '"app": "{{site}}"' <<<"$FL_BODY"; }
three_in_a_row() { get && get && get; }
fl_retry 3 1 three_in_a_row && fl_pass "$url answers 200 from the {{site}} application (3 requests in a row)"
[ "$FL_CODE" = 200 ] && fl_fail "$url answers 200, but not from the {{site}} application behind the proxy"
fl_fail "$url does not load through the proxy (HTTP status: ${FL_CODE:-none})"
