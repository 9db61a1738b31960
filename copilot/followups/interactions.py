"""Builds an `Interaction` from the input shapes of FORMAT.md and from WeCom's chat-archive export.

Chats and calls are flattened to one text, one line per message or turn (`客户(王经理): ...`), and
each `Segment.offset` points at the message text inside it, so evidence spans index into
`Interaction.text`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from copilot.domain import InputKind, Interaction, Segment, Speaker
from copilot.errors import InputTooLarge, InvalidInput
from copilot.nlp.homophones import repair_homophones

DEFAULT_MAX_CHARS = 20_000
DEFAULT_MAX_MESSAGES = 2_000
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
# WeCom external contacts have userids starting wm/wo/wb; internal staff ids are anything else.
_EXTERNAL_ID = re.compile(r"^w[mob]", re.IGNORECASE)
_LABELS = {
    "zh": {Speaker.REP: "销售", Speaker.CUSTOMER: "客户", Speaker.UNKNOWN: "未知"},
    "en": {Speaker.REP: "Rep", Speaker.CUSTOMER: "Customer", Speaker.UNKNOWN: "Unknown"},
}


def detect_lang(text: str) -> str:
    """'zh' when Han characters outnumber Latin words, else 'en'."""
    return "zh" if len(_HAN.findall(text)) >= len(_LATIN_WORD.findall(text)) else "en"


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{where}: 'text' must be a string, got {type(value).__name__}")
    return value


def _check_size(total: int, max_chars: int) -> None:
    if total > max_chars:
        raise InputTooLarge(
            f"the interaction has {total} characters; the limit is {max_chars}",
            key="too_long",
            params={"total": total, "limit": max_chars},
        )


def _speaker(value: Any, where: str) -> Speaker:
    if value in ("rep", "customer"):
        return Speaker(value)
    raise InvalidInput(f"{where}: speaker must be 'rep' or 'customer', got {value!r}")


def _at(value: Any, where: str, reference: datetime) -> datetime:
    if not isinstance(value, str):
        raise InvalidInput(f"{where}: 'at' must be an ISO 8601 time string")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{where}: 'at' {value!r} is not an ISO 8601 time") from None
    return at if at.tzinfo else at.replace(tzinfo=reference.tzinfo)


def _number(value: Any, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"{where}: '{key}' must be a number of seconds")
    if value < 0:
        raise InvalidInput(f"{where}: '{key}' must not be negative")
    return float(value)


def _flatten(
    kind: InputKind,
    turns: list[tuple[Speaker, str | None, str, dict[str, Any]]],
    reference: datetime,
    lang: str | None,
    max_chars: int,
) -> Interaction:
    """Join turns as `label: text` lines, keeping each segment's offset into the joined text."""
    turns = [(sp, name, _spoken(text), extra) for sp, name, text, extra in turns if text.strip()]
    if not turns:
        raise InvalidInput(
            f"the {kind.value} is empty: no message has any text",
            key="conversation_empty",
            params={"kind": kind.value},
        )
    body = "\n".join(t[2] for t in turns)
    _check_size(len(body), max_chars)
    language = lang or detect_lang(body)
    labels = _LABELS["zh" if language == "zh" else "en"]
    parts: list[str] = []
    segments: list[Segment] = []
    offset = 0
    for speaker, name, text, extra in turns:
        label = f"{labels[speaker]}({name})" if name else labels[speaker]
        prefix = f"{label}: "
        segments.append(Segment(speaker=speaker, text=text, offset=offset + len(prefix), name=name, **extra))
        line = prefix + text
        parts.append(line)
        offset += len(line) + 1
    return Interaction(
        kind=kind, text="\n".join(parts), segments=tuple(segments), reference_time=reference, lang=language
    )


def _items(
    payload: Mapping[str, Any], key: str, noun: str, shape: str, max_items: int
) -> list[tuple[str, dict[str, Any], str]]:
    """The list under `key`, validated: each item's location, the item, and its text."""
    items = payload.get(key)
    if not isinstance(items, list):
        raise InvalidInput(f"a {noun} needs '{key}': a list of {{{shape}}}")
    if len(items) > max_items:
        raise InputTooLarge(
            f"the {noun} has {len(items)} {key}; the limit is {max_items}",
            key="too_many_items",
            params={"kind": noun, "count": len(items), "limit": max_items},
        )
    checked = []
    for i, item in enumerate(items):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            raise InvalidInput(f"{where} must be an object with {shape}")
        if "text" not in item:
            raise InvalidInput(f"{where} has no 'text'")
        checked.append((where, item, _text(item["text"], where)))
    return checked


def _chat(
    payload: Mapping[str, Any], reference: datetime, lang: str | None, max_chars: int, max_messages: int
) -> Interaction:
    turns: list[tuple[Speaker, str | None, str, dict[str, Any]]] = []
    for where, m, text in _items(payload, "messages", "chat", "at, from, name, text", max_messages):
        speaker = _speaker(m.get("from"), f"{where}.from")
        name = m.get("name")
        if name is not None and not isinstance(name, str):
            raise InvalidInput(f"{where}: 'name' must be a string")
        extra: dict[str, Any] = {}
        if m.get("at") is not None:
            extra["at"] = _at(m["at"], where, reference)
        turns.append((speaker, name or None, text, extra))
    return _flatten(InputKind.CHAT, turns, reference, lang, max_chars)


def _call(
    payload: Mapping[str, Any], reference: datetime, lang: str | None, max_chars: int, max_messages: int
) -> Interaction:
    turns: list[tuple[Speaker, str | None, str, dict[str, Any]]] = []
    for where, s, text in _items(payload, "segments", "call", "start_s, end_s, speaker, text", max_messages):
        start = _number(s.get("start_s"), where, "start_s")
        end = _number(s.get("end_s"), where, "end_s")
        if end < start:
            raise InvalidInput(f"{where}: end_s ({end}) is before start_s ({start})")
        speaker = _speaker(s.get("speaker"), f"{where}.speaker")
        turns.append((speaker, None, text, {"start_s": start, "end_s": end}))
    return _flatten(InputKind.CALL, turns, reference, lang, max_chars)


_HAN_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")
_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")
_PAUSE_WORDS = re.compile(r"(?:(?<=[\u4e00-\u9fff])|^) ?(嗯|啊|呃|然后|那个|就是说|对对对|唉|哎)(?= )")


_SPELLED = re.compile(r"(?<![A-Za-z])[A-Za-z](?: [A-Za-z](?![A-Za-z]))+")
# a short Latin or digit token between Chinese words ("把 po 发过来了", "打 9 折") joins them too
_SHORT_TOKEN = re.compile(r"(?<=[\u4e00-\u9fff]) ([A-Za-z0-9]{1,6}) (?=[\u4e00-\u9fff])")


def join_word_spaces(text: str) -> str:
    """Voice-to-text that puts a space between every Chinese word ("合同 昨天 正式 签了") is joined
    back into words, the spoken fillers kept as clause breaks; text spaced by clause is kept as is."""
    gaps = len(_HAN_GAP.findall(text))
    if gaps < 4 or gaps < 0.15 * len(_HAN_CHAR.findall(text)):
        return text
    # letters spelled out one by one ("p o", "p a c s") are one word again
    text = _SPELLED.sub(lambda m: m.group().replace(" ", ""), text)
    marked = _PAUSE_WORDS.sub(lambda m: "\x00" + m.group(1) + "\x00", text)
    joined = _SHORT_TOKEN.sub(r"\1", _HAN_GAP.sub("", marked))
    return re.sub(r" {2,}", " ", joined.replace("\x00", " ")).strip()


def _spoken(text: str) -> str:
    """Voice-to-text and pinyin-typing repairs: word spaces joined, misheard deal words rewritten."""
    return repair_homophones(join_word_spaces(text))


def _dictation(
    payload: Mapping[str, Any], reference: datetime, lang: str | None, max_chars: int
) -> Interaction:
    if "text" not in payload:
        raise InvalidInput("a dictation needs 'text'")
    text = _text(payload["text"], "dictation")
    if not text.strip():
        raise InvalidInput("the dictation text is empty", key="note_empty")
    _check_size(len(text), max_chars)
    text = _spoken(text)
    segment = Segment(speaker=Speaker.REP, text=text, offset=0)
    return Interaction(
        kind=InputKind.DICTATION,
        text=text,
        segments=(segment,),
        reference_time=reference,
        lang=lang or detect_lang(text),
    )


def from_wecom_archive(
    records: Sequence[Mapping[str, Any]],
    reference_time: datetime,
    *,
    rep_ids: Collection[str] | None = None,
    names: Mapping[str, str] | None = None,
    lang: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_messages: int = DEFAULT_MAX_MESSAGES,
) -> Interaction:
    """A chat from WeCom chat-archive records (`msgid, from, tolist, msgtime, msgtype, text.content`).

    Non-text messages are skipped. The rep is any sender in `rep_ids`; without it, internal
    userids (not starting wm/wo/wb) are the rep's side and external ids the customer's.
    """
    if not isinstance(records, list):
        raise InvalidInput("WeCom 'records' must be a list of chat-archive messages")
    if len(records) > max_messages:
        raise InputTooLarge(f"the chat has {len(records)} messages; the limit is {max_messages}")
    reps = set(rep_ids) if rep_ids is not None else None
    rows: list[tuple[int, Speaker, str | None, str]] = []
    for i, r in enumerate(records):
        where = f"records[{i}]"
        if not isinstance(r, dict):
            raise InvalidInput(f"{where} must be an object")
        if r.get("msgtype") != "text":
            continue  # images, files, revokes... carry no text to read
        sender = r.get("from")
        if not isinstance(sender, str) or not sender:
            raise InvalidInput(f"{where}: 'from' must be a userid string")
        msgtime = r.get("msgtime")
        if isinstance(msgtime, bool) or not isinstance(msgtime, int):
            raise InvalidInput(f"{where}: 'msgtime' must be milliseconds since the epoch")
        content = r.get("text")
        if not isinstance(content, dict) or "content" not in content:
            raise InvalidInput(f"{where}: a text message needs 'text': {{'content': ...}}")
        text = _text(content["content"], where)
        is_rep = sender in reps if reps is not None else not _EXTERNAL_ID.match(sender)
        name = (names or {}).get(sender)
        rows.append((msgtime, Speaker.REP if is_rep else Speaker.CUSTOMER, name, text))
    rows.sort(key=lambda row: row[0])
    tz = reference_time.tzinfo
    turns = [
        (speaker, name, text, {"at": datetime.fromtimestamp(ms / 1000, tz=tz)})
        for ms, speaker, name, text in rows
    ]
    return _flatten(InputKind.CHAT, turns, reference_time, lang, max_chars)


def build_interaction(
    payload: Mapping[str, Any],
    reference_time: datetime,
    *,
    lang: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_messages: int = DEFAULT_MAX_MESSAGES,
) -> Interaction:
    """Validate one FORMAT.md input (dictation, chat, call) or a WeCom export and normalise it."""
    if not isinstance(payload, Mapping):
        raise InvalidInput("the input must be an object with a 'kind'")
    if reference_time.tzinfo is None:
        raise InvalidInput("the reference time needs a UTC offset")
    kind = payload.get("kind")
    if kind == "dictation":
        return _dictation(payload, reference_time, lang, max_chars)
    if kind == "chat":
        return _chat(payload, reference_time, lang, max_chars, max_messages)
    if kind == "call":
        return _call(payload, reference_time, lang, max_chars, max_messages)
    if kind == "wecom":
        rep_ids = payload.get("rep_ids")
        if rep_ids is not None and (
            not isinstance(rep_ids, list) or not all(isinstance(x, str) for x in rep_ids)
        ):
            raise InvalidInput("WeCom 'rep_ids' must be a list of userid strings")
        names = payload.get("names")
        if names is not None and not isinstance(names, dict):
            raise InvalidInput("WeCom 'names' must map userids to display names")
        return from_wecom_archive(
            payload.get("records"),  # type: ignore[arg-type]  # validated inside
            reference_time,
            rep_ids=rep_ids,
            names=names,
            lang=lang,
            max_chars=max_chars,
            max_messages=max_messages,
        )
    raise InvalidInput(f"unknown input kind {kind!r}; use one of 'dictation', 'chat', 'call', 'wecom'")
