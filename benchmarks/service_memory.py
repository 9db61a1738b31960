"""Resident memory of the idle service with the demo data: start it, wait for /healthz, read VmRSS.

Usage: python -m benchmarks.service_memory [--port 8765]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def rss_mb(pid: int) -> float:
    """Resident set size of `pid` in MiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS line")


def tree_rss_mb(pid: int) -> float:
    """RSS of `pid` and its descendants (the embedding worker process), in MiB."""
    total = rss_mb(pid)
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += tree_rss_mb(int(child))
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "COPILOT_DATA_DIR": tmp,
            "COPILOT_PORT": str(args.port),
            "COPILOT_LOG_LEVEL": "warning",
        }
        exe = Path(sys.executable).with_name("copilot")
        proc = subprocess.Popen([str(exe), "serve", "--demo"], env=env, stdout=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{args.port}/healthz"
            for _ in range(300):
                try:
                    with urllib.request.urlopen(url, timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.1)
            keys = json.loads((Path(tmp) / "demo-keys.json").read_text())
            req = urllib.request.Request(
                f"http://127.0.0.1:{args.port}/v1/customers/c1", headers={"X-API-Key": keys["admin"]}
            )
            with urllib.request.urlopen(req, timeout=5) as r:
                assert r.status == 200
            time.sleep(1)
            idle = rss_mb(proc.pid)
            search = urllib.request.Request(
                f"http://127.0.0.1:{args.port}/v1/search?q=%E5%88%86%E6%9C%9F%E4%BB%98%E6%AC%BE",
                headers={"X-API-Key": keys["admin"]},
            )
            with urllib.request.urlopen(search, timeout=120) as r:  # loopback only
                assert r.status == 200
            time.sleep(1)
            print(
                json.dumps(
                    {
                        "idle_rss_mb": round(idle, 1),
                        "after_first_search_service_rss_mb": round(rss_mb(proc.pid), 1),
                        "after_first_search_with_embedding_worker_rss_mb": round(tree_rss_mb(proc.pid), 1),
                    }
                )
            )
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
