# On the wallboard host: every screen must hold its connection to the API (killing screens is not a fix).
for attempt in 1 2 3 4 5 6; do
  n=$(ss -Htn state established "( dport = :{{port}} )" 2>/dev/null | wc -l)
  if [ "$n" -ge {{screens}} ]; then
    echo "all {{screens}} wallboard screens are connected to the API ($n connections)"
    exit 0
  fi
  sleep 1
done
echo "only $n of {{screens}} wallboard screens hold a connection to the API"
exit 1
