# Runs on a hidden host in the office range whose replies must come back through gw.
base="http://reports:{{port}}"
if ! curl -fsS --max-time 3 -o /dev/null "$base/healthz"; then
  echo "reports does not even answer a small request from the office ($base/healthz)"
  exit 1
fi
for attempt in 1 2 3; do
  got=$(curl -fsS --max-time 4 -o /dev/null -w '%{size_download}' "$base/big?kb=64" 2>/dev/null)
  if [ "$got" = "65536" ]; then
    echo "a 64 KiB report downloads from the office ($got bytes)"
    exit 0
  fi
  sleep 1
done
echo "small requests work, but a 64 KiB report from the office hangs (got ${got:-0} of 65536 bytes)"
exit 1
