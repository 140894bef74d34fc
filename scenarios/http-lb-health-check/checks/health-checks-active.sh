# Active health checking must still run on lb and see both backends healthy through an endpoint on
# which the real app answers 200 (fixing lb-healthd's path or the apps' path both count). lb's
# state comes through the engine; the endpoint is asked from here, not taken from lb's word.
# The daemon as lb's process list shows it, however it was started, on its usual config.
fl_processes lb | cut -d' ' -f3- |
  grep -Eq '^(\S*/)?((ba)?sh +(\S*/)?)?lb-healthd( +/etc/lb-healthd\.conf)? *$' ||
  fl_fail "lb-healthd is not running on lb: without it a dead backend would keep getting traffic"
conf=$(fl_state lb /etc/lb-healthd.conf)
state=$(fl_state lb /run/lb-healthd/state)
[ -f "$conf" ] || fl_fail "lb has no /etc/lb-healthd.conf: lb-healthd cannot know what to probe"
[ -f "$state" ] || fl_fail "lb-healthd has not completed a round (no /run/lb-healthd/state on lb)"
# The config is shell for lb-healthd; here it is only read, never run. The last assignment wins.
setting() {
  sed -nE "s/^[[:space:]]*(export[[:space:]]+)?$1=(['\"]?)([^'\"#]*)\2[[:space:]]*(#.*)?$/\3/p" "$conf" | tail -n1
}
path=$(setting CHECK_PATH)
backends=$(setting BACKENDS)
down=$(awk '$3 != "UP" { printf "%s%s %s -> HTTP %s", sep, $1, $2, $4; sep = ", " }' "$state")
[ -z "$down" ] || fl_fail "lb-healthd marks backends down: $down"
watched=" "
for b in $backends; do
  name=${b%%=*} addr=${b#*=}
  awk -v n="$name" -v a="$addr" '$1 == n && $2 == a && $3 == "UP" { ok = 1 } END { exit !ok }' "$state" ||
    fl_fail "lb-healthd has no healthy result for $name ($addr) yet"
  fl_retry 3 1 fl_page "http://$addr$path" --max-time 2 && {
    ip=$(getent ahostsv4 "${addr%:*}" | awk 'NR == 1 { print $1 }')
    watched="$watched${ip:-${addr%:*}}:${addr##*:} "
    continue
  }
  [ "$FL_CODE" = 200 ] && fl_fail "$path on $name ($addr) answers 200, but not from the {{site}} app"
  fl_fail "lb-healthd probes $path, which answers ${FL_CODE:-nothing} on $name: that is not a health check"
done
for want in {{hosts.app1.ip}}:{{app_port}} {{hosts.app2.ip}}:{{app_port}}; do
  [[ "$watched" == *" $want "* ]] || fl_fail "lb-healthd does not watch the app server at $want (it watches:${watched% })"
done
fl_pass "lb-healthd is running and sees both backends healthy on $path"
