# Resolves the name the way every program does (libc) and fetches the page.
if body=$(curl -fsS --max-time 6 "http://{{site}}.{{domain}}/" 2>&1) && printf '%s' "$body" | grep -q "{{site}}.{{domain}}"; then
  echo "http://{{site}}.{{domain}}/ loads on ws"
  exit 0
fi
echo "http://{{site}}.{{domain}}/ does not load on ws: $(printf '%s' "$body" | head -n1)"
exit 1
