# The www alias and a deeper page, through the scenario DNS and the edge proxy.
url="http://www.{{site}}.{{domain}}/{{page}}.html"
get() {
  out=$(curl -q -sS --max-time 4 -w '\n%{http_code}' "$url" 2>&1)
  code=${out##*$'\n'}
  [ "$code" = "200" ] && grep -q 'site-id: {{site}}-{{page}}' <<<"$out"
}
fl_retry 3 1 get && fl_pass "$url serves the {{page}} page (200)"
fl_fail "$url does not serve the {{page}} page (HTTP status: ${code:-none})"
