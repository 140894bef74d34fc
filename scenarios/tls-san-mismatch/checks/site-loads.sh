# Runs on ns: a browser-like client (verifies the certificate, follows redirects) loads the site.
root=/etc/ssl/lab/root.crt
for url in https://{{alias}}.{{domain}}/ http://{{alias}}.{{domain}}/ https://{{site}}.{{domain}}/; do
  ok=0
  for i in 1 2 3; do
    out=$(curl -q -sS -L --max-redirs 3 --max-time 5 --cacert "$root" --capath /etc/ssl/lab "$url" 2>&1)
    if grep -q 'site-id: {{site}}-home' <<<"$out"; then ok=1; break; fi
    sleep 1
  done
  if [ $ok -ne 1 ]; then
    echo "$url does not load the {{site}} site with a trusted certificate: $(grep -m1 'curl:' <<<"$out" || echo 'wrong page')"
    exit 1
  fi
done
echo "https://{{alias}}.{{domain}}/ (also from http://) and https://{{site}}.{{domain}}/ load the {{site}} site"
exit 0
