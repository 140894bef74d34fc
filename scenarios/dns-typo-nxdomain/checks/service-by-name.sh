# Resolves through ns (this host's resolver) the way programs do, and calls the service.
if body=$(curl -fsS --max-time 4 "http://{{svc}}.{{domain}}:{{port}}/healthz" 2>&1) && [ "$body" = "ok" ]; then
  echo "http://{{svc}}.{{domain}}:{{port}}/healthz answers ok"
  exit 0
fi
echo "http://{{svc}}.{{domain}}:{{port}}/healthz fails: $(printf '%s' "$body" | head -n1)"
exit 1
