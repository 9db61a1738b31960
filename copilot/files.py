"""Uploaded originals (letter photos, scans), kept on disk by content hash, one folder per organization."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from copilot.errors import NotFound


class FileStore:
    """Content-addressed files under `root/<org_id>/`; writing the same bytes twice stores them once."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, org_id: int, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise NotFound("no such file")
        return self.root / str(org_id) / sha256[:2] / sha256

    def put(self, org_id: int, data: bytes) -> str:
        """Store `data`; its SHA-256, by which it is found again."""
        sha = hashlib.sha256(data).hexdigest()
        path = self._path(org_id, sha)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(data)
            os.replace(tmp, path)  # atomic: a reader never sees half a file
        return sha

    def get(self, org_id: int, sha256: str) -> bytes:
        path = self._path(org_id, sha256)
        if not path.exists():
            raise NotFound("no such file")
        return path.read_bytes()

    def delete(self, org_id: int, sha256: str) -> None:
        self._path(org_id, sha256).unlink(missing_ok=True)
