"""Next actions for a customer or a whole scope, and the customer news integrations push."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterator
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from copilot.access import Principal
from copilot.clock import Clock, in_zone
from copilot.errors import Conflict, InvalidInput, NotFound, invalid
from copilot.pipeline.snapshot import PipelineSnapshot, SnapshotCache
from copilot.policies import Policy, load_policy
from copilot.risks.service import narrow, visible_customers
from copilot.store.models import Activity, Customer, CustomerNews, Kickoff
from copilot.suggest.cues import news_category, read_cues
from copilot.suggest.engine import ACTION_TYPES, Context, Record, Suggestion, suggest
from copilot.suggest.render import view

LOOKBACK_DAYS = 90  # records older than this never change an action
NEWS_SOURCES = ("press_release", "tender_notice", "website", "social", "other")


class NewsIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str | None = Field(
        None, min_length=1, max_length=64, description="The integration's id; repeats are ignored."
    )
    source: str = Field("other", description="press_release, tender_notice, website, social or other")
    title: str = Field(min_length=1, max_length=500)
    text: str = Field("", max_length=20_000)
    url: str | None = Field(None, max_length=1000)
    published_at: datetime | None = None


class SuggestionService:
    def __init__(
        self, sessions: sessionmaker[Session], clock: Clock, snapshots: SnapshotCache, tz: tzinfo
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.snapshots = snapshots
        self.tz = tz
        self._cues: dict[tuple[str, int], tuple[Any, ...]] = {}
        self._deal_index: tuple[tuple[int, int], dict[int, int]] | None = None

    # -- reading ----------------------------------------------------------------------------

    def for_customer(
        self,
        principal: Principal,
        customer_id: str,
        *,
        as_of: datetime | None = None,
        lang: str | None = None,
    ) -> dict[str, Any]:
        as_of = as_of or self.clock.now()
        with self.sessions() as session:
            snap = self.snapshots.get(session, principal.org_id)
            policy = load_policy(session, principal.org_id)
            scope = narrow(snap, principal, visible_customers(snap, principal), customer_id=customer_id)
            found = self._suggest(session, snap, policy, scope, as_of)
        language = lang or policy.language
        return {
            "customer_id": customer_id,
            "as_of": as_of.isoformat(),
            "language": language,
            "items": [view(snap, s, language) for s in found],
        }

    def for_scope(
        self,
        principal: Principal,
        *,
        rep_id: str | None = None,
        team: str | None = None,
        due_before: date | None = None,
        action: str | None = None,
        as_of: datetime | None = None,
        lang: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> dict[str, Any]:
        """Every action in the caller's scope (or a rep's, or a team's), earliest due first."""
        if action is not None and action not in ACTION_TYPES:
            raise InvalidInput(f"unknown action type {action!r}; the types are {', '.join(ACTION_TYPES)}")
        as_of = as_of or self.clock.now()
        with self.sessions() as session:
            snap = self.snapshots.get(session, principal.org_id)
            policy = load_policy(session, principal.org_id)
            scope = narrow(snap, principal, visible_customers(snap, principal), rep_id=rep_id, team=team)
            found = self._suggest(session, snap, policy, scope, as_of)
        found = [
            s
            for s in found
            if (due_before is None or s.due <= due_before) and (action is None or s.type == action)
        ]
        found.sort(key=lambda s: (s.due, ACTION_TYPES.index(s.type), snap.customers[s.customer].ext))
        language = lang or policy.language
        counts: dict[str, int] = {}
        for s in found:
            counts[s.type] = counts.get(s.type, 0) + 1
        return {
            "as_of": as_of.isoformat(),
            "language": language,
            "total": len(found),
            "counts": counts,
            "limit": limit,
            "offset": offset,
            "items": [view(snap, s, language) for s in found[offset : offset + limit]],
        }

    def suggestions(
        self,
        session: Session,
        snap: PipelineSnapshot,
        policy: Policy,
        customers: Collection[int],
        as_of: datetime,
    ) -> list[Suggestion]:
        """The actions for the given snapshot customers (for jobs that already hold a session)."""
        return self._suggest(session, snap, policy, customers, as_of)

    def _suggest(
        self,
        session: Session,
        snap: PipelineSnapshot,
        policy: Policy,
        customers: Collection[int],
        as_of: datetime,
    ) -> list[Suggestion]:
        tz = policy_zone(policy, self.tz)
        records = self._records(session, snap, customers, as_of)
        done = self._kickoffs_done(session, snap, customers)
        out: list[Suggestion] = []
        for c in sorted(customers):
            ctx = Context(snap, c, as_of, records.get(c, []), tz, policy, done)
            out.extend(suggest(ctx))
        return out

    def _deals(self, snap: PipelineSnapshot) -> dict[int, int]:
        key = (snap.org_id, snap.version)
        if self._deal_index is None or self._deal_index[0] != key:
            self._deal_index = (key, {d.id: d.idx for d in snap.deals})
        return self._deal_index[1]

    def _records(
        self, session: Session, snap: PipelineSnapshot, customers: Collection[int], as_of: datetime
    ) -> dict[int, list[Record]]:
        start = as_of - timedelta(days=LOOKBACK_DAYS)
        ids = {snap.customers[c].id: c for c in customers}
        deal_index = self._deals(snap)
        out: dict[int, list[Record]] = {}
        for chunk in _chunks(list(ids), 500):
            rows = session.execute(
                select(
                    Activity.id,
                    Activity.external_id,
                    Activity.customer_id,
                    Activity.deal_id,
                    Activity.actor_role,
                    Activity.kind,
                    Activity.at,
                    Activity.text,
                )
                .where(
                    Activity.org_id == snap.org_id,
                    Activity.customer_id.in_(chunk),
                    Activity.at >= start,
                    Activity.at <= as_of,
                )
                .order_by(Activity.at, Activity.id)
            )
            for row in rows:
                deal = deal_index.get(row.deal_id) if row.deal_id is not None else None
                out.setdefault(ids[row.customer_id], []).append(
                    Record(
                        "activity",
                        row.external_id,
                        row.at,
                        row.kind,
                        row.actor_role,
                        deal,
                        row.text,
                        cues=self._read(("a", row.id), row.text),
                    )
                )
            for news in session.scalars(
                select(CustomerNews).where(
                    CustomerNews.org_id == snap.org_id,
                    CustomerNews.customer_id.in_(chunk),
                    CustomerNews.published_at >= start,
                    CustomerNews.published_at <= as_of,
                )
            ):
                text = f"{news.title}\n{news.text}".strip()
                out.setdefault(ids[news.customer_id], []).append(
                    Record(
                        "news",
                        news.external_id,
                        news.published_at,
                        news.source,
                        None,
                        None,
                        text,
                        news.category,
                        self._read(("n", news.id), text),
                    )
                )
        for records in out.values():
            records.sort(key=lambda r: r.at)
        return out

    def _read(self, key: tuple[str, int], text: str) -> tuple[Any, ...]:
        cache_key = (f"{key[0]}{key[1]}", hash(text))
        cues = self._cues.get(cache_key)
        if cues is None:
            if len(self._cues) > 500_000:
                self._cues.clear()
            cues = tuple(read_cues(text))
            self._cues[cache_key] = cues
        return cues

    def _kickoffs_done(
        self, session: Session, snap: PipelineSnapshot, customers: Collection[int]
    ) -> set[int]:
        deal_index = self._deals(snap)
        rows = session.execute(
            select(Kickoff.deal_id).where(Kickoff.org_id == snap.org_id, Kickoff.completed_at.is_not(None))
        )
        return {deal_index[d] for (d,) in rows if d in deal_index}

    # -- news -------------------------------------------------------------------------------

    def add_news(self, principal: Principal, customer_id: str, payload: Any) -> dict[str, Any]:
        """Store an item about the customer; an item with an id already stored is a 409."""
        try:
            item = NewsIn.model_validate(payload)
        except ValidationError as exc:
            raise invalid(exc, "news {where}: {msg}") from exc
        if item.source not in NEWS_SOURCES:
            raise InvalidInput(f"news source must be one of {', '.join(NEWS_SOURCES)}")
        now = self.clock.now()
        published = in_zone(item.published_at, self.tz) if item.published_at else now
        with self.sessions.begin() as session:
            snap = self.snapshots.get(session, principal.org_id)
            narrow(snap, principal, visible_customers(snap, principal), customer_id=customer_id)
            customer = session.scalar(
                select(Customer).where(
                    Customer.org_id == principal.org_id, Customer.external_id == customer_id
                )
            )
            if customer is None:
                raise NotFound(f"no customer {customer_id!r}")
            ext = item.id or f"news-{secrets.token_hex(6)}"
            if session.scalar(
                select(CustomerNews.id).where(
                    CustomerNews.org_id == principal.org_id, CustomerNews.external_id == ext
                )
            ):
                raise Conflict(f"news {ext!r} is already stored")
            row = CustomerNews(
                org_id=principal.org_id,
                external_id=ext,
                customer_id=customer.id,
                source=item.source,
                title=item.title,
                text=item.text,
                url=item.url,
                category=news_category(f"{item.title}\n{item.text}"),
                published_at=published,
                created_by_id=principal.user_id,
                created_at=now,
            )
            session.add(row)
            session.flush()
            return news_view(row, customer_id)

    def list_news(self, principal: Principal, customer_id: str) -> list[dict[str, Any]]:
        with self.sessions() as session:
            snap = self.snapshots.get(session, principal.org_id)
            scope = narrow(snap, principal, visible_customers(snap, principal), customer_id=customer_id)
            (c,) = scope
            rows = session.scalars(
                select(CustomerNews)
                .where(
                    CustomerNews.org_id == principal.org_id, CustomerNews.customer_id == snap.customers[c].id
                )
                .order_by(CustomerNews.published_at.desc())
            )
            return [news_view(r, customer_id) for r in rows]


def news_view(row: CustomerNews, customer_id: str) -> dict[str, Any]:
    return {
        "id": row.external_id,
        "customer_id": customer_id,
        "source": row.source,
        "category": row.category,
        "title": row.title,
        "text": row.text,
        "url": row.url,
        "published_at": row.published_at.isoformat(),
    }


def policy_zone(policy: Policy, default: tzinfo) -> tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(policy.rhythm.timezone) if policy.rhythm.timezone else default


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
