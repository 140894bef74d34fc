# A 3 MB scan, POSTed to the public name through the lab DNS and the proxy: the {{site}}
# application itself must count every byte (fl_app: not a static page, not another server).
size=3145728
url=http://{{site}}.{{domain}}/upload
scan=$(mktemp)
trap 'rm -f "$scan"' EXIT
head -c "$size" /dev/zero >"$scan"
post() {
  out=$(fl_app "$url" --max-time 15 -H 'Content-Type: application/pdf' --data-binary @"$scan" -w '\n%{http_code}')
  proven=$?
  code=${out##*$'\n'}
  [ "$proven" = 0 ] && [ "$code" = 200 ] && grep -q "\"received\": $size" <<<"$out"
}
fl_retry 3 1 post && fl_pass "a $((size / 1024)) KiB upload to $url reaches the {{site}} application (200)"
[ "$code" = 200 ] && fl_fail "a $((size / 1024)) KiB upload to $url answers 200, but not from the {{site}} application"
fl_fail "a $((size / 1024)) KiB upload to $url fails (HTTP status: ${code:-none}); uploads up to {{limit_mb}} MB must work"
