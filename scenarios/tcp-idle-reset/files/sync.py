#!/usr/bin/env python3
"""inventory-sync: polls the {{app_name}} API every intervalSeconds over one persistent HTTP/1.1
connection (like most HTTP client pools) and logs each poll. Configured by /etc/sync/sync.json:

  api                  base URL of the API
  path                 what to poll
  intervalSeconds      seconds between polls
  keepAlive            reuse one connection between polls (true) or open a new one per poll (false)
  maxIdleSeconds       with keepAlive: drop a pooled connection idle longer than this (0 = never)
  tcpKeepAliveSeconds  enable TCP keepalive probes after this many idle seconds (0 = off)

`sync.py --probe [seconds]` runs two polls `seconds` apart (default intervalSeconds) with the
current configuration and exits non-zero if either fails.
"""
import http.client
import json
import socket
import sys
import time
from datetime import datetime
from urllib.parse import urlparse

CONFIG = "/etc/sync/sync.json"


def log(msg):
    print(f"{datetime.now().strftime('%Y-%m-%d %H:%M:%S')} {msg}", flush=True)


class Poller:
    def __init__(self, cfg):
        self.cfg = cfg
        url = urlparse(cfg["api"])
        self.host, self.port = url.hostname, url.port or 80
        self.conn = None
        self.last_used = 0.0

    def connect(self):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
        conn.connect()
        ka = int(self.cfg.get("tcpKeepAliveSeconds", 0))
        if ka > 0:
            s = conn.sock
            s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, ka)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, ka)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
        return conn

    def poll(self):
        keep = bool(self.cfg.get("keepAlive", True))
        max_idle = float(self.cfg.get("maxIdleSeconds", 0))
        idle = time.time() - self.last_used if self.conn else 0
        if self.conn and (not keep or (max_idle > 0 and idle > max_idle)):
            self.conn.close()
            self.conn = None
        reused = self.conn is not None
        try:
            if self.conn is None:
                self.conn = self.connect()
            self.conn.request("GET", self.cfg.get("path", "/"), headers={"User-Agent": "inventory-sync/2.3"})
            resp = self.conn.getresponse()
            resp.read()
            self.last_used = time.time()
            how = f"reused connection, idle {idle:.0f}s" if reused else "new connection"
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}")
            log(f"poll ok: HTTP {resp.status} ({how})")
            if not keep:
                self.conn.close()
                self.conn = None
            return True
        except Exception as exc:  # noqa: BLE001 - a sync job logs and carries on
            how = f"reused connection, idle {idle:.0f}s" if reused else "new connection"
            log(f"poll FAILED: {type(exc).__name__}: {exc} ({how})")
            if self.conn:
                self.conn.close()
            self.conn = None
            return False


def main():
    with open(CONFIG, encoding="utf-8") as f:
        cfg = json.load(f)
    poller = Poller(cfg)
    if len(sys.argv) > 1 and sys.argv[1] == "--probe":
        gap = float(sys.argv[2]) if len(sys.argv) > 2 else float(cfg["intervalSeconds"])
        first = poller.poll()
        time.sleep(gap)
        second = poller.poll()
        sys.exit(0 if first and second else 1)
    log(f"inventory-sync starting: {cfg['api']}{cfg.get('path', '/')} every {cfg['intervalSeconds']}s")
    while True:
        poller.poll()
        time.sleep(float(cfg["intervalSeconds"]))


if __name__ == "__main__":
    main()
