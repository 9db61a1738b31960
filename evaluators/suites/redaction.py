"""Suite `redaction`: personal data masked before model calls, and business numbers left alone.

A case is `{"id", "lang", "style", "text", "pii": [{"type", "value"}], "near_misses": [{"type", "value"}]}`.
The prediction is the masked text and the masked spans (offsets and kinds, never values). Scores:
- `leaked`: personal values still readable after masking (the value, or its digits however they are
  written, in the masked text); the release gate is 0;
- `recall` and `recall_<type>`: personal values whose every occurrence a masked span covers;
- `near_miss_false_mask_rate`: near-misses (order numbers, amounts, dates...) a masked span overlaps.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from copilot.privacy.detect import find_personal_data
from copilot.privacy.redact import Redaction
from evaluators.suites.base import Case, Prediction

_DIGITS = str.maketrans(
    "０１２３４５６７８９零〇洞一幺壹二两贰三叁四肆五伍六陆七拐柒八捌九玖",
    "0123456789000111222334455667778899",
)


_PLACEHOLDER = re.compile(r"⟦[A-Z]+_\d+⟧")
_SEPARATORS = re.compile(r"[\s\-‐–—_()（）,，、·.+]|嗯|呃|啊|额|哦|杠|横")


def _squash(text: str) -> str:
    """Digits however written, without the separators between them, lower case."""
    return "".join(ch for ch in text.translate(_DIGITS).lower() if ch.isalnum() or ch in "@.")


def _occurrences(text: str, value: str) -> list[tuple[int, int]]:
    out, at = [], text.find(value)
    while value and at >= 0:
        out.append((at, at + len(value)))
        at = text.find(value, at + 1)
    return out


def _leaked(value: str, masked: str) -> bool:
    """Whether `value` can still be read in `masked`: verbatim, or its digits in any spelling and
    with any separators (a phone without its country code counts as read)."""
    if value in masked:
        return True
    digits = "".join(ch for ch in value.translate(_DIGITS) if ch.isdigit())
    if len(digits) >= 6:
        readable = _SEPARATORS.sub("", _PLACEHOLDER.sub("|", masked).translate(_DIGITS))
        national = re.sub(r"^(?:0086|86)(?=\d{10,12}$)", "", digits)
        return digits in readable or national in readable
    return _squash(value) in _squash(masked)


class RedactionSuite:
    """Masking recall by kind, values leaked, and near-misses masked by mistake."""

    name = "redaction"

    def predict(self, case: Case) -> dict[str, Any] | None:
        """The masked text and the masked spans (start, end, kind)."""
        text = str(case.get("text", ""))
        spans = find_personal_data(text)
        redaction = Redaction()
        return {
            "masked": redaction.mask(text),
            "spans": [{"start": s.start, "end": s.end, "kind": s.kind} for s in spans],
        }

    def score(self, cases: list[Case], preds: list[Prediction]) -> dict[str, float]:
        """Leaks, recall overall and by type, and the near-miss false-mask rate."""
        by_id = {p.get("id"): p for p in preds}
        found: Counter[str] = Counter()
        total: Counter[str] = Counter()
        leaked = near = near_masked = 0
        for case in cases:
            text = str(case.get("text", ""))
            predicted = (by_id.get(case.get("id")) or {}).get("predicted") or {}
            spans = [(int(s["start"]), int(s["end"])) for s in predicted.get("spans", [])]
            masked = str(predicted.get("masked", text))
            for item in case.get("pii", []):
                value, kind = str(item.get("value", "")), str(item.get("type", "other"))
                total[kind] += 1
                if _leaked(value, masked):
                    leaked += 1
                places = _occurrences(text, value)
                covered = all(any(a <= s and e <= b for a, b in spans) for s, e in places)
                found[kind] += bool(places) and covered
            for item in case.get("near_misses", []):
                near += 1
                places = _occurrences(text, str(item.get("value", "")))
                near_masked += any(a < e and s < b for s, e in places for a, b in spans)
        n_pii = sum(total.values())
        recall = sum(found.values()) / n_pii if n_pii else 1.0
        scores: dict[str, float] = {
            "headline": recall if leaked == 0 else 0.0,
            "leaked": float(leaked),
            "recall": recall,
            "pii_values": float(n_pii),
            "near_misses": float(near),
            "near_miss_false_mask_rate": near_masked / near if near else 0.0,
            "cases": float(len(cases)),
        }
        for kind in sorted(total):
            scores[f"recall_{kind}"] = found[kind] / total[kind]
        return scores
