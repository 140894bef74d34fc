# An old http:// bookmark ends on the same page over HTTPS (certificate verified against the
# checker's own copy of the lab CA), and that page comes from the {{site}} app itself.
root=/etc/ssl/lab/root.crt
url="http://{{site}}.{{domain}}/{{page}}"
final="https://{{site}}.{{domain}}/{{page}}"
follow() {
  out=$(curl -q -sS -L --max-redirs 5 --max-time 5 --cacert "$root" --capath /etc/ssl/lab -o /dev/null -w '%{http_code} %{url_effective}' "$url" 2>&1)
  if [ "${out##*$'\n'}" != "200 $final" ]; then
    why="does not end on the HTTPS page: $(grep -m1 -i 'curl:' <<<"$out" || echo "last: ${out##*$'\n'}")"
    return 1
  fi
  body=$(fl_app "$final" --cacert "$root" --capath /etc/ssl/lab) && grep -q '{{site}}: {{page}}' <<<"$body" && return 0
  why="ends on $final, but the {{site}} app does not serve that page ($(grep -m1 -i 'curl:' <<<"$body" || head -c 60 <<<"$body" | head -n1))"
  return 1
}
fl_retry 3 1 follow && fl_pass "$url ends on $final with 200 from the {{site}} app"
fl_fail "$url $why"
