"""Chat exports and call transcripts pasted as text, turned into the structured inputs.

Reps paste what their tools give them: a WeChat/WeCom chat copied out ("张三 2026-05-12 14:03"
on one line and the message below it, or "[14:03] 张三：..." on one line), or a transcript
("[00:01:12] 客户: ..." / "Rep (00:05): ..."). Each line that names a speaker starts a message;
lines that do not continue the previous one. Who is the rep: a speaker named like the rep
("我", "销售", "rep", "sales", "me") or given by name; everyone else is the customer side.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from copilot.errors import InvalidInput

_REP_NAMES = {"我", "销售", "本人", "rep", "sales", "me", "agent", "销售顾问", "客户经理", "am"}
_CUSTOMER_NAMES = {"客户", "customer", "client", "buyer", "对方"}

_DATE = r"(?P<date>\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)"
_TIME = r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?)"
_NAME = r"(?P<name>[^\s:：\[\]()（）][^:：\[\]()（）]{0,23}?)"
# "张三 2026-05-12 14:03" (the message follows on the next lines)
_HEADER_RE = re.compile(rf"^\s*{_NAME}\s+(?:{_DATE}\s+)?{_TIME}\s*$")
# "2026-05-12 14:03 张三: text", "[14:03] 张三：text"
_STAMPED_RE = re.compile(rf"^\s*\[?(?:{_DATE}\s+)?{_TIME}\]?\s*{_NAME}\s*[:：]\s*(?P<text>.*)$")
# "张三 (00:05): text", "客户 00:01:12 text"
_NAME_FIRST_RE = re.compile(rf"^\s*{_NAME}\s*[(（\[]?{_TIME}[)）\]]?\s*[:：]?\s*(?P<text>.*)$")
# "张三: text"
_PLAIN_RE = re.compile(rf"^\s*{_NAME}\s*[:：]\s*(?P<text>.+)$")


def _side(name: str, rep_name: str | Sequence[str] | None) -> str:
    plain = name.strip().lower()
    names = [rep_name] if isinstance(rep_name, str) else list(rep_name or ())
    if any(n and plain == n.strip().lower() for n in names):
        return "rep"
    if plain in _REP_NAMES or plain.startswith(("销售", "rep ")):
        return "rep"
    return "customer"


def _seconds(stamp: str) -> float:
    parts = [int(p) for p in stamp.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    return float(parts[0] * 3600 + parts[1] * 60 + parts[2])


def _lines(text: str) -> list[dict[str, Any]]:
    """Messages as {name, date, time, text}; continuation lines are joined to the one before."""
    out: list[dict[str, Any]] = []
    pending: dict[str, Any] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if m := _HEADER_RE.match(line):
            pending = {"name": m["name"], "date": m["date"], "time": m["time"], "text": ""}
            out.append(pending)
            continue
        m = _STAMPED_RE.match(line) or _NAME_FIRST_RE.match(line)
        if m is None and (p := _PLAIN_RE.match(line)) and len(p["name"]) <= 12:
            m = p
        if m is not None:
            groups = m.groupdict()
            pending = {
                "name": groups["name"],
                "date": groups.get("date"),
                "time": groups.get("time"),
                "text": groups["text"].strip(),
            }
            out.append(pending)
        elif pending is not None:
            pending["text"] = (pending["text"] + " " + line).strip()
        else:
            raise InvalidInput(
                "the first line names no speaker; paste the export as it came, one 'name: text' "
                "(or 'time name: text') per message",
                key="chat_no_speaker",
            )
    return [m for m in out if m["text"]]


def chat_from_text(
    text: str, reference: datetime, rep_name: str | Sequence[str] | None = None
) -> dict[str, Any]:
    """A pasted chat export as a chat input; messages without a date take the reference's day."""
    lines = _lines(text)
    if not lines:
        raise InvalidInput("no messages found in the chat export", key="chat_no_messages")
    messages = []
    last = None
    for line in lines:
        at = _when(line.get("date"), line.get("time"), reference)
        if last is not None and at < last:
            at = last  # out-of-order stamps (a copy across midnight) keep the order as pasted
        last = at
        side = _side(line["name"], rep_name)
        messages.append({"at": at.isoformat(), "from": side, "name": line["name"], "text": line["text"]})
    return {"kind": "chat", "messages": messages}


def call_from_text(text: str, rep_name: str | Sequence[str] | None = None) -> dict[str, Any]:
    """A pasted transcript as a call input; segments without timings are spaced by their length."""
    lines = _lines(text)
    if not lines:
        raise InvalidInput("no speaker turns found in the transcript", key="call_no_turns")
    segments = []
    clock = 0.0
    for i, line in enumerate(lines):
        start = _seconds(line["time"]) if line.get("time") else clock
        start = max(start, clock)
        following = lines[i + 1].get("time") if i + 1 < len(lines) else None
        # untimed: about 4 Chinese characters or 2.5 English words a second
        spoken = max(1.0, len(line["text"]) / 4.0)
        end = _seconds(following) if following else start + spoken
        end = max(end, start + 0.5)
        segments.append(
            {"start_s": start, "end_s": end, "speaker": _side(line["name"], rep_name), "text": line["text"]}
        )
        clock = end
    return {"kind": "call", "segments": segments}


def _when(day: str | None, time: str | None, reference: datetime) -> datetime:
    at = reference
    if day:
        parts = [int(p) for p in re.findall(r"\d+", day)]
        try:
            at = at.replace(year=parts[0], month=parts[1], day=parts[2])
        except (ValueError, IndexError):
            raise InvalidInput(
                f"unreadable date {day!r} in the chat export", key="chat_bad_date", params={"value": day}
            ) from None
    if time:
        h, m, *s = (int(p) for p in time.split(":"))
        try:
            at = at.replace(hour=h, minute=m, second=s[0] if s else 0, microsecond=0)
        except ValueError:
            raise InvalidInput(
                f"unreadable time {time!r} in the chat export", key="chat_bad_time", params={"value": time}
            ) from None
    if at > reference + timedelta(minutes=1) and not day:
        at -= timedelta(days=1)  # a time of day later than now, with no date: yesterday's message
    return at
