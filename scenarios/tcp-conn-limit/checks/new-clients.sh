# As a new client in the network: five fresh connections in a row must all be served by the real
# {{app_name}} API (fl_app), not reset by the host's firewall.
url=http://api:{{port}}/healthz
five() {
  ok=0
  for i in 1 2 3 4 5; do
    fl_app "$url" --max-time 3 >/dev/null && ok=$((ok + 1))
  done
  [ "$ok" -eq 5 ]
}
fl_retry 3 1 five && fl_pass "new clients are served: 5 of 5 fresh connections to api:{{port}} answered"
fl_fail "new clients are turned away: only $ok of 5 fresh connections to api:{{port}} answered"
