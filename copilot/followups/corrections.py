"""A rep's confirmation of a follow-up's reading, with corrections kept beside the engine's.

The engine's extraction is never overwritten: a confirmation adds a reading of its own (engine
`rep`) that becomes the follow-up's current one, and one `Correction` row per field the rep
changed. Those rows are the team's own test data: `export_cases` writes them out as eval cases in
the follow-up suite's format, so the next engine is scored on what this team's reps corrected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot import audit
from copilot.access import AccessRole, Principal, scope_customers
from copilot.domain import Channel, Signal, Stage
from copilot.errors import InvalidInput
from copilot.pipeline.customers import get_activity
from copilot.pipeline.deals import StageLocked, change_stage
from copilot.store.models import Activity, Correction, Customer, Deal, Extraction

FIELDS = ("source_channel", "first_contact_date", "stage", "summary", "next_follow_up_date")
QUALITY_FLAGS = ("discovery_3plus", "pain_2min", "next_step")
REP_ENGINE = "rep"
SUMMARY_MAX_CHARS = 300


@dataclass(frozen=True)
class Confirmed:
    """What the rep confirmed: every field's final value; quality flags and signals when shown."""

    fields: dict[str, Any]
    quality: dict[str, bool] | None = None
    signals: list[str] | None = None


@dataclass
class ConfirmResult:
    activity: Activity
    extraction: Extraction
    corrections: list[Correction] = field(default_factory=list)
    note: str | None = None


def _clean(name: str, value: Any) -> Any:
    """A field value as stored (strings, ISO dates), or InvalidInput naming the field."""
    if value in (None, ""):
        return None
    if name == "source_channel":
        try:
            return Channel(value).value
        except ValueError:
            raise InvalidInput(
                f"unknown source channel {value!r}", key="unknown_channel", params={"value": value}
            ) from None
    if name == "stage":
        try:
            return Stage(value).value
        except ValueError:
            raise InvalidInput(
                f"unknown stage {value!r}", key="unknown_stage", params={"value": value}
            ) from None
    if name in ("first_contact_date", "next_follow_up_date"):
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise InvalidInput(
                f"{name} must be a date as YYYY-MM-DD, not {value!r}",
                key="bad_date",
                params={"field": name, "value": value},
            ) from None
    text = " ".join(str(value).split())
    if len(text) > SUMMARY_MAX_CHARS:
        raise InvalidInput(
            f"the summary is over {SUMMARY_MAX_CHARS} characters",
            key="summary_too_long",
            params={"limit": SUMMARY_MAX_CHARS},
        )
    return text


def current_extraction(activity: Activity) -> Extraction | None:
    return activity.extractions[-1] if activity.extractions else None


def confirm(
    session: Session,
    principal: Principal,
    followup_id: str,
    confirmed: Confirmed,
    *,
    now: datetime,
) -> ConfirmResult:
    """Store the rep's reading of a follow-up as its current one, a correction per changed field,
    and move the customer and deal where a corrected field says so."""
    activity = get_activity(session, principal, followup_id)
    base = current_extraction(activity)
    if base is None or activity.status != "extracted":
        raise InvalidInput(
            f"follow-up {followup_id!r} has no reading to confirm (status {activity.status})",
            key="nothing_to_confirm",
        )
    unknown = set(confirmed.fields) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"unknown fields {sorted(unknown)}; the fields are {', '.join(FIELDS)}")
    before = dict(base.fields)
    after = dict(before)
    for name, value in confirmed.fields.items():
        after[name] = _clean(name, value)
    if not after.get("summary"):
        raise InvalidInput("the summary cannot be empty", key="summary_empty")

    quality = dict(base.quality)
    verdict = dict(quality.get("verdict", {}))
    if confirmed.quality is not None:
        for flag in QUALITY_FLAGS:
            if flag in confirmed.quality:
                verdict[flag] = bool(confirmed.quality[flag])
        verdict["high_quality"] = all(verdict.get(f, False) for f in QUALITY_FLAGS)
    quality["verdict"] = verdict

    signals = list(base.signals)
    if confirmed.signals is not None:
        wanted = set(confirmed.signals)
        bad = wanted - {s.value for s in Signal}
        if bad:
            raise InvalidInput(
                f"unknown signals {sorted(bad)}",
                key="unknown_signals",
                params={"value": ", ".join(sorted(bad))},
            )
        kept = [s for s in signals if s.get("signal") in wanted]
        have = {s["signal"] for s in kept}
        # a signal the rep added has no quote in the text
        signals = kept + [{"signal": s, "quote": "", "start": 0, "end": 0} for s in sorted(wanted - have)]

    changes: list[tuple[str, Any, Any]] = [
        (name, before.get(name), after.get(name)) for name in FIELDS if before.get(name) != after.get(name)
    ]
    old_verdict = base.quality.get("verdict", {})
    changes += [
        (f"quality.{flag}", old_verdict.get(flag), verdict.get(flag))
        for flag in QUALITY_FLAGS
        if bool(old_verdict.get(flag)) != bool(verdict.get(flag))
    ]
    old_signals = sorted({s["signal"] for s in base.signals})
    new_signals = sorted({s["signal"] for s in signals})
    if old_signals != new_signals:
        changes.append(("signals", old_signals, new_signals))

    if not changes and base.engine == REP_ENGINE:  # confirmed again as it stands (a double post)
        return ConfirmResult(activity=activity, extraction=base)
    evidence = {k: v for k, v in base.evidence.items() if k not in {c[0] for c in changes}}
    after["provenance"] = {
        **dict(before.get("provenance") or {}),
        **{name: REP_ENGINE for name, _, _ in changes if name in FIELDS},
    }
    reading = Extraction(
        org_id=activity.org_id,
        activity_id=activity.id,
        engine=REP_ENGINE,
        engine_version="1",
        fields=after,
        quality=quality,
        signals=signals,
        evidence=evidence,
        note=f"confirmed by the rep over {base.engine} {base.engine_version}",
        created_at=now,
    )
    session.add(reading)
    session.flush()
    rows = [
        Correction(
            org_id=activity.org_id,
            activity_id=activity.id,
            extraction_id=base.id,
            confirmed_id=reading.id,
            field=name,
            original=old,
            corrected=new,
            user_id=principal.user_id,
            created_at=now,
        )
        for name, old, new in changes
    ]
    session.add_all(rows)
    note = _apply(session, principal, activity, after, {c[0] for c in changes}, now)
    audit.record(
        session,
        activity.org_id,
        principal,
        "followup.confirmed",
        "followup",
        activity.external_id,
        now=now,
        detail={"corrected": [c[0] for c in changes]},
    )
    return ConfirmResult(activity=activity, extraction=reading, corrections=rows, note=note)


def _deal_of(session: Session, activity: Activity) -> Deal | None:
    """The interaction's deal, else the customer's only open deal."""
    if activity.deal_id is not None:
        return session.get(Deal, activity.deal_id)
    open_deals = [
        d
        for d in session.scalars(select(Deal).where(Deal.customer_id == activity.customer_id))
        if Stage(d.stage).is_open
    ]
    return open_deals[0] if len(open_deals) == 1 else None


def _apply(
    session: Session,
    principal: Principal,
    activity: Activity,
    fields: dict[str, Any],
    changed: set[str],
    now: datetime,
) -> str | None:
    """Carry corrected fields to the customer and deal, as the engine's reading was carried."""
    customer: Customer = activity.customer
    note = None
    newer = session.scalar(
        select(Activity.id)
        .where(Activity.customer_id == customer.id, Activity.at > activity.at, Activity.id != activity.id)
        .limit(1)
    )
    if "source_channel" in changed and (
        customer.source_channel is None or customer.source_channel_activity_id == activity.id
    ):
        customer.source_channel = fields["source_channel"]
        customer.source_channel_activity_id = activity.id if fields["source_channel"] else None
    if "first_contact_date" in changed and fields["first_contact_date"]:
        first = date.fromisoformat(fields["first_contact_date"])
        if customer.first_contact_date is None or first < customer.first_contact_date:
            customer.first_contact_date = first
    if "next_follow_up_date" in changed and fields["next_follow_up_date"] and newer is None:
        # a later interaction's date stands: correcting an older note does not move it back
        customer.next_follow_up_date = date.fromisoformat(fields["next_follow_up_date"])
        customer.next_follow_up_proposed = False
    if "stage" in changed and fields["stage"]:
        deal = _deal_of(session, activity)
        if deal is None:
            note = "the stage was recorded on this interaction; the customer has no single open deal to move"
        elif newer is not None:
            note = "the stage was recorded on this interaction; a later interaction set the deal's stage"
        else:
            try:
                change_stage(
                    session,
                    deal,
                    Stage(fields["stage"]),
                    at=activity.at,
                    now=now,
                    source="correction",
                    activity_id=activity.id,
                    principal=principal,
                )
            except StageLocked as exc:
                note = exc.message
    customer.updated_at = now
    return note


# -- export as eval cases ------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff]")


def _lang(text: str) -> str:
    cjk = len(_CJK.findall(text))
    return "zh" if cjk >= max(1, len(text) // 20) else "en"


def must_mention(summary: str, text: str, *, groups: int = 3) -> list[list[str]]:
    """Phrases of the confirmed summary that the input also contains, longest first and not
    overlapping: what any good summary of this input has to mention."""
    haystack = "".join(text.split()).lower()
    plain = summary.lower()
    if _lang(summary) == "zh":
        units = [u for u in re.split(r"[，,。；;、：:！!？?\s（）()“”\"]+", plain) if u]
        candidates = []
        for unit in units:
            for size in range(min(len(unit), 8), 1, -1):
                for i in range(len(unit) - size + 1):
                    piece = unit[i : i + size]
                    if piece in haystack:
                        candidates.append(piece)
    else:
        words = re.findall(r"[a-z0-9][a-z0-9'&.-]*", plain)
        stop = {"the", "a", "an", "to", "of", "and", "for", "on", "in", "with", "by", "at", "is", "was"}
        candidates = []
        for size in range(4, 0, -1):
            for i in range(len(words) - size + 1):
                gram = words[i : i + size]
                if gram[0] in stop or gram[-1] in stop:
                    continue
                piece = " ".join(gram)
                if "".join(piece.split()) in haystack and (size > 1 or len(piece) > 3):
                    candidates.append(piece)
    chosen: list[str] = []
    for piece in sorted(dict.fromkeys(candidates), key=len, reverse=True):
        if any(piece in c or c in piece for c in chosen):
            continue
        chosen.append(piece)
        if len(chosen) == groups:
            break
    return [[c] for c in chosen]


def export_cases(session: Session, org_id: int, *, since: datetime | None = None) -> list[dict[str, Any]]:
    """Every corrected follow-up as a case in the follow-up suite's format, expected = the rep's
    confirmed reading (cases are ordered by when they were confirmed)."""
    stmt = select(Correction.activity_id).where(Correction.org_id == org_id)
    if since is not None:
        stmt = stmt.where(Correction.created_at >= since)
    ids = list(dict.fromkeys(session.scalars(stmt.order_by(Correction.id))))
    cases = []
    for activity_id in ids:
        activity = session.get(Activity, activity_id)
        if activity is None or activity.raw_input is None:
            continue
        reading = current_extraction(activity)
        if reading is None:
            continue
        engine_reading = next((e for e in reversed(activity.extractions) if e.engine != REP_ENGINE), reading)
        f = reading.fields
        verdict = reading.quality.get("verdict", {})
        customer: Customer = activity.customer
        # what the CRM knew before this interaction: the engine's date when it came from the CRM
        from_crm = (engine_reading.fields.get("provenance") or {}).get("first_contact_date") == "crm"
        known = engine_reading.fields.get("first_contact_date") if from_crm else None
        cases.append(
            {
                "id": f"corr-{activity.external_id}",
                "lang": _lang(activity.text),
                "reference_time": activity.at.isoformat(),
                "customer": {"name": customer.name, "known_first_contact_date": known},
                "input": _case_input(activity.raw_input),
                "expected": {
                    "source_channel": f.get("source_channel"),
                    "first_contact_date": f.get("first_contact_date"),
                    "stage": f.get("stage"),
                    "summary_must_mention": must_mention(f.get("summary") or "", activity.text),
                    "next_follow_up_date": f.get("next_follow_up_date"),
                    "quality": {
                        "discovery_3plus": bool(verdict.get("discovery_3plus")),
                        "pain_2min": bool(verdict.get("pain_2min")),
                        "next_step": bool(verdict.get("next_step")),
                        "high_quality": bool(verdict.get("high_quality")),
                    },
                    "signals": sorted({s["signal"] for s in reading.signals}),
                },
            }
        )
    return cases


def _case_input(raw: dict[str, Any]) -> dict[str, Any]:
    """The stored input in the case format (dictation, chat or call; other kinds as text)."""
    kind = raw.get("kind")
    if kind == "dictation":
        return {"kind": "dictation", "text": raw.get("text", "")}
    if kind == "chat":
        return {"kind": "chat", "messages": raw.get("messages", [])}
    if kind == "call":
        return {"kind": "call", "segments": raw.get("segments", [])}
    return {"kind": "dictation", "text": str(raw.get("text", ""))}


# -- a logged call's wrap-up ---------------------------------------------------------------------


def calls_to_wrap_up(
    session: Session, principal: Principal, *, now: datetime, days: int = 14, limit: int = 20
) -> list[Activity]:
    """Logged calls in the caller's scope from the last `days` days that nobody has read yet."""
    visible = scope_customers(select(Customer.id), principal)
    stmt = (
        select(Activity)
        .where(
            Activity.org_id == principal.org_id,
            Activity.kind == "call",
            Activity.status.in_(("imported", "recorded")),
            Activity.at >= now - timedelta(days=days),
            Activity.customer_id.in_(visible),
            ~Activity.extractions.any(),
        )
        .order_by(Activity.at.desc())
        .limit(limit)
    )
    if principal.user_id is not None and principal.role is AccessRole.REP:
        stmt = stmt.where((Activity.actor_id == principal.user_id) | (Activity.actor_id.is_(None)))
    return list(session.scalars(stmt).unique())


def wrap_up_call(
    session: Session, principal: Principal, activity_id: str, stage: str, summary: str, *, now: datetime
) -> ConfirmResult:
    """The rep's two-field record of a logged call: the stage after it and a one-sentence summary."""
    activity = get_activity(session, principal, activity_id, what="call")
    if activity.kind != "call":
        raise InvalidInput(f"{activity_id!r} is a {activity.kind}, not a call", key="not_a_call")
    if activity.extractions:
        raise InvalidInput(
            f"call {activity_id!r} already has a record; correct it on its follow-up page", key="wrap_up_done"
        )
    fields: dict[str, Any] = dict.fromkeys(FIELDS)
    fields["stage"] = _clean("stage", stage)
    fields["summary"] = _clean("summary", summary)
    if not fields["stage"] or not fields["summary"]:
        raise InvalidInput("a call's wrap-up needs the stage and a one-sentence summary", key="wrap_up_needs")
    fields["provenance"] = {"stage": REP_ENGINE, "summary": REP_ENGINE}
    reading = Extraction(
        org_id=activity.org_id,
        activity_id=activity.id,
        engine=REP_ENGINE,
        engine_version="1",
        fields=fields,
        quality={"verdict": {}},
        signals=[],
        evidence={},
        note="wrap-up of a logged call",
        created_at=now,
    )
    session.add(reading)
    activity.status = "extracted"
    if activity.actor_id is None:
        activity.actor_id = principal.user_id
    session.flush()
    note = _apply(session, principal, activity, fields, {"stage"}, now)
    customer: Customer = activity.customer
    if customer.last_activity_at is None or activity.at > customer.last_activity_at:
        customer.last_activity_at = activity.at
    audit.record(
        session, activity.org_id, principal, "call.wrapped_up", "followup", activity.external_id, now=now,
        detail={"stage": fields["stage"]},
    )  # fmt: skip
    return ConfirmResult(activity=activity, extraction=reading, note=note)
