#!/usr/bin/env python3
"""warehouse wallboards: each screen keeps one HTTP/1.1 connection to the {{app_name}} API and
long-polls it for updates (GET /slow?ms=20000 stands in for the event stream). A screen whose
connection fails logs it and reconnects after retrySeconds. Configured by /etc/wallboard/wallboard.json.
"""
import http.client
import json
import sys
import threading
import time
from datetime import datetime

with open("/etc/wallboard/wallboard.json", encoding="utf-8") as f:
    CFG = json.load(f)

lock = threading.Lock()


def log(msg):
    with lock:
        print(f"{datetime.now().strftime('%Y-%m-%d %H:%M:%S')} {msg}", flush=True)


def screen(n):
    state = None
    while True:
        conn = http.client.HTTPConnection(CFG["host"], CFG["port"], timeout=CFG["pollMs"] / 1000 + 10)
        try:
            conn.connect()
            if state != "up":
                log(f"screen {n:02d}: connected to {CFG['host']}:{CFG['port']}")
            state = "up"
            while True:
                conn.request("GET", f"/slow?ms={CFG['pollMs']}", headers={"User-Agent": f"wallboard/{n}"})
                resp = conn.getresponse()
                resp.read()
        except Exception as exc:  # noqa: BLE001 - a screen logs and retries
            if state != "down":
                log(f"screen {n:02d}: {type(exc).__name__}: {exc} - retrying every {CFG['retrySeconds']}s")
            state = "down"
        finally:
            conn.close()
        time.sleep(CFG["retrySeconds"])


def main():
    log(f"wallboard starting {CFG['screens']} screens against {CFG['host']}:{CFG['port']}")
    for n in range(1, int(CFG["screens"]) + 1):
        threading.Thread(target=screen, args=(n,), daemon=True).start()
        time.sleep(0.05)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
