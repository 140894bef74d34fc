# As a user in the server network: the portal must load quickly through nginx from the real
# {{app_name}} app (fl_app: a static page on web cannot pass), and the app host's firewall must
# still keep the admin port closed to the network (no "flush the firewall" fixes).
url=http://web/
load() { fl_page "$url" --max-time 4 && grep -qF '"app": "{{app_name}}"' <<<"$FL_BODY"; }
if ! fl_retry 3 1 load; then
  case "$FL_CODE" in
    000|"") fl_fail "$url did not answer within 4 s (the proxy is still waiting for the app)";;
    200) fl_fail "$url answers 200, but not from the {{app_name}} app itself";;
    *) fl_fail "$url answers HTTP $FL_CODE instead of the {{app_name}} app";;
  esac
fi
if nc -z -w 2 app {{admin_port}} 2>/dev/null; then
  fl_fail "the portal works, but app's admin port {{admin_port}} is now open to the network - open only what the proxy needs"
fi
fl_pass "$url answers 200 from the {{app_name}} app, and the admin port stays closed"
