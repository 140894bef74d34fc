# Runs the job's own client with its current configuration: one poll, {{interval}} s of silence
# (the job's real schedule), then a second poll. Client-side and firewall fixes both pass.
out=$(python3 /opt/sync/sync.py --probe {{interval}} 2>&1)
rc=$?
second=$(printf '%s\n' "$out" | tail -n1 | cut -d' ' -f3-)
if [ $rc -eq 0 ]; then
  echo "a poll after {{interval}} s idle succeeds: $second"
  exit 0
fi
echo "a poll after {{interval}} s idle fails: $second"
printf '%s\n' "$out"
exit 1
