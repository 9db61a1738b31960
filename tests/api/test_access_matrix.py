"""Access control, proven: every route of the app × every kind of caller × records of the caller's
own organization (its own customer, a team-mate's, another team's) and of another organization.

The matrix is generated from `app.routes`: a route without an entry in `ROUTES` fails
`test_every_route_has_an_expectation`, so a new endpoint cannot ship unchecked. Expectations:
401 for a missing, unknown, revoked or expired key; 403 when the role or the key's scope does not
allow the route; 404 (not 403: existence is not leaked) for a record of another organization or
outside the caller's scope; and no response ever names a record the caller may not see.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.deps import route_scope
from api.runtime import Runtime, build_runtime
from copilot.access import (
    KEY_SCOPES,
    AccessRole,
    authenticate,
    create_api_key,
    create_organization,
    revoke_api_key,
    rotate_api_key,
)
from copilot.clock import FixedClock
from copilot.config import Settings
from copilot.pipeline.importer import import_pipeline
from copilot.pipeline.requirements import RequirementService
from copilot.store.models import Contract, ContractDiff, Deal, OutboxMessage, Webhook
from tests.conftest import NOW, auth

ORGS = ("a", "b")  # "a" is the callers' organization, "b" the other one
TEAMS = ("华东一组", "华南组")
# the records a caller is pointed at: its own customer (r1's), a team-mate's (r2's), another
# team's (r3's), and the first customer of the other organization
TARGETS = ("own", "team", "other_team", "other_org")
_INDEX = {"own": 1, "team": 2, "other_team": 3}

# who calls, and which targets each sees
PEOPLE = ("rep", "supervisor_team", "supervisor_all", "admin")
MACHINES = ("integration", "integration_narrow")
DENIED = ("revoked", "expired_rotated", "invalid", "no_key")
CALLERS = PEOPLE + MACHINES + DENIED
NARROW_SCOPES = ("customers", "followups")
VISIBLE: dict[str, set[str]] = {
    "rep": {"own"},
    "supervisor_team": {"own", "team"},
    **{c: {"own", "team", "other_team"} for c in ("supervisor_all", "admin", *MACHINES)},
}
EVERYONE = frozenset((*PEOPLE, "integration"))
ADMIN = frozenset({"admin"})


@dataclass(frozen=True)
class Expect:
    """What a route allows: its endpoint group, the roles that may call it on a record they see, the
    record its path names, and the statuses (besides 2xx) that still mean "allowed"."""

    scope: str | None
    roles: frozenset[str] = EVERYONE
    record: str | None = None  # customer, deal, won_deal, followup, minutes, ticket, rep, webhook...
    body: dict[str, Any] | None = None
    form: dict[str, Any] | None = None
    upload: tuple[str, bytes, str] | None = None
    query: dict[str, str] = field(default_factory=dict)
    also_ok: frozenset[int] = frozenset()  # business outcomes after the access check (409, 422...)
    public: bool = False


TEXT = "今天电话跟客户沟通了交付安排，下周三前把方案发过去"
ROUTES: dict[str, Expect] = {
    # operations: service-wide counts that name no organization or record
    "GET /healthz": Expect(None, public=True),
    "GET /readyz": Expect(None, public=True, also_ok=frozenset({503})),
    "GET /metrics": Expect(None, public=True),
    # follow-ups
    "POST /v1/followups": Expect(
        "followups", record="customer_body", body={"input": {"kind": "dictation", "text": TEXT}}
    ),
    "GET /v1/followups/{followup_id}": Expect("followups", record="followup"),
    "GET /v1/customers/{customer_id}/followups": Expect("followups", record="customer"),
    "POST /v1/followups/audio": Expect(
        "followups", record="customer_form", upload=("note.wav", b"RIFF0000WAVE", "audio/wav")
    ),
    # the customer's file
    "GET /v1/customers/{customer_id}": Expect("customers", record="customer"),
    # deals
    "PATCH /v1/deals/{deal_id}": Expect("deals", record="deal", body={"stage": "negotiation"}),
    "GET /v1/deals/{deal_id}/requirements": Expect("deals", record="deal"),
    "PUT /v1/deals/{deal_id}/requirements": Expect(
        "deals", roles=frozenset(PEOPLE), record="deal", body={"requirements": {"warranty_months": 12}}
    ),
    "POST /v1/deals/{deal_id}/requirements/confirmations/{confirmation_id}": Expect(
        # the deal's solution owner or an admin answers; a second answer is refused (422)
        "deals",
        roles=ADMIN,
        record="deal",
        body={"answer": "feasible_synced"},
        also_ok=frozenset({422}),
    ),
    # contracts and confirmation letters
    "POST /v1/deals/{deal_id}/contracts": Expect(
        # not a readable PDF: refused after the access check, changing nothing
        "contracts",
        record="deal",
        upload=("c.pdf", b"%PDF-1.4 not really", "application/pdf"),
        also_ok=frozenset({415, 422}),
    ),
    "GET /v1/deals/{deal_id}/contract-diff": Expect("contracts", record="deal"),
    "POST /v1/deals/{deal_id}/contract-diff/{field}/acknowledge": Expect(
        "contracts",
        roles=frozenset({"supervisor_team", "supervisor_all", "admin"}),
        record="deal",
        body={"decision": "accepted"},
        also_ok=frozenset({422}),  # already acknowledged
    ),
    "POST /v1/deals/{deal_id}/confirmation-letters": Expect(
        "contracts",
        record="deal",
        form={"text": "确认函：付款方式分三期，交付周期30天，验收标准按技术协议。"},
    ),
    "GET /v1/deals/{deal_id}/confirmation-letters": Expect("contracts", record="deal"),
    # search and questions
    "GET /v1/search": Expect("search", query={"q": "交付 方案"}),
    "POST /v1/ask": Expect("ask", body={"question": "哪些客户三天没跟进？", "as_of": NOW.isoformat()}),
    # risks, policy and scores
    "GET /v1/risks": Expect("risks"),
    "GET /v1/policy": Expect("risks"),
    "PATCH /v1/policy": Expect("risks", roles=ADMIN, body={"negotiation_gate": {"enabled": True}}),
    "GET /v1/scores/pipeline": Expect("risks"),
    "GET /v1/scores/funnel": Expect("risks"),
    "GET /v1/scores/lost-reasons": Expect("risks"),
    # collaboration
    "POST /v1/customers/{customer_id}/minutes": Expect(
        "collab", record="customer", body={"title": "方案沟通会", "meeting_at": NOW.isoformat()}
    ),
    "GET /v1/customers/{customer_id}/minutes": Expect("collab", record="customer"),
    "GET /v1/minutes/{minutes_id}": Expect("collab", record="minutes"),
    "PUT /v1/minutes/{minutes_id}/blocks/{block}": Expect(
        # the block's owner (the customer's rep for objections), a supervisor or an admin
        "collab",
        roles=frozenset(PEOPLE),
        record="minutes",
        body={"text": "客户认为价格偏高"},
    ),
    "POST /v1/customers/{customer_id}/tickets": Expect(
        "collab",
        record="customer",
        body={"title": "可行性评估", "request": "请评估交付周期", "assignee_role": "solution"},
    ),
    "GET /v1/customers/{customer_id}/tickets": Expect("collab", record="customer"),
    "GET /v1/tickets": Expect("collab"),
    "GET /v1/tickets/{ticket_id}": Expect("collab", record="ticket"),
    "POST /v1/tickets/{ticket_id}/answer": Expect(
        # only solution staff answer a ticket for solution: none of the callers here
        "collab",
        roles=frozenset(),
        record="ticket",
        body={"answer": "可以做"},
    ),
    "GET /v1/customers/{customer_id}/kickoffs": Expect("collab", record="customer"),
    "GET /v1/deals/{deal_id}/kickoff": Expect("collab", record="won_deal"),
    "PUT /v1/deals/{deal_id}/kickoff": Expect("collab", record="won_deal", body={"goals": "六月底上线"}),
    "GET /v1/customers/{customer_id}/timeline": Expect("collab", record="customer"),
    "GET /v1/reps/{rep_id}/radar": Expect("collab", record="rep"),
    # next actions and news
    "GET /v1/customers/{customer_id}/suggestions": Expect("suggestions", record="customer"),
    "GET /v1/suggestions": Expect("suggestions"),
    "POST /v1/customers/{customer_id}/news": Expect(
        "suggestions",
        record="customer",
        body={"id": "pr-1", "source": "press_release", "title": "新厂投产", "text": "二期工厂投产"},
        also_ok=frozenset({409}),  # the same news id again
    ),
    "GET /v1/customers/{customer_id}/news": Expect("suggestions", record="customer"),
    # the brief, the patrol, alerts
    "GET /v1/brief": Expect("rhythm"),
    "GET /v1/patrol": Expect("rhythm"),
    "GET /v1/alerts": Expect("rhythm"),
    # webhooks and the outbox (admins)
    "GET /v1/webhooks": Expect("webhooks", roles=ADMIN),
    "POST /v1/webhooks": Expect(
        "webhooks",
        roles=ADMIN,
        body={
            "name": "销售群",
            "kind": "wecom",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        },
    ),
    "DELETE /v1/webhooks/{webhook_id}": Expect("webhooks", roles=ADMIN, record="webhook"),
    "GET /v1/outbox": Expect("webhooks", roles=ADMIN),
    "POST /v1/outbox/{message_id}/retry": Expect(
        "webhooks",
        roles=ADMIN,
        record="message",
        also_ok=frozenset({422}),  # no longer dead
    ),
    # the audit log (admins)
    "GET /v1/audit": Expect(None, roles=ADMIN),
}
# organization-wide records: only "own" and "other_org" apply
ORG_RECORDS = ("webhook", "message")


def app_routes() -> list[tuple[str, RouteContext]]:
    """Every HTTP route the app serves (with the dependencies its routers add), as "METHOD path";
    the workspace's pages (/app, /c) sign in with a session and have their own tests (tests/web)."""
    out: list[tuple[str, RouteContext]] = []
    for route in iter_route_contexts(create_app(None).routes):
        if route.path == "/app" or route.path.startswith(("/app/", "/c/")):
            continue
        if isinstance(route.original_route, APIRoute):
            out.extend((f"{method} {route.path}", route) for method in sorted(route.methods or ()))
    return out


ROUTE_KEYS = [key for key, _ in app_routes()]


def test_every_route_has_an_expectation() -> None:
    missing = sorted(set(ROUTE_KEYS) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(ROUTE_KEYS))
    assert not missing, f"routes without an access expectation in ROUTES: {missing}"
    assert not stale, f"expectations for routes that no longer exist: {stale}"


def test_every_route_declares_its_scope() -> None:
    for key, route in app_routes():
        assert route_scope(list(route.dependencies or ())) == ROUTES[key].scope, key
    assert {e.scope for e in ROUTES.values()} - {None} == set(KEY_SCOPES)


# -- the world -----------------------------------------------------------------------------------


def pipeline(p: str) -> dict[str, Any]:
    """Two teams, three reps, two managers, solution and delivery staff; one customer per rep, each
    with an open deal (negotiation, with a complete letter) and a won deal."""
    people = [
        (f"{p}-r1", TEAMS[0], "rep"),
        (f"{p}-r2", TEAMS[0], "rep"),
        (f"{p}-r3", TEAMS[1], "rep"),
        (f"{p}-m1", TEAMS[0], "manager"),
        (f"{p}-m2", TEAMS[1], "manager"),
        (f"{p}-s1", "售前", "solution"),
        (f"{p}-dl1", "交付", "delivery"),
    ]
    data: dict[str, Any] = {
        "reps": [{"id": i, "name": f"{i}-名", "team": t, "role": r} for i, t, r in people],
        "customers": [],
        "deals": [],
        "activities": [],
        "documents": [],
    }
    for n in (1, 2, 3):
        c, d, w = f"{p}-c{n}", f"{p}-d{n}", f"{p}-w{n}"
        data["customers"].append(
            {
                "id": c,
                "name": f"{p.upper()}客户{n}号有限公司",
                "industry": "manufacturing",
                "owner": f"{p}-r{n}",
            }
        )
        history = [
            {"stage": "intent", "at": "2026-04-01T10:00:00+08:00"},
            {"stage": "negotiation", "at": "2026-05-01T10:00:00+08:00"},
        ]
        data["deals"].append(
            {
                "id": d,
                "customer_id": c,
                "name": f"{d}项目",
                "amount": 500000,
                "stage": "negotiation",
                "stage_history": history,
            }
        )
        data["deals"].append(
            {
                "id": w,
                "customer_id": c,
                "name": f"{w}项目",
                "amount": 200000,
                "stage": "won",
                "stage_history": [{"stage": "won", "at": "2026-05-18T10:00:00+08:00"}],
            }
        )
        data["activities"].append(
            {
                "id": f"{p}-a{n}",
                "customer_id": c,
                "deal_id": d,
                "actor_id": f"{p}-r{n}",
                "actor_role": "sales",
                "at": "2026-05-12T16:00:00+08:00",
                "kind": "visit",
                "text": "上门沟通交付方案和付款方式。",
            }
        )
        data["documents"].append(
            {
                "id": f"{p}-doc{n}",
                "deal_id": d,
                "kind": "confirmation_letter",
                "at": "2026-04-28T10:00:00+08:00",
                "text": "采购确认函：付款方式分三期，交付周期45个工作日，验收标准按技术协议。",
            }
        )
    return data


class Transcript:
    """Speech to text that always hears the same note (no endpoint in tests)."""

    def transcribe(self, audio: bytes, filename: str) -> str:
        return TEXT


@dataclass
class World:
    client: TestClient
    runtime: Runtime
    keys: dict[str, str | None]
    ids: dict[tuple[str, str], dict[str, str]]  # (org, target index) -> record kind -> id
    org_records: dict[str, dict[str, str]]  # org -> webhook / message -> id
    all_ids: dict[str, set[str]] = field(default_factory=dict)  # target -> every id and name under it


def _build(runtime: Runtime, client: TestClient) -> World:
    ids: dict[tuple[str, str], dict[str, str]] = {}
    org_records: dict[str, dict[str, str]] = {}
    keys: dict[str, str | None] = {"invalid": "cpk_not-a-key", "no_key": None}
    staff: dict[str, str] = {}
    with runtime.sessions.begin() as s:
        for p in ORGS:
            org = create_organization(s, f"org-{p}", f"org-{p}", now=NOW)
            import_pipeline(s, org.id, pipeline(p), now=NOW)
            for person in ("r1", "r2", "r3", "s1"):
                _, staff[f"{p}-{person}"] = create_api_key(
                    s, org, AccessRole.REP, now=NOW, user_external_id=f"{p}-{person}"
                )
            _, staff[f"{p}-admin"] = create_api_key(s, org, AccessRole.ADMIN, now=NOW)
            if p == "a":
                make = create_api_key
                _, keys["rep"] = make(s, org, AccessRole.REP, now=NOW, user_external_id="a-r1")
                _, keys["supervisor_team"] = make(
                    s, org, AccessRole.SUPERVISOR, now=NOW, user_external_id="a-m1"
                )
                _, keys["supervisor_all"] = make(s, org, AccessRole.SUPERVISOR, now=NOW)
                keys["admin"] = staff["a-admin"]
                _, keys["integration"] = make(s, org, AccessRole.INTEGRATION, now=NOW)
                _, keys["integration_narrow"] = make(
                    s, org, AccessRole.INTEGRATION, now=NOW, scopes=NARROW_SCOPES
                )
                revoked, keys["revoked"] = make(s, org, AccessRole.ADMIN, now=NOW)
                revoke_api_key(s, revoked.id, now=NOW)
                # rotated two hours ago with an hour's grace: the old key is past its grace
                old, keys["expired_rotated"] = make(s, org, AccessRole.ADMIN, now=NOW - timedelta(hours=3))
                rotate_api_key(s, old.id, grace=timedelta(hours=1), now=NOW - timedelta(hours=2))
            for i in (1, 2, 3):
                deal = s.scalar(select(Deal).where(Deal.org_id == org.id, Deal.external_id == f"{p}-d{i}"))
                assert deal is not None
                contract = Contract(
                    org_id=org.id,
                    external_id=f"{p}-ct{i}",
                    deal_id=deal.id,
                    pages=1,
                    engine="test",
                    engine_version="1",
                    fields={},
                    evidence={},
                    warnings=[],
                    created_at=NOW,
                )
                contract.diffs = [
                    ContractDiff(
                        org_id=org.id,
                        field="delivery_period",
                        required={"days": 30},
                        contract_value={"days": 45},
                        reason="交付期限不一致",
                        severity="high",
                        contract_evidence=[],
                        requirement_evidence="",
                        status="open",
                    )
                ]
                s.add(contract)
            hook = Webhook(
                org_id=org.id,
                name=f"{p.upper()}群",
                kind="wecom",
                url="https://example.invalid/h",
                jobs=["brief"],
                enabled=True,
                created_at=NOW,
            )
            s.add(hook)
            s.flush()
            message = OutboxMessage(
                org_id=org.id,
                webhook_id=hook.id,
                job="brief",
                dedupe_key=f"{p}-x",
                payload={},
                status="dead",
                attempts=8,
                next_attempt_at=NOW,
                created_at=NOW,
            )
            s.add(message)
            s.flush()
            org_records[p] = {"webhook": str(hook.id), "message": str(message.id)}
    requirements = RequirementService(runtime.sessions, runtime.clock)
    for p in ORGS:
        for n in ("1", "2", "3"):
            c = f"{p}-c{n}"
            rep_key = staff[f"{p}-r{n}"]
            with runtime.sessions() as s:
                rep = authenticate(s, rep_key, now=NOW)
            view = requirements.put(rep, f"{p}-d{n}", {"warranty_months": 24}, solution_owner_id=f"{p}-s1")
            followup = client.post(
                "/v1/followups",
                headers=auth(rep_key),
                json={"customer_id": c, "input": {"kind": "dictation", "text": TEXT}},
            )
            assert followup.status_code == 201, followup.text
            minutes = client.post(
                f"/v1/customers/{c}/minutes",
                headers=auth(rep_key),
                json={"id": f"{p}-mm{n}", "title": "三方会", "meeting_at": NOW.isoformat()},
            )
            assert minutes.status_code == 201, minutes.text
            ticket = client.post(
                f"/v1/customers/{c}/tickets",
                headers=auth(rep_key),
                json={"id": f"{p}-t{n}", "title": "评估", "request": "请评估", "assignee_role": "solution"},
            )
            assert ticket.status_code == 201, ticket.text
            ids[(p, n)] = {
                "customer": c,
                "customer_name": f"{p.upper()}客户{n}号有限公司",
                "deal": f"{p}-d{n}",
                "won_deal": f"{p}-w{n}",
                "followup": followup.json()["id"],
                "minutes": f"{p}-mm{n}",
                "ticket": f"{p}-t{n}",
                "rep": f"{p}-r{n}",
                "confirmation": str(view.confirmations[-1]["id"]),
            }
    for p in ORGS:
        with runtime.sessions() as s:
            org_id = authenticate(s, staff[f"{p}-admin"], now=NOW).org_id
        runtime.search.reindex(org_id, lambda done, total: None)
    world = World(client, runtime, keys, ids, org_records)
    for target in TARGETS:
        p, n = ("b", "1") if target == "other_org" else ("a", str(_INDEX[target]))
        # people's ids (reps) may appear in a caller's view of its own records; customer-side ids may not
        world.all_ids[target] = {v for k, v in ids[(p, n)].items() if k not in ("rep", "confirmation")}
    for n in ("1", "2", "3"):
        world.all_ids["other_org"] |= {v for k, v in ids[("b", n)].items() if k != "confirmation"}
    world.all_ids["other_org"] |= {"B群"}
    return world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp: Path = tmp_path_factory.mktemp("access")
    settings = Settings(data_dir=tmp, database_url=f"sqlite:///{tmp / 'test.db'}", embedders=["hashing"])
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    runtime.transcriber = Transcript()
    with TestClient(create_app(runtime)) as client:
        yield _build(runtime, client)
    runtime.close()


# -- the matrix ----------------------------------------------------------------------------------


def expected(expect: Expect, caller: str, target: str | None) -> set[int] | None:
    """The statuses allowed for this case; None when the access check passes (any 2xx or a business
    outcome in `also_ok`)."""
    if expect.public:
        return None  # and, like every response, checked for names outside the caller's scope
    if caller in DENIED:
        return {401}
    if caller == "integration_narrow" and expect.scope not in NARROW_SCOPES:
        return {403}
    role = "integration" if caller in MACHINES else caller
    allowed_role = role in expect.roles
    visible = (
        target is None
        or target in VISIBLE[caller]
        or (expect.record in ORG_RECORDS and target != "other_org")
    )
    if not allowed_role:
        return {403} if visible else {403, 404}
    if visible:
        return None
    if expect.record == "rep" and target != "other_org":
        return {403}  # a colleague outside the caller's scope is refused by name (the radar's rule)
    return {404}


def targets_of(expect: Expect) -> tuple[str | None, ...]:
    if expect.record is None:
        return (None,)
    if expect.record in ORG_RECORDS:
        return ("own", "other_org")
    return TARGETS


def request(world: World, key: str, expect: Expect, caller: str, target: str | None) -> Any:
    method, path = key.split(" ", 1)
    params: dict[str, str] = {}
    if target is not None:
        if expect.record in ORG_RECORDS:
            params = {expect.record: world.org_records["b" if target == "other_org" else "a"][expect.record]}
        else:
            params = world.ids[("b", "1") if target == "other_org" else ("a", str(_INDEX[target]))]
    path = path.format(
        customer_id=params.get("customer", ""),
        deal_id=params.get("won_deal" if expect.record == "won_deal" else "deal", ""),
        followup_id=params.get("followup", ""),
        minutes_id=params.get("minutes", ""),
        block="objections",
        ticket_id=params.get("ticket", ""),
        field="delivery_period",
        rep_id=params.get("rep", ""),
        webhook_id=params.get("webhook", "0"),
        message_id=params.get("message", "0"),
        confirmation_id=params.get("confirmation", "0"),
    )
    token = world.keys[caller]
    headers = auth(token) if token else {}
    body = copy.deepcopy(expect.body)
    form = dict(expect.form or {})
    if expect.record == "customer_body":
        body = {**(body or {}), "customer_id": params["customer"]}
    if expect.record == "customer_form":
        form["customer_id"] = params["customer"]
    kwargs: dict[str, Any] = {"headers": headers, "params": expect.query}
    if body is not None:
        kwargs["json"] = body
    if form:
        kwargs["data"] = form
    if expect.upload is not None:
        kwargs["files"] = {"file": expect.upload}
    return world.client.request(method, path, **kwargs)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def hidden_from(world: World, caller: str) -> set[str]:
    """Every id and name the caller must never be shown."""
    seen = VISIBLE.get(caller, set())
    return set().union(*(world.all_ids[t] for t in TARGETS if t not in seen))


CASES = [(key, caller) for key in ROUTE_KEYS for caller in CALLERS]


@pytest.mark.parametrize(("route", "caller"), CASES, ids=[f"{k} as {c}" for k, c in CASES])
def test_access(world: World, route: str, caller: str) -> None:
    expect = ROUTES[route]
    hidden = hidden_from(world, caller) if caller not in DENIED else set()
    problems = []
    for target in targets_of(expect):
        r = request(world, route, expect, caller, target)
        want = expected(expect, caller, target)
        where = f"{route} as {caller} on {target or 'the organization'}"
        if want is not None:
            if r.status_code not in want:
                problems.append(f"{where}: {r.status_code} (expected {sorted(want)}): {r.text[:300]}")
            continue
        ok = r.status_code < 300 or r.status_code in expect.also_ok
        if not ok:
            problems.append(f"{where}: {r.status_code}, expected success: {r.text[:300]}")
            continue
        if r.status_code >= 300:
            assert "errors" not in r.json(), f"{where}: the request itself is malformed: {r.text}"
        if r.status_code == 204 or not r.content:
            continue
        if r.headers.get("content-type", "").startswith("application/json"):
            leaked = hidden & set(strings(r.json()))
        else:
            leaked = {h for h in hidden if h in r.text}
        if leaked:
            problems.append(f"{where}: names records outside the caller's scope: {sorted(leaked)}")
    assert not problems, "\n".join(problems)


def test_matrix_size() -> None:
    """The matrix covers every route, every caller and every applicable target."""
    cases = sum(len(targets_of(ROUTES[k])) for k in ROUTE_KEYS) * len(CALLERS)
    assert len(ROUTE_KEYS) >= 50 and cases >= len(ROUTE_KEYS) * len(CALLERS)
    print(json.dumps({"routes": len(ROUTE_KEYS), "callers": len(CALLERS), "cases": cases}))


# lists show exactly the caller's records: the matrix proves nothing hidden appears; these prove
# that what the caller may see does (so an empty answer cannot pass for a correct one)
LISTS = {
    "/v1/scores/pipeline": "deal",
    "/v1/tickets": "ticket",
    "/v1/search?q=交付 方案&limit=50": "customer",
    "/v1/risks": "customer",
    "/v1/suggestions": "customer",
    "/v1/patrol?as_of=2026-05-30T10:00:00": "customer",  # ten days without a follow-up
}


@pytest.mark.parametrize("path", list(LISTS))
@pytest.mark.parametrize("caller", ["rep", "supervisor_team", "admin", "integration"])
def test_lists_show_the_callers_records(world: World, path: str, caller: str) -> None:
    r = world.client.get(path, headers=auth(world.keys[caller] or ""))
    assert r.status_code == 200, r.text
    found = set(strings(r.json()))
    kind = LISTS[path]
    mine = {world.ids[("a", str(_INDEX[t]))][kind] for t in VISIBLE[caller]}
    others = {world.ids[(p, n)][kind] for p in ORGS for n in ("1", "2", "3")} - mine
    assert found & mine == mine, f"{path} as {caller}: missing {sorted(mine - found)}"
    assert not found & others


# list filters that name a record: a customer outside the caller's scope (or organization) is not
# found, a rep outside it refused by name; either way nothing outside the scope is shown
FILTERS = {
    "/v1/search?q=交付&customer_id={customer}": "customer",
    "/v1/risks?customer_id={customer}": "customer",
    "/v1/scores/pipeline?customer_id={customer}": "customer",
    "/v1/risks?rep_id={rep}": "rep",
    "/v1/suggestions?rep_id={rep}": "rep",
    "/v1/scores/funnel?rep_id={rep}": "rep",
}
FILTER_CASES = [(f, c) for f in FILTERS for c in (*PEOPLE, "integration")]


@pytest.mark.parametrize(("path", "caller"), FILTER_CASES, ids=[f"{f} as {c}" for f, c in FILTER_CASES])
def test_filters_keep_to_the_scope(world: World, path: str, caller: str) -> None:
    hidden = hidden_from(world, caller)
    problems = []
    for target in TARGETS:
        ids = world.ids[("b", "1") if target == "other_org" else ("a", str(_INDEX[target]))]
        r = world.client.get(path.format(**ids), headers=auth(world.keys[caller] or ""))
        if target in VISIBLE[caller]:
            want = {200}
        elif FILTERS[path] == "rep" and target != "other_org":
            want = {403}
        else:
            want = {404}
        if r.status_code not in want:
            problems.append(
                f"{path} as {caller} on {target}: {r.status_code} (expected {want}): {r.text[:200]}"
            )
        elif r.status_code == 200 and hidden & set(strings(r.json())):
            problems.append(
                f"{path} as {caller} on {target}: shows {sorted(hidden & set(strings(r.json())))}"
            )
    assert not problems, "\n".join(problems)
