"""An in-memory copy of the filterable metadata of one organization's chunks, as numpy columns.

Chroma evaluates a `where` clause in SQLite before its vector search (an equality on `customer_id`
took 94 ms at 300k chunks, a time range seconds), and reading metadata back costs about 0.1 ms a
chunk. With this table a filter is a vectorised mask: a customer's (deal's, rep's, or a list of
records') chunks are found here and their vectors read by id; a kinds or time filter is checked here
on the nearest ids of an unfiltered query. About 60 MB at 300k chunks; it is read once per
organization (24 s at 300k chunks in `benchmarks/search.py`, in the background) and kept
current by the engine's writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.records import SearchFilters

_NONE = -1
_CODED = ("kind", "customer_id", "deal_id", "rep_id")


class OrgTable:
    """Rows of chunk metadata (`kind`, `customer_id`, `deal_id`, `rep_id`, `at`, `record_id`, `cjk`)."""

    def __init__(self, capacity: int = 1024) -> None:
        self.row: dict[str, int] = {}
        self.ids: list[str] = []
        self.by_record: dict[str, list[int]] = {}
        self._codes: dict[str, dict[str, int]] = {key: {} for key in _CODED}
        self._columns: dict[str, npt.NDArray[Any]] = {
            key: np.full(capacity, _NONE, dtype=np.int32) for key in _CODED
        }
        self._at = np.zeros(capacity, dtype=np.int64)
        self._has_at = np.zeros(capacity, dtype=bool)
        self._alive = np.zeros(capacity, dtype=bool)
        self._cjk = np.full(capacity, _NONE, dtype=np.int8)  # 1 Chinese, 0 Latin, -1 not stored

    def __len__(self) -> int:
        return int(self._alive[: len(self.ids)].sum())

    def _grow(self, need: int) -> None:
        size = len(self._alive)
        if need <= size:
            return
        new = max(need, size * 2)
        for key, column in self._columns.items():
            grown = np.full(new, _NONE, dtype=np.int32)
            grown[:size] = column
            self._columns[key] = grown
        self._at = np.concatenate([self._at, np.zeros(new - size, dtype=np.int64)])
        self._has_at = np.concatenate([self._has_at, np.zeros(new - size, dtype=bool)])
        self._alive = np.concatenate([self._alive, np.zeros(new - size, dtype=bool)])
        self._cjk = np.concatenate([self._cjk, np.full(new - size, _NONE, dtype=np.int8)])

    def put(self, items: Iterable[tuple[str, Mapping[str, object]]]) -> None:
        """Add or replace chunks' metadata."""
        for chunk_id, meta in items:
            n = self.row.get(chunk_id)
            if n is None:
                n = len(self.ids)
                self._grow(n + 1)
                self.row[chunk_id] = n
                self.ids.append(chunk_id)
                record = str(meta.get("record_id") or chunk_id.rsplit("#", 1)[0])
                self.by_record.setdefault(record, []).append(n)
            for key in _CODED:
                value = meta.get(key)
                codes = self._codes[key]
                self._columns[key][n] = (
                    _NONE if not isinstance(value, str) else codes.setdefault(value, len(codes))
                )
            at = meta.get("at")
            self._has_at[n] = isinstance(at, int) and not isinstance(at, bool)
            self._at[n] = at if isinstance(at, int) else 0
            cjk = meta.get("cjk")
            self._cjk[n] = cjk if cjk in (0, 1) and not isinstance(cjk, bool) else _NONE
            self._alive[n] = True

    def chinese(self, chunk_id: str) -> bool | None:
        """Whether the chunk is written mostly in Chinese; None when unknown (an older index)."""
        n = self.row.get(chunk_id)
        if n is None or not self._alive[n] or self._cjk[n] == _NONE:
            return None
        return bool(self._cjk[n])

    def drop_records(self, record_ids: Iterable[str]) -> None:
        """Forget every chunk of the given records."""
        for record in record_ids:
            for n in self.by_record.get(record, ()):
                self._alive[n] = False

    def record_mask(self, record_ids: Iterable[str]) -> npt.NDArray[np.bool_]:
        """Rows of the given records."""
        keep = np.zeros(len(self.ids), dtype=bool)
        for record in record_ids:
            keep[self.by_record.get(record, [])] = True
        return keep

    def mask(self, filters: SearchFilters) -> npt.NDArray[np.bool_]:
        """Rows (live chunks) passing every filter."""
        size = len(self.ids)
        keep = self._alive[:size].copy()
        for key in ("customer_id", "deal_id", "rep_id"):
            want = getattr(filters, key)
            if want is not None:
                code = self._codes[key].get(want)
                keep &= self._columns[key][:size] == (code if code is not None else -2)
        if filters.kinds:
            codes = [self._codes["kind"][k] for k in filters.kinds if k in self._codes["kind"]]
            keep &= np.isin(self._columns["kind"][:size], codes)
        if filters.since is not None or filters.until is not None:
            keep &= self._has_at[:size]
            if filters.since is not None:
                keep &= self._at[:size] >= int(filters.since.timestamp())
            if filters.until is not None:
                keep &= self._at[:size] <= int(filters.until.timestamp())
        if filters.record_ids is not None:
            keep &= self.record_mask(filters.record_ids)
        return keep

    def chunk_ids(self, mask: npt.NDArray[np.bool_]) -> list[str]:
        return [self.ids[n] for n in np.flatnonzero(mask)]

    def passing(self, chunk_ids: Iterable[str], mask: npt.NDArray[np.bool_]) -> list[str]:
        """The given chunk ids that pass `mask` (unknown ids do not), in the given order."""
        out = []
        for chunk_id in chunk_ids:
            n = self.row.get(chunk_id)
            if n is not None and n < len(mask) and mask[n]:
                out.append(chunk_id)
        return out
