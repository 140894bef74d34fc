# Asks the authoritative server directly: a hosts-file entry anywhere cannot pass this.
# Accepts any correct shape (A record, or a CNAME chain ending at the app server).
for i in 1 2 3; do
  out=$(dig +time=2 +tries=1 @127.0.0.1 {{svc}}.{{domain}} A 2>&1)
  got=$(printf '%s\n' "$out" | grep -v '^;' | awk '$4 == "A" {print $5}' | tail -n1)
  [ "$got" = "{{hosts.app.ip}}" ] && break
  sleep 0.3
done
if [ "$got" = "{{hosts.app.ip}}" ]; then
  echo "ns answers {{svc}}.{{domain}} -> $got (the app server)"
  exit 0
fi
status=$(printf '%s\n' "$out" | grep -o 'status: [A-Z]*' | head -n1)
echo "ns answers {{svc}}.{{domain}} with ${status:-no answer}, address '${got:-none}' (expected the app server)"
exit 1
