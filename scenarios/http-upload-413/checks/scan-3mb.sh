# A 3 MB scan, POSTed to the public name through the lab DNS and the proxy: the {{site}}
# application itself must count every byte (fl_app: not a static page, not another server).
size=3145728
url=http://{{site}}.{{domain}}/upload
fl_retry 3 1 fl_upload "$url" "$size" && fl_pass "a $((size / 1024)) KiB upload to $url reaches the {{site}} application (200)"
[ "$FL_CODE" = 200 ] && fl_fail "a $((size / 1024)) KiB upload to $url answers 200, but not from the {{site}} application"
fl_fail "a $((size / 1024)) KiB upload to $url fails (HTTP status: ${FL_CODE:-none}); uploads up to {{limit_mb}} MB must work"
