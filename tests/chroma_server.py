"""A real Chroma server for tests: `chroma run` from this venv on a free local port.

The `chroma` script ships with the chromadb wheel (a project dependency), so it must be next to
`sys.executable`; a missing script is a broken environment, not a reason to skip.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

HEARTBEAT = "/api/v2/heartbeat"


def chroma_script() -> Path:
    """The `chroma` CLI installed beside the running interpreter."""
    bin_dir = Path(sys.executable).parent
    for name in ("chroma", "chroma.exe"):
        found = bin_dir / name
        if found.is_file():
            return found
    pytest.fail(
        f"no `chroma` script in {bin_dir}: the chromadb wheel installs it; reinstall the project's "
        "dependencies into this environment (pip install -e '.[dev]')",
        pytrace=False,
    )


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _log_tail(log: Path, chars: int = 4000) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError as exc:
        return f"(no server log: {exc})"


def _heartbeat(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + HEARTBEAT, timeout=1.0) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def chroma_server(data_dir: Path, port: int | None = None, timeout_s: float = 30.0) -> Iterator[str]:
    """Run `chroma run` persisting to `data_dir`; yields `http://127.0.0.1:PORT` once it answers.

    `port` defaults to a free one.

    Output goes to `data_dir/chroma-server.log` (a pipe nobody reads could fill up and stall the
    server). The process is terminated, and waited for, on exit.
    """
    script = chroma_script()
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "chroma-server.log"
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(script), "run", "--path", str(data_dir / "db"), "--host", "127.0.0.1", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        deadline = time.monotonic() + timeout_s
        while not _heartbeat(url):
            if proc.poll() is not None:
                pytest.fail(
                    f"chroma server exited with code {proc.returncode} before answering {url}{HEARTBEAT}; "
                    f"its log:\n{_log_tail(log_path)}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"chroma server did not answer {url}{HEARTBEAT} within {timeout_s:.0f} s; "
                    f"its log:\n{_log_tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(0.1)
        yield url
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
