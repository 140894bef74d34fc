# Through the proxy by name; the report takes several seconds to build, so each try may wait 20 s.
url=http://{{site}}.{{domain}}/reports/daily
get() { fl_page "$url" --max-time 20 && grep -qF 'daily report' <<<"$FL_BODY"; }
fl_retry 2 1 get && fl_pass "$url answers 200 with the report from the {{site}} application"
[ "$FL_CODE" = 200 ] && fl_fail "$url answers 200, but not with the {{site}} application's report"
fl_fail "$url fails through the proxy (HTTP status: ${FL_CODE:-none})"
