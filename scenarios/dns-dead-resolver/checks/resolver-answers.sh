# Asks through the resolver configuration only (getent -s dns skips /etc/hosts), and times it:
# a dead server listed first still "works" after its timeout, which is not a fix.
# Up to three tries, so one lost packet on a busy machine does not fail a good configuration.
server=$(awk '$1 == "nameserver" {print $2; exit}' /etc/resolv.conf)
for try in 1 2 3; do
  start=$(date +%s%N)
  got=$(timeout 8 getent -s dns hosts {{site}}.{{domain}} | awk '{print $1}' | head -n1)
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ "$got" = "{{hosts.web.ip}}" ] && [ "$ms" -lt 1900 ]; then
    echo "{{site}}.{{domain}} -> $got through DNS in ${ms} ms (first nameserver ${server:-none})"
    exit 0
  fi
  [ "$got" = "{{hosts.web.ip}}" ] || break
  sleep 0.3
done
if [ "$got" = "{{hosts.web.ip}}" ]; then
  echo "{{site}}.{{domain}} resolves, but only after ${ms} ms: the first nameserver (${server:-none}) does not answer, every lookup waits for its timeout"
else
  echo "ws cannot resolve {{site}}.{{domain}} through DNS (got '${got:-nothing}' after ${ms} ms; first nameserver ${server:-none})"
fi
exit 1
