# From a hidden host in the server network: five fresh connections in a row must all be served.
for attempt in 1 2 3; do
  ok=0
  for i in 1 2 3 4 5; do
    curl -fsS --max-time 3 -o /dev/null http://api:{{port}}/healthz 2>/dev/null && ok=$((ok + 1))
  done
  if [ "$ok" -eq 5 ]; then
    echo "new clients are served: 5 of 5 fresh connections to api:{{port}} answered"
    exit 0
  fi
  sleep 1
done
echo "new clients are turned away: only $ok of 5 fresh connections to api:{{port}} answered"
exit 1
