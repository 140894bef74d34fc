# Runs on ns: the deploy pipeline's smoke test (Python's ssl module, a different TLS stack than
# curl), resolving the name through the authoritative server and trusting only the {{org}} root.
name={{site}}.{{domain}}
for attempt in 1 2 3; do
  addr=$(dig +short +time=2 +tries=1 @127.0.0.1 "$name" A | grep -E '^[0-9.]+$' | tail -n1)
  out=$(python3 - "$name" "${addr:-0.0.0.0}" /etc/ssl/lab/root.crt 2>&1 <<'PY'
import json, socket, ssl, sys, urllib.request
name, addr, root = sys.argv[1:4]
real = socket.getaddrinfo
socket.getaddrinfo = lambda host, *a, **k: real(addr if host == name else host, *a, **k)
ctx = ssl.create_default_context(cafile=root)
try:
    body = urllib.request.urlopen(f"https://{name}/version", context=ctx, timeout=5).read()
    v = json.loads(body)
    print(f"release {v['release']} from {v['server']}")
except Exception as e:
    print(f"error: {getattr(e, 'reason', e)}")
PY
)
  if [ "$out" = "release {{release}}1 from web2" ]; then
    echo "the pipeline's Python client gets release {{release}}1 from https://$name/version ($addr)"
    exit 0
  fi
  sleep 1
done
echo "the pipeline's Python client against https://$name/version (${addr:-unresolved}): $out"
exit 1
