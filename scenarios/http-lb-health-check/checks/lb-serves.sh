# A user's view of the load balancer: eight requests in a row to its address, every one answered
# 200 by a real {{site}} app server (fl_app), both app1 and app2 among them. A round ends at its
# first bad answer and is retried whole: under heavy load lb-healthd's 1 s probe can time out and
# leave a backend out of the pool for a couple of seconds.
url=http://{{hosts.lb.ip}}/
round() {
  seen=" " n=0 code="" proven=1
  while ((n < 8)); do
    out=$(fl_app "$url" --max-time 3 -w '\n%{http_code}')
    proven=$?
    code=${out##*$'\n'}
    [ "$proven" = 0 ] && [ "$code" = 200 ] || return 1
    n=$((n + 1))
    [[ "$out" =~ \"app\":\ \"([^\"]*)\" ]] && [[ "$seen" != *" ${BASH_REMATCH[1]} "* ]] && seen="$seen${BASH_REMATCH[1]} "
  done
  [[ "$seen" == *" {{site}}-app1 "* && "$seen" == *" {{site}}-app2 "* ]]
}
fl_retry 5 1 round && fl_pass "the load balancer answers 200 and spreads requests over both backends:${seen% }"
[ "$code" != 200 ] && fl_fail "the load balancer failed request $((n + 1)) of 8 (HTTP status: ${code:-none})"
[ "$proven" != 0 ] && fl_fail "the load balancer answered 200, but not from a {{site}} app server"
fl_fail "the load balancer answers, but only from:${seen% }; both backends must serve traffic"
