# The public name through the scenario DNS, the certificate verified against the checker's own
# copy of the lab CA: the {{site}} app itself answers (its signed proof), not a redirect or a
# static page. And the fix must be in the proxy: the app still refuses plain HTTP.
root=/etc/ssl/lab/root.crt
url="https://{{site}}.{{domain}}/"
direct="http://{{hosts.app.ip}}:{{app_port}}/"
loads() { fl_page "$url" --cacert "$root" --capath /etc/ssl/lab && grep -qF '"app": "{{site}}"' <<<"$FL_BODY"; }
enforces() { plain=$(fl_app "$direct" -w '\n%{http_code} %{redirect_url}') && [ "${plain##*$'\n'}" = "301 https://{{hosts.app.ip}}:{{app_port}}/" ]; }
if ! fl_retry 3 1 loads; then
  fl_fail "$url does not load the {{site}} app: $(grep -m1 -i 'curl:' <<<"$FL_BODY" || echo "status $FL_CODE, $(head -c 60 <<<"$FL_BODY" | head -n1)")"
fi
fl_retry 2 1 enforces ||
  fl_fail "$url loads, but the app no longer redirects plain HTTP (direct request: ${plain##*$'\n'}); keep httpsRedirect on and fix the proxy"
fl_pass "$url loads (200 from the {{site}} app) and the app still enforces HTTPS"
