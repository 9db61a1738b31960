"""The text of an interaction cut into pieces, each knowing which fields' evidence covers it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    text: str
    keys: tuple[str, ...]  # the fields whose evidence covers this piece (empty: plain text)


def pieces(text: str, spans: list[tuple[int, int, str]]) -> list[Piece]:
    """`text` cut at every span boundary; overlapping spans give pieces with several keys. Spans
    outside the text or empty are ignored (a stale reading never breaks the page)."""
    valid = [(s, e, k) for s, e, k in spans if 0 <= s < e <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _ in valid), *(e for _, e, _ in valid)})
    out: list[Piece] = []
    for a, b in itertools.pairwise(cuts):
        if a == b:
            continue
        keys = tuple(dict.fromkeys(k for s, e, k in valid if s <= a and b <= e))
        if out and out[-1].keys == keys:
            out[-1] = Piece(out[-1].text + text[a:b], keys)
        else:
            out.append(Piece(text[a:b], keys))
    return out
