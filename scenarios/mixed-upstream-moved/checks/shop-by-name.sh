# A customer's view: the public name through the lab DNS, through the proxy, answered by the
# {{site}} API itself (fl_app: a static page or another server in the proxy cannot pass).
url=http://{{site}}.{{domain}}/
get() {
  out=$(fl_app "$url" --max-time 7 -w '\n%{http_code} %{time_total}')
  proven=$?
  last=${out##*$'\n'}
  code=${last%% *}
  [ "$proven" = 0 ] && [ "$code" = 200 ] && grep -q '"app": "{{site}}-api"' <<<"$out"
}
fl_retry 3 1 get && fl_pass "$url answers 200 from the {{site}} API through the proxy"
case "$code" in
  000 | "") fl_fail "$url did not answer: $(grep -m1 'curl:' <<<"$out" || echo 'no response')" ;;
  200) fl_fail "$url answers 200, but not with the {{site}} API's response" ;;
  *) fl_fail "$url answers HTTP $code after ${last#* }s instead of the {{site}} API" ;;
esac
