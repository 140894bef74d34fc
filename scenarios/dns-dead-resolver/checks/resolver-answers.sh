# ws's resolver configuration (the engine's copy of its /etc/resolv.conf), followed from here the
# way glibc follows it: at most three nameservers in order; one that refuses costs nothing, one
# that stays silent costs its timeout on every lookup, which is not a fix. /etc/hosts plays no part.
conf=$(fl_state ws /etc/resolv.conf)
name={{site}}.{{domain}}
[ -f "$conf" ] || fl_fail "ws has no /etc/resolv.conf"
servers=$(fl_nameservers "$conf")
rotate=$(grep -Eq '^options([ \t].*)?[ \t]rotate([ \t]|$)' "$conf" && echo 1)
[ -n "$servers" ] || fl_fail "ws's /etc/resolv.conf names no nameserver"

follow() {
  slow="" verdict="" got=""
  for server in $servers; do
    case $server in
      127.* | *:*) why="ws asks $server, a loopback or IPv6 resolver, and the lab has DNS only at ns over IPv4"; return 1 ;;
    esac
    # Two packets, so one lost on a busy machine does not count as a dead server.
    out=$(dig +time=1 +tries=2 @"$server" "$name" A 2>&1)
    status=$(grep -o 'status: [A-Z]*' <<<"$out" | head -n1)
    if [ -z "$status" ]; then
      # No DNS answer at all: refused at once (next server, no wait) or silence (a timeout).
      grep -q 'timed out' <<<"$out" && slow="$slow $server"
      continue
    fi
    # SERVFAIL or REFUSED send glibc on to the next server; anything else decides.
    case $status in *SERVFAIL | *REFUSED) continue ;; esac
    if [ -z "$verdict" ]; then
      got=$(grep -v '^;' <<<"$out" | awk '$4 == "A" { print $5 }' | tail -n1)
      verdict="$server answers $name with ${status#status: }${got:+ -> $got}"
    fi
    # With rotate every listed server takes its turn at being first: all of them count.
    [ -n "$rotate" ] || break
  done
  [ -n "$verdict" ] || { why="no nameserver in ws's /etc/resolv.conf answers (${servers//$'\n'/, })"; return 1; }
  [ "$got" = "{{hosts.web.ip}}" ] || { why="$verdict, not the web server"; return 1; }
  [ -z "$slow" ] || { why="$verdict, but${slow} never answers: lookups on ws wait for its timeout"; return 1; }
}
fl_retry 2 0.5 follow && fl_pass "ws resolves $name at once: $verdict"
fl_fail "$why"
