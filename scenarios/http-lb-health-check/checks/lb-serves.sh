# A user's view of the load balancer: eight requests in a row to its address, every one answered
# 200 by a real {{site}} app server (fl_app), both app1 and app2 among them. A round ends at its
# first bad answer and is retried whole: under heavy load lb-healthd's 1 s probe can time out and
# leave a backend out of the pool for a couple of seconds.
url=http://{{hosts.lb.ip}}/
round() {
  seen=" " n=0
  while ((n < 8)); do
    fl_page "$url" --max-time 3 || return 1
    n=$((n + 1))
    [[ "$FL_BODY" =~ \"app\":\ \"([^\"]*)\" ]] && [[ "$seen" != *" ${BASH_REMATCH[1]} "* ]] && seen="$seen${BASH_REMATCH[1]} "
  done
  [[ "$seen" == *" {{site}}-app1 "* && "$seen" == *" {{site}}-app2 "* ]]
}
fl_retry 5 1 round && fl_pass "the load balancer answers 200 and spreads requests over both backends:${seen% }"
[ "$FL_CODE" != 200 ] && fl_fail "the load balancer failed request $((n + 1)) of 8 (HTTP status: ${FL_CODE:-none})"
[ "$FL_PROVEN" != 0 ] && fl_fail "the load balancer answered 200, but not from a {{site}} app server"
fl_fail "the load balancer answers, but only from:${seen% }; both backends must serve traffic"
