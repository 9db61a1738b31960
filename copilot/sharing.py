"""The customer's confirmation view: a link a rep shares, with no account and an expiring token.

The customer sees only the three core requirements of their deal and our response to each, as
they stood when the link was made (a snapshot), and may mark one "needs adjustment" with a
comment. That answer is recorded in the customer's file as an activity, queued for the team's
webhooks, and shown to the rep. Only the token's hash is stored: a leaked database does not open
any link, and a link dies at its expiry or when revoked.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from copilot import audit
from copilot.access import Principal
from copilot.contracts.diff import describe_value, field_label
from copilot.contracts.fields import FIELD_NAMES
from copilot.errors import CopilotError, InvalidInput, NotFound
from copilot.pipeline.deals import get_deal
from copilot.pipeline.requirements import current_requirements
from copilot.rhythm import messages
from copilot.rhythm.outbox import enqueue
from copilot.store.models import Activity, Contract, Customer, Deal, ShareFeedback, ShareLink, Webhook

MAX_ITEMS = 3
DEFAULT_DAYS = 7
MAX_DAYS = 30
COMMENT_MAX_CHARS = 2000
STATUSES = ("confirmed", "needs_adjustment")


class LinkExpired(CopilotError):
    """The link is past its expiry or was revoked."""

    status = 410
    code = "link_expired"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SharedView:
    """What the customer sees, and nothing more."""

    link_id: int
    customer_name: str
    deal_name: str
    lang: str
    expires_at: datetime
    items: list[dict[str, Any]]  # [{index, field, label, requirement, response, feedback}]


def default_items(session: Session, deal: Deal, lang: str) -> list[dict[str, str]]:
    """Up to three of the deal's requirements, in the contract's field order, each with our response:
    what the latest contract says for it, else that it is in our proposal as required."""
    zh = lang == "zh"
    version = current_requirements(session, deal)
    values = version.values if version else {}
    contract = session.scalar(
        select(Contract).where(Contract.deal_id == deal.id).order_by(Contract.id.desc()).limit(1)
    )
    contract_values: dict[str, Any] = dict(contract.fields or {}) if contract is not None else {}
    items = []
    for name in FIELD_NAMES:
        if values.get(name) is None:
            continue
        said = contract_values.get(name)
        if said is not None:
            response = ("合同约定：" if zh else "The contract states: ") + describe_value(name, said, zh)
        else:
            response = "已按此要求纳入方案" if zh else "Included in our proposal as required"
        items.append(
            {"field": name, "requirement": describe_value(name, values[name], zh), "response": response}
        )
        if len(items) == MAX_ITEMS:
            break
    return items


def create_link(
    session: Session,
    principal: Principal,
    deal_id: str,
    *,
    now: datetime,
    items: list[dict[str, str]] | None = None,
    lang: str = "zh",
    days: int = DEFAULT_DAYS,
) -> tuple[ShareLink, str]:
    """A new link for the deal; returns it and its token (shown once, never stored)."""
    deal = get_deal(session, principal, deal_id)
    if lang not in ("zh", "en"):
        raise InvalidInput("lang must be zh or en")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"a link lives 1 to {MAX_DAYS} days")
    chosen = default_items(session, deal, lang) if items is None else items
    if not chosen:
        raise InvalidInput(
            f"deal {deal_id!r} has no recorded requirements to confirm; "
            "record the customer's requirements first"
        )
    if len(chosen) > MAX_ITEMS:
        raise InvalidInput(f"a link shows at most {MAX_ITEMS} core requirements")
    clean = []
    for item in chosen:
        requirement = " ".join(str(item.get("requirement", "")).split())
        response = " ".join(str(item.get("response", "")).split())
        if not requirement or not response:
            raise InvalidInput("each item needs the requirement and our response")
        if len(requirement) > 500 or len(response) > 1000:
            raise InvalidInput("an item's requirement (500) or response (1,000 characters) is too long")
        clean.append({"field": str(item.get("field", "")), "requirement": requirement, "response": response})
    token = secrets.token_urlsafe(24)
    link = ShareLink(
        org_id=deal.org_id,
        deal_id=deal.id,
        token_hash=_hash(token),
        items=clean,
        lang=lang,
        created_by_id=principal.user_id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    audit.record(
        session, deal.org_id, principal, "share.created", "deal", deal.external_id, now=now,
        detail={"link": link.id, "days": days},
    )  # fmt: skip
    return link, token


def links_of(session: Session, deal: Deal, *, now: datetime) -> list[dict[str, Any]]:
    """The deal's links that still open, newest first, with how many answers each has had."""
    rows = session.scalars(
        select(ShareLink)
        .where(ShareLink.deal_id == deal.id, ShareLink.revoked_at.is_(None), ShareLink.expires_at > now)
        .order_by(ShareLink.id.desc())
    ).all()
    counted = (
        select(ShareFeedback.link_id, func.count())
        .where(ShareFeedback.link_id.in_([r.id for r in rows]))
        .group_by(ShareFeedback.link_id)
    )
    answers: dict[int, int] = {row[0]: row[1] for row in session.execute(counted)}
    return [
        {"id": r.id, "created_at": r.created_at, "expires_at": r.expires_at, "answers": answers.get(r.id, 0)}
        for r in rows
    ]


def revoke_link(session: Session, principal: Principal, link_id: int, *, now: datetime) -> ShareLink:
    """Close a link at once (sent to the wrong person, or superseded); NotFound outside the caller's
    scope."""
    link = session.get(ShareLink, link_id)
    if link is None or link.org_id != principal.org_id:
        raise NotFound(f"no link {link_id}")
    deal = session.get(Deal, link.deal_id)
    if deal is None:
        raise NotFound(f"no link {link_id}")
    get_deal(session, principal, deal.external_id)  # in the caller's scope, or NotFound
    if link.revoked_at is None:
        link.revoked_at = now
        audit.record(
            session, link.org_id, principal, "share.revoked", "deal", deal.external_id, now=now,
            detail={"link": link.id},
        )  # fmt: skip
    return link


def _live_link(session: Session, token: str, now: datetime) -> ShareLink:
    if not token or len(token) > 200:
        raise NotFound("no such link")
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == _hash(token)))
    if link is None:
        raise NotFound("no such link")
    if link.revoked_at is not None or link.expires_at <= now:
        raise LinkExpired("this link has expired; ask your sales contact for a new one")
    return link


def open_link(session: Session, token: str, *, now: datetime) -> SharedView:
    """The customer's view behind a token: NotFound for an unknown token, LinkExpired past expiry."""
    link = _live_link(session, token, now)
    deal = session.get(Deal, link.deal_id)
    if deal is None:  # the deal was erased: the link shows nothing
        raise NotFound("no such link")
    customer = session.get(Customer, deal.customer_id)
    feedback: dict[int, ShareFeedback] = {}
    for row in session.scalars(
        select(ShareFeedback).where(ShareFeedback.link_id == link.id).order_by(ShareFeedback.id)
    ):
        feedback[row.item] = row  # the latest answer per item
    zh = link.lang == "zh"
    items = []
    for index, item in enumerate(link.items):
        answer = feedback.get(index)
        items.append(
            {
                "index": index,
                "field": item["field"],
                "label": field_label(item["field"], zh),
                "requirement": item["requirement"],
                "response": item["response"],
                "feedback": None
                if answer is None
                else {"status": answer.status, "comment": answer.comment, "at": answer.created_at},
            }
        )
    return SharedView(
        link_id=link.id,
        customer_name=customer.name if customer else "",
        deal_name=deal.name,
        lang=link.lang,
        expires_at=link.expires_at,
        items=items,
    )


def answer_item(
    session: Session,
    token: str,
    index: int,
    status: str,
    comment: str | None,
    *,
    now: datetime,
    public_url: str | None = None,
) -> ShareFeedback:
    """The customer's answer to one item, recorded in the customer's file as an activity; "needs
    adjustment" is also sent to the team's alert webhooks (WeCom), linking to the customer's file."""
    link = _live_link(session, token, now)
    if not 0 <= index < len(link.items):
        raise NotFound(f"no item {index} on this link")
    if status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}")
    text = " ".join((comment or "").split())
    if len(text) > COMMENT_MAX_CHARS:
        raise InvalidInput(f"the comment is over {COMMENT_MAX_CHARS} characters")
    if status == "needs_adjustment" and not text:
        raise InvalidInput("say what needs adjusting")
    deal = session.get(Deal, link.deal_id)
    if deal is None:
        raise NotFound("no such link")
    latest = session.scalar(
        select(ShareFeedback)
        .where(ShareFeedback.link_id == link.id, ShareFeedback.item == index)
        .order_by(ShareFeedback.id.desc())
        .limit(1)
    )
    if latest is not None and latest.status == status and (latest.comment or "") == text:
        return latest  # the same answer again (a double click, a reload): recorded once
    item = link.items[index]
    zh = link.lang == "zh"
    label = field_label(item["field"], zh)
    if zh:
        said = "需要调整" if status == "needs_adjustment" else "确认无误"
        note = f"客户在确认页反馈「{label}」{said}" + (f"：{text}" if text else "")
    else:
        said = "needs adjustment" if status == "needs_adjustment" else "confirmed"
        note = f"The customer marked '{label}' as {said} on the confirmation page" + (
            f": {text}" if text else ""
        )
    activity = Activity(
        org_id=link.org_id,
        external_id=f"fb_{secrets.token_hex(8)}",
        customer_id=deal.customer_id,
        deal_id=deal.id,
        actor_id=None,
        actor_role="customer",
        at=now,
        kind="feedback",
        input_kind=None,
        text=note,
        raw_input=None,
        status="recorded",
        created_at=now,
    )
    session.add(activity)
    session.flush()
    row = ShareFeedback(
        org_id=link.org_id,
        link_id=link.id,
        item=index,
        status=status,
        comment=text or None,
        activity_id=activity.id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    if status == "needs_adjustment" and public_url is not None:
        _notify(session, link, deal, label, text, row, public_url=public_url, zh=zh, now=now)
    audit.record(
        session, link.org_id, None, "share.answered", "deal", deal.external_id, now=now,
        detail={"link": link.id, "item": index, "status": status}, actor="customer:share-link",
    )  # fmt: skip
    return row


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-!>|<~])")


def _plain(text: str) -> str:
    """Text shown as itself in WeCom markdown: its markup characters escaped, one line."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def _notify(
    session: Session,
    link: ShareLink,
    deal: Deal,
    label: str,
    comment: str,
    row: ShareFeedback,
    *,
    public_url: str,
    zh: bool,
    now: datetime,
) -> None:
    customer = session.get(Customer, deal.customer_id)
    # the comment is the customer's text: no markdown of theirs reaches the team's chat as ours
    name, label, comment = (_plain(x) for x in (customer.name if customer else "", label, comment))
    deal_name = _plain(deal.name)
    url = f"{public_url.rstrip('/')}/app/customers/{customer.external_id if customer else ''}"
    if zh:
        text = (
            f"**客户反馈：需要调整**\n> {name} · {deal_name}\n> 「{label}」：{comment}\n[打开客户档案]({url})"
        )
    else:
        text = (
            f"**Customer feedback: needs adjustment**\n> {name} · {deal_name}\n> {label}: {comment}\n"
            f"[Open the file]({url})"
        )
    data = {
        "customer_id": customer.external_id if customer else None,
        "deal_id": deal.external_id,
        "item": label,
        "comment": comment,
    }

    def render(hook: Webhook) -> dict[str, Any]:
        if hook.kind == "wecom":
            return messages.markdown(text)
        return messages.generic("customer_feedback", "", data, text)

    enqueue(session, link.org_id, "alerts", f"share:{row.id}", render, now=now)


def feedback_for(
    session: Session, org_id: int, customer_ids: Select[Any] | None, *, limit: int = 20
) -> list[dict[str, Any]]:
    """The latest customer answers (for the rep's inbox), newest first; `customer_ids` is a query
    of the customers' ids to keep (None: every customer)."""
    stmt = (
        select(ShareFeedback, ShareLink, Deal, Customer)
        .join(ShareLink, ShareLink.id == ShareFeedback.link_id)
        .join(Deal, Deal.id == ShareLink.deal_id)
        .join(Customer, Customer.id == Deal.customer_id)
        .where(ShareFeedback.org_id == org_id)
    )
    if customer_ids is not None:
        stmt = stmt.where(Customer.id.in_(customer_ids))
    rows = session.execute(stmt.order_by(ShareFeedback.id.desc()).limit(limit)).all()
    return [
        {
            "customer_id": customer.external_id,
            "customer": customer.name,
            "deal_id": deal.external_id,
            "label": field_label(link.items[fb.item]["field"], link.lang == "zh"),
            "status": fb.status,
            "comment": fb.comment,
            "at": fb.created_at,
        }
        for fb, link, deal, customer in rows
    ]
