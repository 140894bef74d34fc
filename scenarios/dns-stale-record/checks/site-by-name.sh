# Resolves through ns itself (its resolv.conf points at ns) and fetches the page.
if curl -fsS --max-time 3 -o /dev/null "http://{{site}}.{{domain}}/"; then
  echo "http://{{site}}.{{domain}}/ answers 200"
  exit 0
fi
echo "http://{{site}}.{{domain}}/ does not load by name"
exit 1
