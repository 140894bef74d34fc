# The fix must keep last week's record, and the page must load by name.
for i in 1 2 3; do
  out=$(dig +time=2 +tries=1 @{{hosts.ns.ip}} {{newrec}}.{{domain}} A 2>&1)
  got=$(printf '%s\n' "$out" | grep -v '^;' | awk '$4 == "A" {print $5}' | tail -n1)
  [ "$got" = "{{hosts.web.ip}}" ] && break
  sleep 0.3
done
status=$(printf '%s\n' "$out" | grep -o 'status: [A-Z]*' | head -n1)
if [ "$got" != "{{hosts.web.ip}}" ]; then
  echo "ns answers {{newrec}}.{{domain}} with ${status:-no answer}${got:+ -> $got}, expected {{hosts.web.ip}}"
  exit 1
fi
if curl -fsS --max-time 4 "http://{{newrec}}.{{domain}}/" | grep -q "{{newrec}}.{{domain}}"; then
  echo "{{newrec}}.{{domain}} -> $got and the page loads by name"
  exit 0
fi
echo "{{newrec}}.{{domain}} resolves to $got but http://{{newrec}}.{{domain}}/ does not load"
exit 1
