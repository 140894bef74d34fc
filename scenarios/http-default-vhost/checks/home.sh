# The public name, through the scenario DNS and the edge proxy, serves the site's home page.
url="http://{{site}}.{{domain}}/"
get() {
  out=$(curl -q -sS --max-time 4 -w '\n%{http_code}' "$url" 2>&1)
  code=${out##*$'\n'}
  [ "$code" = "200" ] && grep -q 'site-id: {{site}}-home' <<<"$out"
}
fl_retry 3 1 get && fl_pass "$url serves the {{site}} home page (200)"
fl_fail "$url does not serve the {{site}} home page (HTTP status: ${code:-none})"
