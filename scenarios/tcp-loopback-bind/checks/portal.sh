# The portal through nginx, as any user in the network loads it: the real {{app_name}} app must
# answer (fl_app: a static page on web cannot), and the app itself must be configured to listen
# beyond loopback (a forwarder on app in front of a loopback-only app is not the fix).
url=http://web/
load() { fl_page "$url" && grep -qF '"app": "{{app_name}}"' <<<"$FL_BODY"; }
if ! fl_retry 3 1 load; then
  case "$FL_CODE" in
    200) fl_fail "$url answers 200, but not from the {{app_name}} app itself";;
    000|"") fl_fail "$url does not answer: $(grep -m1 'curl:' <<<"$FL_BODY")";;
    *) fl_fail "$url does not reach the {{app_name}} app (HTTP $FL_CODE)";;
  esac
fi
bind=$(jq -r '.bind // "0.0.0.0"' "$(fl_state app /etc/app/app.json)" 2>/dev/null) ||
  fl_fail "$url works, but app's /etc/app/app.json is missing or not valid JSON"
case "$bind" in
  127.*|localhost|::1) fl_fail "$url works, but app's /etc/app/app.json still binds the app to $bind (something forwards to it)";;
esac
fl_pass "$url answers 200 from the {{app_name}} app, which listens on ${bind:-all addresses}"
