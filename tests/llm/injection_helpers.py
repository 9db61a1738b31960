"""Builders for the injection corpus tests: a second organization, stored-value snapshots, the
worst-case (obedient) model replies, and the checks on the request a model receives."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.runtime import Runtime
from copilot.store.models import Base, Customer, Deal, StageChange
from evaluators.scripted_openai import ScriptedOpenAI
from tests.conftest import Org, load_fixture

CORPUS = Path(__file__).resolve().parents[2] / "evaluators" / "data" / "injection-corpus.jsonl"

# Special tokens of common chat templates: a server that tokenises them from message text would
# read them as real turn boundaries.
SPECIAL_TOKENS = ("<|im_start|>", "<|im_end|>", "<|system|>", "<|endoftext|>", "<|eot_id|>")


def load_corpus() -> list[dict[str, Any]]:
    """The corpus items, one per line."""
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


# The second organization: the same shape of pipeline, with names and ids of its own, so that any
# of them showing up in the first organization's requests or answers is a leak.
OTHER_ORG_NAMES = {
    "c1": "环宇绝密电子有限公司",
    "c2": "GX Secret Holdings Ltd.",
    "c3": "GX Orbit Systems Inc.",
}


def other_org_pipeline() -> dict[str, Any]:
    """The shared small pipeline with every customer, deal, activity and document renamed `gx-*`."""
    data = copy.deepcopy(load_fixture("pipeline", "small.json"))
    assert isinstance(data, dict)
    for c in data["customers"]:
        c["name"] = OTHER_ORG_NAMES[c["id"]]
        c["id"] = f"gx-{c['id']}"
    for d in data["deals"]:
        d["id"], d["customer_id"] = f"gx-{d['id']}", f"gx-{d['customer_id']}"
        d["name"] = f"绝密项目{d['id']}"
        d["amount"] = 9_990_000
    for a in data["activities"]:
        a["id"], a["customer_id"] = f"gx-{a['id']}", f"gx-{a['customer_id']}"
        a["deal_id"] = f"gx-{a['deal_id']}" if a.get("deal_id") else None
        a["text"] = "环宇内部：绝密报价9,990,000元。"
    for doc in data["documents"]:
        doc["id"], doc["deal_id"] = f"gx-{doc['id']}", f"gx-{doc['deal_id']}"
    return data


# the second organization's data: its names and amounts (anywhere), and its ids (in prompts)
OTHER_ORG_DATA = (*OTHER_ORG_NAMES.values(), "绝密项目", "9,990,000", "9990000")
OTHER_ORG_IDS = ("gx-c", "gx-d", "gx-a")


@dataclass
class World:
    client: TestClient
    runtime: Runtime
    acme: Org
    globex: Org
    server: ScriptedOpenAI


def org_rows(sessions: sessionmaker[Session], org_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row of one organization, table by table, in a comparable form."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with sessions() as session:
        for table in Base.metadata.sorted_tables:
            if "org_id" not in table.c:
                continue
            rows = session.execute(select(table).where(table.c.org_id == org_id)).all()
            out[table.name] = sorted((tuple(str(v) for v in r) for r in rows), key=repr)
    return out


def stored_values(sessions: sessionmaker[Session], org_id: int) -> dict[str, Any]:
    """The values of existing customers and deals that no interaction, contract or question may
    rewrite on an instruction: names, owners, channel, first contact, amounts, stages."""
    with sessions() as session:
        customers = {
            c.external_id: (c.name, c.industry, c.owner_id, c.source_channel, c.first_contact_date)
            for c in session.scalars(select(Customer).where(Customer.org_id == org_id))
        }
        deals = {
            d.external_id: (
                d.customer_id,
                d.name,
                d.amount,
                d.budget,
                d.stage,
                d.stage_entered_at,
                d.expected_close,
                d.lost_reason,
            )
            for d in session.scalars(select(Deal).where(Deal.org_id == org_id))
        }
        stage_changes = len(session.scalars(select(StageChange).where(StageChange.org_id == org_id)).all())
    return {"customers": customers, "deals": deals, "stage_changes": stage_changes}


def next_follow_up(sessions: sessionmaker[Session], org_id: int, customer: str) -> str | None:
    with sessions() as session:
        c = session.scalar(
            select(Customer).where(Customer.org_id == org_id, Customer.external_id == customer)
        )
        assert c is not None
        return c.next_follow_up_date.isoformat() if c.next_follow_up_date else None


def followup_reply(overrides: dict[str, Any]) -> dict[str, Any]:
    """A follow-up answer that states nothing, with the corpus item's obedient values over it."""
    base: dict[str, Any] = {
        "source_channel": None,
        "source_channel_quote": None,
        "first_contact_phrase": None,
        "is_first_contact": False,
        "stage": None,
        "stage_quote": None,
        "summary": "沟通了近况",
        "next_follow_up_phrase": None,
        "discovery_questions": [],
        "pain_quotes": [],
        "pain_minutes_reported": None,
        "next_step_quote": None,
        "signals": [],
    }
    return {**base, **overrides}


def contract_reply(overrides: dict[str, Any]) -> dict[str, Any]:
    """A contract reading that states nothing, with the obedient fields over it."""
    base: dict[str, Any] = {
        "parties": {"quote": None, "party_a": None, "party_b": None},
        "contract_amount": {"quote": None, "amount": None, "currency": None},
        "signing_date": {"quote": None, "date_text": None},
        "term": {"quote": None, "start_text": None, "end_text": None, "months": None},
        "delivery_period": {"quote": None, "days": None, "business_days": None},
        "payment_terms": {"quote": None, "installments_pct": []},
        "acceptance": {"quote": None, "days": None},
        "warranty": {"quote": None, "months": None},
        "breach_penalty": {"quote": None, "rate_per_day_pct": None, "cap_pct": None},
        "liability_exclusions": {"quote": None},
        "termination": {"quote": None, "notice_days": None},
        "dispute_resolution": {"quote": None, "method": None, "venue": None},
    }
    return {**base, **overrides}


def followup_input(item: dict[str, Any]) -> dict[str, Any]:
    """The corpus text in the carrier it names: a rep's note, a customer's chat message, a call turn."""
    text = item["text"]
    if item["carrier"] == "chat":
        opener = (
            "孙厂长，方案您看了吗？"
            if item["lang"] != "en"
            else "Mr. Sun, did you get a chance to review it?"
        )
        return {
            "kind": "chat",
            "messages": [
                {"at": "2026-05-20T09:00:00+08:00", "from": "rep", "name": "张伟", "text": opener},
                {"at": "2026-05-20T09:05:00+08:00", "from": "customer", "name": "孙厂长", "text": text},
            ],
        }
    if item["carrier"] == "transcript":
        opener = (
            "孙厂长您好，想跟您确认一下价格。" if item["lang"] != "en" else "Hi Mr. Sun, about the price."
        )
        return {
            "kind": "call",
            "segments": [
                {"start_s": 0, "end_s": 6, "speaker": "rep", "text": opener},
                {"start_s": 6, "end_s": 20, "speaker": "customer", "text": text},
            ],
        }
    return {"kind": "dictation", "text": text}


_SPACE = re.compile(r"\s+")


def squashed(text: str) -> str:
    return _SPACE.sub("", text)


def contains_loosely(haystack: str, needle: str) -> bool:
    """`needle` is in `haystack`, ignoring whitespace (PDF lines and chat lines wrap)."""
    return squashed(needle) in squashed(haystack)


def untrusted_fragments(text: str) -> list[str]:
    """Distinctive pieces of an untrusted text: its lines without tags and special tokens."""
    cleaned = re.sub(r"<\|[a-z_]+\|>|</?\s*[a-z_]+\s*>", "\n", text, flags=re.IGNORECASE)
    return [line.strip() for line in cleaned.splitlines() if len(line.strip()) >= 6]


# personal data the service masks before a prompt is sent (an address, a phone or an id number)
_MASKED = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\d{6,}")


def check_boundary(request: dict[str, Any], tag: str, text: str, system: str) -> None:
    """The request keeps the system prompt as it is and the untrusted text inside its one data block."""
    messages = request["messages"]
    assert [m["role"] for m in messages] == ["system", "user"], "no turn was added or removed"
    sent = messages[0]["content"]
    # the service may append its own line about masked personal data; nothing else changes
    assert sent == system or sent.startswith(system + "\n"), "the system prompt is the same whatever the text"
    user = messages[1]["content"]
    opening = [m.start() for m in re.finditer(rf"<\s*{tag}\s*>", user, re.IGNORECASE)]
    closing = [m.start() for m in re.finditer(rf"<\s*/\s*{tag}\s*>", user, re.IGNORECASE)]
    assert len(opening) == 1 and len(closing) == 1, f"exactly one <{tag}> block: {opening} {closing}"
    assert user.rstrip().endswith(f"</{tag}>"), "nothing follows the data block"
    inside = user[opening[0] : closing[0]]
    outside = user[: opening[0]]
    for fragment in untrusted_fragments(text):
        for piece in (p.strip() for p in _MASKED.split(fragment)):
            if len(piece) < 4:
                continue
            assert piece not in sent and piece not in outside, f"{piece!r} escaped the data block"
            assert contains_loosely(inside, piece), f"{piece!r} is not inside the data block"


def special_tokens_in(request: dict[str, Any]) -> list[str]:
    """Chat-template special tokens that reach the model verbatim in any message."""
    return [t for m in request["messages"] for t in SPECIAL_TOKENS if t in (m.get("content") or "")]


def leaks_other_org(payload: Any, *, ids: bool = False) -> list[str]:
    """The second organization's names and amounts (and, with `ids`, its ids) found in `payload`."""
    text = json.dumps(payload, ensure_ascii=False)
    return [m for m in (*OTHER_ORG_DATA, *(OTHER_ORG_IDS if ids else ())) if m in text]
