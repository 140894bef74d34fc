# The wallboards run on wall, where the candidate has root, so nothing runs there: the engine's
# process list shows whether the wallboard runs, and its log (copied through the engine) gives
# each screen's latest state since the wallboard last started. Killing screens is not a fix.
fl_processes wall | grep -q 'python3 /opt/wallboard/wallboard.py' ||
  fl_fail "the wallboard on wall is not running"
log=$(fl_state wall /var/log/wallboard.log)
[ -f "$log" ] || fl_fail "wall has no /var/log/wallboard.log"
# Prints: screens configured at the last start, its target, screens whose latest state is connected.
read -r n target up < <(awk '
  $3 == "wallboard" && $4 == "starting" { n = $5; target = $8; delete state; next }
  $3 == "screen" { state[$4 + 0] = ($5 == "connected") }
  END { c = 0; for (s in state) c += state[s]; print (n == "" ? "-" : n), (target == "" ? "-" : target), c }
' "$log")
[ "$n" = "-" ] && fl_fail "the wallboard log on wall shows no start of the wallboard"
[ "$target" = "api:{{port}}" ] || fl_fail "the wallboard no longer polls api:{{port}} (it started against $target)"
[ "$n" -ge {{screens}} ] || fl_fail "the wallboard runs only $n of {{screens}} screens"
[ "$up" -ge {{screens}} ] || fl_fail "only $up of {{screens}} wallboard screens hold a connection to the API"
fl_pass "all {{screens}} wallboard screens are connected to the API"
