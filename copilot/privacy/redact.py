"""Masking personal data with placeholders, and putting the real values back into a model's answer.

One `Redaction` serves one request: the same value gets the same placeholder (⟦PHONE_1⟧) in every
message of it, and `restore` maps the placeholders in the answer back to the exact original text, so
evidence quotes still match the input character for character.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from copilot.privacy.detect import Kind, find_personal_data

_TAGS: dict[Kind, str] = {
    "phone": "PHONE",
    "id_card": "ID",
    "bank_card": "CARD",
    "email": "EMAIL",
    "name": "NAME",
}
# Models echo placeholders loosely: ⟦PHONE_1⟧, [[PHONE_1]], [PHONE 1], 【PHONE_1】 all come back.
_PLACEHOLDER = re.compile(
    r"(?:⟦|\[\[|\[|【|〖)\s*(PHONE|ID|CARD|EMAIL|NAME)[ _-]?(\d{1,4})\s*(?:⟧|\]\]|\]|】|〗)"
)
_NAMES: ContextVar[tuple[str, ...]] = ContextVar("redaction_names", default=())


@contextmanager
def names_in_scope(names: Iterable[str | None]) -> Iterator[None]:
    """Customer and contact names to mask in model calls made inside the block (when names are masked)."""
    token = _NAMES.set(tuple(n for n in names if n))
    try:
        yield
    finally:
        _NAMES.reset(token)


class Redaction:
    """The placeholders of one request: masks outgoing text and restores incoming text."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = [n for n in names if n]
        self._by_value: dict[str, str] = {}
        self._by_placeholder: dict[str, str] = {}
        self._per_kind: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()  # masked occurrences by kind, never values

    def mask(self, text: str) -> str:
        """`text` with every piece of personal data replaced by its placeholder."""
        out: list[str] = []
        at = 0
        for span in find_personal_data(text, self.names):
            value = text[span.start : span.end]
            placeholder = self._by_value.get(value)
            if placeholder is None:
                self._per_kind[span.kind] += 1
                placeholder = f"⟦{_TAGS[span.kind]}_{self._per_kind[span.kind]}⟧"
                self._by_value[value] = placeholder
                self._by_placeholder[placeholder] = value
            self.counts[span.kind] += 1
            out.append(text[at : span.start])
            out.append(placeholder)
            at = span.end
        out.append(text[at:])
        return "".join(out)

    def restore(self, text: str) -> str:
        """`text` with this request's placeholders replaced by the original values."""

        def real(m: re.Match[str]) -> str:
            return self._by_placeholder.get(f"⟦{m.group(1)}_{int(m.group(2))}⟧", m.group(0))

        return _PLACEHOLDER.sub(real, text) if self._by_placeholder else text

    def restore_value(self, value: Any) -> Any:
        """A JSON value with every string in it restored."""
        if isinstance(value, str):
            return self.restore(value)
        if isinstance(value, list):
            return [self.restore_value(v) for v in value]
        if isinstance(value, dict):
            return {self.restore(k): self.restore_value(v) for k, v in value.items()}
        return value

    def restore_json(self, text: str) -> str:
        """A model's JSON answer with the real values back in (escaped as JSON needs); plain text too."""
        if not self._by_placeholder:
            return text
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            return self.restore(text)
        restored = self.restore_value(parsed)  # placeholders may arrive \u-escaped: read them parsed
        return text if restored == parsed else json.dumps(restored, ensure_ascii=False)


class Redactor:
    """Starts a `Redaction` per request; names are masked only when the deployment asks for it."""

    def __init__(self, *, mask_names: bool = False) -> None:
        self.mask_names = mask_names

    def session(self) -> Redaction:
        """A fresh mapping for one request, with the names in scope when names are masked."""
        return Redaction(_NAMES.get() if self.mask_names else ())

    def mask(self, text: str) -> tuple[str, Counter[str]]:
        """One text masked on its own (an embedding input): the masked text and the counts by kind."""
        redaction = self.session()
        return redaction.mask(text), redaction.counts
