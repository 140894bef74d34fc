# A browser-like client (verifies against the checker's own copy of the {{org}} root, follows
# redirects) loads the site by its new and its old name.
root=/etc/ssl/lab/root.crt
load() { # URL: sets $out
  out=$(curl -q -sS -L --max-redirs 3 --max-time 5 --cacert "$root" --capath /etc/ssl/lab "$1" 2>&1) &&
    grep -q 'site-id: {{site}}-home' <<<"$out"
}
for url in https://{{alias}}.{{domain}}/ http://{{alias}}.{{domain}}/ https://{{site}}.{{domain}}/; do
  fl_retry 3 1 load "$url" || fl_fail "$url does not load the {{site}} site with a trusted certificate: $(grep -m1 'curl:' <<<"$out" || echo 'wrong page')"
done
fl_pass "https://{{alias}}.{{domain}}/ (also from http://) and https://{{site}}.{{domain}}/ load the {{site}} site"
