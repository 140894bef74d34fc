# What the edge serves for the home page must be what the origin serves now (asked directly, by
# address, with the site's name), and that is the new price.
url="http://{{site}}.{{domain}}/"
origin() { curl -q -sS --max-time 4 -H 'Host: {{site}}.{{domain}}' "http://{{hosts.web.ip}}/" 2>&1; }
same() {
  want=$(origin)
  got=$(curl -q -sS --max-time 4 "$url" 2>&1)
  [ "$got" = "$want" ] && grep -q 'Flash sale: {{new_price}}' <<<"$got"
}
fl_retry 4 1 same && fl_pass "$url serves the current home page ($(grep -o 'Flash sale: [^<]*' <<<"$got"))"
fl_fail "$url serves an outdated home page: '$(grep -o 'Flash sale: [^<]*' <<<"$got" || head -n1 <<<"$got")', the origin has '$(grep -o 'Flash sale: [^<]*' <<<"$want" || head -n1 <<<"$want")'"
