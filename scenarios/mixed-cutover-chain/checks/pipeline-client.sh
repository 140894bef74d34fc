# The deploy pipeline's smoke test (Python's ssl module, a different TLS stack than curl), as any
# client on the network runs it: the name resolved through the lab's DNS, only the {{org}} root
# trusted (the checker's own copy), and the answer must come from web2's address.
name={{site}}.{{domain}}
smoke() {
  out=$(python3 - "$name" /etc/ssl/lab/root.crt 2>&1 <<'PY'
import http.client, json, ssl, sys
name, root = sys.argv[1:3]
conn = http.client.HTTPSConnection(name, 443, context=ssl.create_default_context(cafile=root), timeout=5)
try:
    conn.request("GET", "/version")
    peer = conn.sock.getpeername()[0]
    v = json.loads(conn.getresponse().read())
    print(f"release {v['release']} from {v['server']} at {peer}")
except Exception as e:
    print(f"error: {getattr(e, 'reason', None) or e}")
PY
)
  [ "$out" = "release {{release}}1 from web2 at {{hosts.web2.ip}}" ]
}
fl_retry 3 1 smoke && fl_pass "the pipeline's Python client gets release {{release}}1 from https://$name/version on web2"
fl_fail "the pipeline's Python client against https://$name/version: $out"
