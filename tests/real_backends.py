"""The storage, retrieval and API tests a second time, on a real PostgreSQL and a real `chroma run`.

`make test` runs this after the main suite. It starts a Chroma server from this environment in a
temporary directory and points the tests' shared fixtures at it and at PostgreSQL
(COPILOT_TEST_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres). Without a
reachable PostgreSQL it says so and skips, unless COPILOT_REQUIRE_POSTGRES=1 (CI), where that fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from tests.chroma_server import chroma_server

PATHS = [
    "tests/api",
    "tests/retrieval",
    "tests/collab",
    "tests/rhythm",
    "tests/test_importer.py",
    "tests/test_postgres.py",
    "tests/test_workers.py",
    "tests/web",
    "tests/test_corrections.py",
    "tests/test_personal_data.py",
]

# Tests whose time goes to work no backend touches: reading scanned contracts with OCR (about a
# minute) stores what the other contract tests store; the main pass runs them.
IGNORED = ["tests/api/test_contract_scans.py"]


def main() -> int:
    url = os.environ.get("COPILOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    try:
        engine = sa.create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
    except OperationalError as exc:
        if os.environ.get("COPILOT_REQUIRE_POSTGRES") == "1":
            print(f"PostgreSQL is required and not reachable at {url}: {exc.orig}", file=sys.stderr)
            return 1
        print(f"second pass on PostgreSQL and a Chroma server skipped: no PostgreSQL at {url}")
        return 0
    with tempfile.TemporaryDirectory(prefix="copilot-chroma-") as tmp, chroma_server(Path(tmp)) as chroma:
        env = {**os.environ, "COPILOT_TEST_REAL_POSTGRES": url, "COPILOT_TEST_REAL_CHROMA": chroma}
        print(f"second pass: PostgreSQL {engine.url.render_as_string()} and Chroma server {chroma}")
        ignored = [f"--ignore={path}" for path in IGNORED]
        args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *PATHS, *ignored]
        args += sys.argv[1:]
        return subprocess.run(args, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
