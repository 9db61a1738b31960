"""The whole test suite as `make test` runs it: the main suite in two halves side by side, and beside
them the storage, retrieval and API tests again on PostgreSQL and a Chroma server
(`tests/real_backends.py`).

Each half has its own pytest process and temporary directory, and each test of the second pass
has a database and collections of its own, so the three share nothing. The first half prints as it
runs; the other two print after it, in order. The exit status is non-zero when any of them failed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

# The second half of the main suite; the first half is every other test (so none is left out).
SECOND_HALF = [
    "tests/web",
    "tests/collab",
    "tests/rhythm",
    "tests/suggest",
    "tests/risks",
    "tests/extraction",
    "tests/contracts",
    "tests/evaluators",
    "tests/ask",
    "tests/test_personal_data.py",
    "tests/test_no_case_rules.py",
    "tests/test_importer.py",
    "tests/test_cli.py",
    "tests/test_chroma_server.py",
    "tests/test_audit.py",
    "tests/test_backup.py",
    "tests/test_corrections.py",
    "tests/test_postgres.py",
    "tests/test_versioning.py",
    "tests/test_properties.py",
    "tests/test_architecture.py",
]


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    with tempfile.TemporaryDirectory(prefix="copilot-suite-") as tmp:
        logs = {name: Path(tmp) / f"{name}.log" for name in ("second-half", "real-backends")}
        background = {
            "second-half": [*pytest, f"--basetemp={Path(tmp) / 'second-half'}", *SECOND_HALF],
            "real-backends": [sys.executable, "-m", "tests.real_backends"],
        }
        running = {
            name: subprocess.Popen(args, cwd=root, stdout=logs[name].open("wb"), stderr=subprocess.STDOUT)
            for name, args in background.items()
        }
        ignored = [f"--ignore={path}" for path in SECOND_HALF]
        codes = [subprocess.run([*pytest, *ignored, *sys.argv[1:]], cwd=root, check=False).returncode]
        for name, proc in running.items():
            codes.append(proc.wait())
            title = {
                "second-half": "the main suite's second half",
                "real-backends": "second pass (PostgreSQL and a Chroma server)",
            }[name]
            print(f"--- {title} ---", flush=True)
            sys.stdout.write(logs[name].read_text(encoding="utf-8", errors="replace"))
            sys.stdout.flush()
    return max(codes, key=abs)


if __name__ == "__main__":
    sys.exit(main())
