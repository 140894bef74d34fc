# Through the proxy by name; the report takes several seconds to build, so each try may wait 20 s.
url=http://{{site}}.{{domain}}/reports/daily
get() {
  out=$(fl_app "$url" --max-time 20 -w '\n%{http_code}')
  proven=$?
  code=${out##*$'\n'}
  [ "$proven" = 0 ] && [ "$code" = 200 ] && grep -q 'daily report' <<<"$out"
}
fl_retry 2 1 get && fl_pass "$url answers 200 with the report from the {{site}} application"
[ "$code" = 200 ] && fl_fail "$url answers 200, but not with the {{site}} application's report"
fl_fail "$url fails through the proxy (HTTP status: ${code:-none})"
