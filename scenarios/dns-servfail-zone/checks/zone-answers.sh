# Asks ns from the server network: the zone must be loaded and answer the site's name.
for i in 1 2 3; do
  out=$(dig +time=2 +tries=1 @{{hosts.ns.ip}} {{site}}.{{domain}} A 2>&1)
  got=$(printf '%s\n' "$out" | grep -v '^;' | awk '$4 == "A" {print $5}' | tail -n1)
  [ "$got" = "{{hosts.web.ip}}" ] && break
  sleep 0.3
done
if [ "$got" = "{{hosts.web.ip}}" ]; then
  echo "ns answers {{site}}.{{domain}} -> $got"
  exit 0
fi
status=$(printf '%s\n' "$out" | grep -o 'status: [A-Z]*' | head -n1)
echo "ns answers {{site}}.{{domain}} with ${status:-no answer}${got:+ -> $got}"
exit 1
