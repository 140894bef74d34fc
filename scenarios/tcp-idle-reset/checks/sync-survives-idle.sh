# Nothing runs on sync (the candidate has root there): the job's configuration, log and process
# list come through the engine, and the checker runs its own copy of the job's client (taken at setup)
# with that configuration: one poll, {{interval}} s of silence (the job's real schedule), then a
# second poll. Client-side and firewall fixes both pass.
fl_processes sync | grep -q 'python3 /opt/sync/sync.py' || fl_fail "inventory-sync is not running on sync"
cfg=$(fl_state sync /etc/sync/sync.json)
[ -f "$cfg" ] || fl_fail "sync has no /etc/sync/sync.json"
polls=$(jq -r '"\(.api)\(.path) every \(.intervalSeconds) s"' "$cfg" 2>/dev/null) ||
  fl_fail "/etc/sync/sync.json on sync is not valid JSON"
[ "$polls" = "http://api:{{port}}/v1/{{app_name}}/changes every {{interval}} s" ] ||
  fl_fail "inventory-sync must keep polling http://api:{{port}}/v1/{{app_name}}/changes every {{interval}} s, its configuration says $polls"
# A changed configuration counts only once the job runs with it: svc restart since the session began.
started() { grep 'inventory-sync starting' "$1" 2>/dev/null | tail -n1; }
if [ "$(started "$(fl_state sync /var/log/sync.log)")" = "$(started /opt/faultline/sync.log)" ] &&
  ! cmp -s <(jq -S . "$cfg") <(jq -S . /opt/faultline/sync.json); then
  fl_fail "/etc/sync/sync.json was changed, but inventory-sync was not restarted since: it still polls with its old settings"
fi
out=$(python3 - "$cfg" {{interval}} 2>&1 <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("sync", "/opt/faultline/sync.py")
job = importlib.util.module_from_spec(spec)
spec.loader.exec_module(job)
job.CONFIG = sys.argv[1]
sys.argv = ["sync.py", "--probe", sys.argv[2]]
job.main()
PY
)
rc=$?
second=$(tail -n1 <<<"$out" | cut -d' ' -f3-)
[ $rc -eq 0 ] && fl_pass "a poll after {{interval}} s idle succeeds: $second"
fl_fail "a poll after {{interval}} s idle fails: $second"
