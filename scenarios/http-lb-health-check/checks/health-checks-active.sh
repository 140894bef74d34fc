# Runs on lb: active health checking must still run and see both backends healthy through an
# endpoint that really answers 200 (fixing the checker's path or the apps' path both count).
pid=$(cat /run/lb-healthd/pid 2>/dev/null)
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
  echo "lb-healthd is not running: without it a dead backend would keep getting traffic"
  exit 1
fi
state=/run/lb-healthd/state
for i in 1 2 3 4 5; do
  age=$(( $(date +%s) - $(stat -c %Y "$state" 2>/dev/null || echo 0) ))
  up=$(grep -c ' UP ' "$state" 2>/dev/null)
  [ "$age" -le 10 ] && [ "${up:-0}" -ge 2 ] && break
  sleep 1
done
if [ "$age" -gt 10 ]; then
  echo "lb-healthd has not completed a round for $age s"
  exit 1
fi
if [ "${up:-0}" -lt 2 ]; then
  echo "lb-healthd marks backends down: $(grep -v ' UP ' "$state" | awk '{print $1" "$2" -> HTTP "$4}' | paste -sd, -)"
  exit 1
fi
. /etc/lb-healthd.conf
for b in $BACKENDS; do
  code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://${b#*=}$CHECK_PATH")
  if [ "$code" != "200" ]; then
    echo "lb-healthd probes $CHECK_PATH, which answers $code on ${b%%=*}: that is not a health check"
    exit 1
  fi
done
echo "lb-healthd is running and sees both backends healthy on $CHECK_PATH"
exit 0
