"""The lab's HTTP app: a tiny shop backend whose behaviour scenarios tune through /etc/app/app.json.

Built-in routes:
  GET  /            -> JSON greeting with name and version
  GET  <healthPath> -> "ok" (200)
  GET  /slow?ms=N   -> answers after N milliseconds
  GET  /headers     -> the request headers as JSON (for proxy header debugging)
  GET  /big?kb=N    -> N KiB of text (for MTU / buffering faults)
  POST /upload      -> stores nothing, answers the byte count received
Extra routes come from "routes": {"/path": {"status": 200, "body": "...", "headers": {...}, "delayMs": 0}}.

Every answer to a request carrying "X-Faultline-Challenge" carries "X-Faultline-Proof": the
challenge signed (HMAC-SHA256) with the environment's key in /etc/faultline/proof.key, so the
lab's checker can tell the running app from anything that imitates its responses.

Optional "httpsRedirect": true makes the app insist on HTTPS the way web frameworks do behind a
TLS-terminating proxy: any request (except the health path) whose forwarded-proto header (default
"X-Forwarded-Proto", or "forwardedProtoHeader") is not "https" is answered with a 301 to
https://<Host><path>. Off by default.
"""
import hashlib
import hmac
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

CONFIG_PATH = sys.argv[1] if len(sys.argv) > 1 else "/etc/app/app.json"
with open(CONFIG_PATH, encoding="utf-8") as f:
    CONFIG = json.load(f)

PROOF_KEY_PATH = "/etc/faultline/proof.key"
try:
    with open(PROOF_KEY_PATH, encoding="utf-8") as f:
        PROOF_KEY = f.read().strip().encode()
except OSError:
    PROOF_KEY = b""


def proof_of(challenge):
    """The keyed answer to the checker's challenge; empty outside a lab environment."""
    if not PROOF_KEY or not challenge:
        return ""
    return hmac.new(PROOF_KEY, challenge.strip().encode(), hashlib.sha256).hexdigest()


class Handler(BaseHTTPRequestHandler):
    server_version = f"{CONFIG.get('name', 'app')}/{CONFIG.get('version', '1.0.0')}"
    protocol_version = "HTTP/1.1"

    def send_text(self, status, body, content_type="text/plain; charset=utf-8", headers=None):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        proof = proof_of(self.headers.get("X-Faultline-Challenge", ""))
        if proof:
            self.send_header("X-Faultline-Proof", proof)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_HEAD(self):
        self.do_GET()

    def needs_https_redirect(self, path):
        if not CONFIG.get("httpsRedirect", False) or path == CONFIG.get("healthPath", "/healthz"):
            return False
        proto = self.headers.get(CONFIG.get("forwardedProtoHeader", "X-Forwarded-Proto"), "http")
        return proto.split(",")[0].strip().lower() != "https"

    def send_https_redirect(self):
        host = self.headers.get("Host", CONFIG.get("name", "app"))
        self.send_text(301, "moved to https\n", headers={"Location": f"https://{host}{self.path}"})

    def do_GET(self):
        url = urlparse(self.path)
        if self.needs_https_redirect(url.path):
            self.send_https_redirect()
            return
        query = parse_qs(url.query)
        route = CONFIG.get("routes", {}).get(url.path)
        if route is not None:
            time.sleep(route.get("delayMs", 0) / 1000)
            self.send_text(route.get("status", 200), route.get("body", ""),
                           route.get("contentType", "text/plain; charset=utf-8"), route.get("headers"))
        elif url.path == CONFIG.get("healthPath", "/healthz"):
            self.send_text(200, "ok\n")
        elif url.path == "/":
            body = json.dumps({"app": CONFIG.get("name", "app"), "version": CONFIG.get("version"), "status": "ok"})
            self.send_text(200, body + "\n", "application/json")
        elif url.path == "/slow":
            time.sleep(int(query.get("ms", ["1000"])[0]) / 1000)
            self.send_text(200, "slow ok\n")
        elif url.path == "/headers":
            self.send_text(200, json.dumps(dict(self.headers), indent=2) + "\n", "application/json")
        elif url.path == "/big":
            kb = int(query.get("kb", ["64"])[0])
            self.send_text(200, ("x" * 1023 + "\n") * kb)
        else:
            self.send_text(404, "not found\n")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        received = 0
        while received < length:
            chunk = self.rfile.read(min(65536, length - received))
            if not chunk:
                break
            received += len(chunk)
        if self.needs_https_redirect(urlparse(self.path).path):
            self.send_https_redirect()
            return
        if urlparse(self.path).path == "/upload":
            self.send_text(200, json.dumps({"received": received}) + "\n", "application/json")
        else:
            self.send_text(404, "not found\n")

    def log_message(self, fmt, *args):
        sys.stderr.write("%s - %s\n" % (self.address_string(), fmt % args))


if __name__ == "__main__":
    server = ThreadingHTTPServer((CONFIG.get("bind", "0.0.0.0"), int(CONFIG.get("port", 8080))), Handler)
    server.serve_forever()
