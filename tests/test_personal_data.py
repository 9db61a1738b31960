"""Personal-data requests: a customer's export holds everything about it; an erasure removes its rows,
index entries and stored files, leaves every other customer alone and is audited without names."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from api.runtime import Runtime
from copilot import audit
from copilot.access import AccessRole, Principal, authenticate
from copilot.errors import NotFound
from copilot.followups.corrections import Confirmed, confirm
from copilot.personal_data import ERASURE_ORDER, erase_customer, export_contact, export_customer
from copilot.search.service import SearchFilter
from copilot.sharing import answer_item, create_link
from copilot.store.models import (
    Contract,
    ContractDiff,
    Customer,
    CustomerNews,
    Deal,
    Document,
    Kickoff,
    MeetingMinutes,
    MinutesBlock,
    OutboxMessage,
    RequirementConfirmation,
    RequirementVersion,
    Ticket,
    Webhook,
)
from tests import test_postgres
from tests.conftest import NOW, Org, auth, ingest_dictation, load_fixture, make_org

C1_NAME = "苏州恒远精工机械有限公司"
C1_NOTE = "孙厂长说紫藤花园二期的伺服改造要提前 手机13912345678 下周三前发方案"
C3_NOTE = "黄总提到青蛙湾冷库的温控报警 下周二上门演示温湿度监控方案"
LETTER = b"%PDF-1.4 scanned confirmation letter of c1"


def _enrich(runtime: Runtime, org_id: int, customer_id: str, tag: str) -> None:
    """One row of every table that hangs off a customer or its deals, and a stored letter file."""
    sha = runtime.letters.files.put(org_id, LETTER + tag.encode())
    with runtime.sessions.begin() as s:
        customer = s.scalar(
            select(Customer).where(Customer.org_id == org_id, Customer.external_id == customer_id)
        )
        assert customer is not None
        deal = s.scalar(select(Deal).where(Deal.customer_id == customer.id))
        assert deal is not None
        req = RequirementVersion(
            org_id=org_id,
            deal_id=deal.id,
            version=1,
            values={"payment_method": "分三期"},
            changes={},
            changed_by_role="rep",
            changed_at=NOW,
        )
        s.add(req)
        s.flush()
        s.add(
            RequirementConfirmation(
                org_id=org_id, deal_id=deal.id, requirement_id=req.id, requested_at=NOW, status="pending"
            )
        )
        contract = Contract(
            org_id=org_id,
            external_id=f"k-{tag}",
            deal_id=deal.id,
            pages=3,
            engine="offline",
            engine_version="1",
            fields={},
            evidence={},
            warnings=[],
            created_at=NOW,
        )
        s.add(contract)
        s.flush()
        s.add(
            ContractDiff(
                org_id=org_id,
                contract_id=contract.id,
                field="payment_method",
                required="分三期",
                contract_value="一次付清",
                reason="付款方式不同",
                severity="high",
                contract_evidence=[],
                requirement_evidence="分三期",
                status="open",
            )
        )
        s.add(
            Document(
                org_id=org_id,
                external_id=f"scan-{tag}",
                deal_id=deal.id,
                kind="confirmation_letter",
                at=NOW,
                text=f"{tag} 确认函扫描件 孙厂长签字",
                source="scanned_pdf",
                content_type="application/pdf",
                file_sha256=sha,
                created_at=NOW,
            )
        )
        minutes = MeetingMinutes(
            org_id=org_id,
            external_id=f"m-{tag}",
            customer_id=customer.id,
            deal_id=deal.id,
            title="方案评审会",
            meeting_at=NOW,
            created_at=NOW,
        )
        s.add(minutes)
        s.flush()
        s.add(
            MinutesBlock(
                org_id=org_id,
                minutes_id=minutes.id,
                block="objections",
                owner_role="sales",
                text="孙厂长嫌贵",
            )
        )
        s.add(
            Ticket(
                org_id=org_id,
                external_id=f"t-{tag}",
                customer_id=customer.id,
                deal_id=deal.id,
                assignee_role="solution",
                title="技术澄清",
                request="孙厂长要伺服参数表",
                due_at=NOW + timedelta(days=2),
                created_at=NOW,
            )
        )
        s.add(
            Kickoff(
                org_id=org_id,
                deal_id=deal.id,
                customer_id=customer.id,
                won_at=NOW,
                due_at=NOW + timedelta(days=7),
                participants=["孙厂长"],
                created_at=NOW,
            )
        )
        s.add(
            CustomerNews(
                org_id=org_id,
                external_id=f"n-{tag}",
                customer_id=customer.id,
                source="press_release",
                title="扩产公告",
                text="新厂房投产",
                category="expansion",
                published_at=NOW,
                created_at=NOW,
            )
        )
        hook = Webhook(
            org_id=org_id,
            name="群",
            kind="wecom",
            url="https://example.invalid/",
            jobs=["brief"],
            created_at=NOW,
        )
        s.add(hook)
        s.flush()
        s.add(
            OutboxMessage(
                org_id=org_id,
                webhook_id=hook.id,
                job="alerts",
                dedupe_key=f"alert:{tag}",
                payload={"text": f"{customer.name} 的商机超期"},
                status="pending",
                next_attempt_at=NOW,
                created_at=NOW,
            )
        )


def _counts(runtime: Runtime, org_id: int) -> dict[str, int]:
    with runtime.sessions() as s:
        return {
            str(model.__tablename__): s.scalar(
                select(func.count()).select_from(model).where(model.__table__.c.org_id == org_id)
            )
            or 0
            for model in ERASURE_ORDER
        }


def _admin(org: Org) -> Principal:
    return Principal(org_id=org.id, org_slug=org.slug, role=AccessRole.ADMIN, key_id=0)


def _confirm_and_share(runtime: Runtime, org: Org, followup_id: str) -> None:
    """A rep's correction of c1's note, and a confirmation link for d1 that the customer answered."""
    with runtime.sessions.begin() as s:
        rep = authenticate(s, org.keys["r1"], now=NOW)
        confirm(s, rep, followup_id, Confirmed(fields={"summary": "孙厂长要分三期付款"}), now=NOW)
        item = {"field": "payment_terms", "requirement": "分三期", "response": "合同约定分三期"}
        _, token = create_link(s, rep, "d1", now=NOW, items=[item])
        answer_item(s, token, 0, "needs_adjustment", "付款比例要再谈", now=NOW)


@pytest.fixture
def loaded(client: TestClient, runtime: Runtime, acme: Org, globex: Org) -> dict[str, str]:
    """Both organizations with a note per customer, every kind of record, and their search index."""
    ids = {}
    for org in (acme, globex):
        _enrich(runtime, org.id, "c1", f"{org.slug}-c1")
        _enrich(runtime, org.id, "c3", f"{org.slug}-c3")
        ids[f"{org.slug}-c1"] = ingest_dictation(client, org.keys["r1"], "c1", C1_NOTE)
        ids[f"{org.slug}-c3"] = ingest_dictation(client, org.keys["r3"], "c3", C3_NOTE)
        _confirm_and_share(runtime, org, ids[f"{org.slug}-c1"])
        runtime.search_backend.flush()
        runtime.search.reindex(org.id)
    return ids


def test_export_holds_every_record_of_the_customer(
    runtime: Runtime, acme: Org, loaded: dict[str, str]
) -> None:
    with runtime.sessions() as s:
        doc = export_customer(s, acme.id, "c1", now=NOW, files=runtime.letters.files)
    json.dumps(doc)  # serialisable as it is
    assert doc["customers"][0]["name"] == C1_NAME
    assert {c["name"] for c in doc["contacts"]} == {"周工", "孙厂长"}
    texts = [a["text"] for a in doc["activities"]]
    assert C1_NOTE in texts and "上门谈付款方式，客户希望分三期。" in texts
    assert any("13912345678" in json.dumps(e, ensure_ascii=False) for e in doc["activities"])
    assert doc["extractions"] and {e["activity_id"] for e in doc["extractions"]} <= {
        a["id"] for a in doc["activities"]
    }
    assert [d["external_id"] for d in doc["deals"]] == ["d1"] and doc["stage_changes"]
    for table in (
        "requirement_versions",
        "requirement_confirmations",
        "contracts",
        "contract_diffs",
        "documents",
        "meeting_minutes",
        "minutes_blocks",
        "tickets",
        "kickoffs",
        "customer_news",
        "outbox",
        "corrections",
        "share_links",
        "share_feedback",
    ):
        assert doc[table], table
    # only c1's: nothing of c3 or of the other organization
    assert C3_NOTE not in json.dumps(doc, ensure_ascii=False)
    assert {r["org_id"] for table in ERASURE_ORDER for r in doc[str(table.__tablename__)]} == {acme.id}
    (stored,) = doc["files"]
    assert stored["stored"] is True and stored["document_id"] == "scan-acme-c1" and stored["bytes"] > 0


def test_export_of_one_contact_holds_the_records_naming_them(
    runtime: Runtime, acme: Org, loaded: dict[str, str]
) -> None:
    with runtime.sessions() as s:
        doc = export_contact(s, acme.id, "c1", "孙厂长", now=NOW)
        with pytest.raises(NotFound):
            export_contact(s, acme.id, "c1", "黄总", now=NOW)
    assert [c["title"] for c in doc["contacts"]] == ["厂长"]
    assert [a["text"] for a in doc["activities"]] == [C1_NOTE]  # the visit note does not name them
    assert doc["extractions"] and doc["minutes_blocks"] and doc["tickets"] and doc["kickoffs"]
    assert [d["external_id"] for d in doc["documents"]] == ["scan-acme-c1"]


def test_unknown_or_foreign_customers_are_not_found(runtime: Runtime, acme: Org, globex: Org) -> None:
    with runtime.sessions.begin() as s:
        s.add(Customer(org_id=globex.id, external_id="g-only", name="外单位", created_at=NOW, updated_at=NOW))
    with runtime.sessions() as s:
        for customer in ("nope", "g-only"):
            with pytest.raises(NotFound, match=customer):
                export_customer(s, acme.id, customer, now=NOW)
    for customer in ("nope", "g-only"):
        with pytest.raises(NotFound):
            erase_customer(runtime.sessions, acme.id, customer, files=runtime.letters.files, now=NOW)
    with runtime.sessions() as s:
        assert not audit.entries(s, acme.id, action="customer.erased")


def test_erasure_removes_rows_index_entries_and_files_and_is_audited(
    client: TestClient, runtime: Runtime, acme: Org, globex: Org, loaded: dict[str, str]
) -> None:
    files = runtime.letters.files
    with runtime.sessions() as s:
        c1 = export_customer(s, acme.id, "c1", now=NOW, files=files)
        (c3_file,) = export_customer(s, acme.id, "c3", now=NOW, files=files)["files"]
    acme_before, globex_before = _counts(runtime, acme.id), _counts(runtime, globex.id)
    sha = c1["files"][0]["sha256"]
    stored = files.root / str(acme.id) / sha[:2] / sha
    assert stored.exists()

    admin = auth(acme.keys["admin"])
    assert client.get("/v1/risks", params={"customer_id": "c1"}, headers=admin).json()["items"]

    report = erase_customer(runtime.sessions, acme.id, "c1", files=files, now=NOW + timedelta(minutes=1))
    assert runtime.search.drain(org_id=acme.id) == len(report.index_records)

    # every row about c1 is gone, and only those
    expected = {str(t.__tablename__): len(c1[str(t.__tablename__)]) for t in ERASURE_ORDER}
    assert report.rows == expected and all(expected.values())
    after = _counts(runtime, acme.id)
    assert after == {t: acme_before[t] - expected[t] for t in acme_before}
    with runtime.sessions() as s:
        with pytest.raises(NotFound):
            export_customer(s, acme.id, "c1", now=NOW)
        assert s.scalar(select(func.count()).select_from(Customer).where(Customer.org_id == acme.id)) == 2
        assert s.scalars(select(Document.file_sha256).where(Document.file_sha256 == sha)).first() is None
        entry = audit.entries(s, acme.id, action="customer.erased")[0]
    assert _counts(runtime, globex.id) == globex_before

    # the stored file is gone; the other customer's and the other organization's are kept
    assert report.files_removed == 1 and report.files_left == [] and not stored.exists()
    assert [p.name for p in (files.root / str(acme.id)).rglob("*") if p.is_file()] == [c3_file["sha256"]]
    assert any((files.root / str(globex.id)).rglob("*"))

    # search: c1's chunks are gone, c3's and globex's c1 are still found
    found = runtime.search.search(_admin(acme), "紫藤花园 伺服改造", SearchFilter(), limit=20)
    assert all(h.customer_id != "c1" for h in found)
    assert not {h.record_id for h in found} & set(report.index_records)
    assert all("紫藤花园" not in h.text for h in found)
    assert (
        runtime.search.search(_admin(acme), "青蛙湾冷库", SearchFilter(), limit=3)[0].record_id
        == loaded["acme-c3"]
    )
    assert (
        runtime.search.search(_admin(globex), "紫藤花园", SearchFilter(), limit=3)[0].record_id
        == loaded["globex-c1"]
    )
    assert runtime.search.index_status(acme.id).complete

    # the service no longer knows the customer: its file, its risks, the search over HTTP
    assert client.get("/v1/customers/c1", headers=admin).status_code == 404
    # the pipeline snapshot behind risks and questions was built before the erasure: it is rebuilt
    assert client.get("/v1/risks", params={"customer_id": "c1"}, headers=admin).status_code == 404
    assert all(r["customer_id"] != "c1" for r in client.get("/v1/risks", headers=admin).json()["items"])
    hits = client.get("/v1/search", params={"q": "紫藤花园"}, headers=admin).json()["hits"]
    assert all(h["customer_id"] != "c1" for h in hits)

    # the audit entry counts what was removed and names nobody
    assert (entry.action, entry.target_type, entry.target_id, entry.actor) == (
        "customer.erased",
        "customer",
        "c1",
        "cli",
    )
    assert entry.detail == {"rows": expected, "index_records": len(report.index_records), "files": 1}
    logged = json.dumps(entry.detail, ensure_ascii=False)
    for personal in (C1_NAME, "孙厂长", "周工", "13912345678", "紫藤花园"):
        assert personal not in logged


def test_a_file_shared_with_another_customer_is_kept(runtime: Runtime, acme: Org) -> None:
    files = runtime.letters.files
    sha = files.put(acme.id, LETTER)
    with runtime.sessions.begin() as s:
        for customer_id, deal_id in (("c1", "d1"), ("c3", "d3")):
            deal = s.scalar(select(Deal).where(Deal.org_id == acme.id, Deal.external_id == deal_id))
            assert deal is not None
            s.add(
                Document(
                    org_id=acme.id,
                    external_id=f"same-{customer_id}",
                    deal_id=deal.id,
                    kind="confirmation_letter",
                    at=NOW,
                    text="同一份确认函",
                    file_sha256=sha,
                    created_at=NOW,
                )
            )
    report = erase_customer(runtime.sessions, acme.id, "c1", files=files, now=NOW)
    assert report.files_removed == 0 and files.get(acme.id, sha) == LETTER


def test_the_cli_exports_and_refuses_to_erase_without_yes(cli_data_dir: Path) -> None:
    from api.cli.main import app

    runner = CliRunner()
    pipeline = cli_data_dir / "pipeline.json"
    pipeline.write_text(
        json.dumps(load_fixture("pipeline", "small.json"), ensure_ascii=False), encoding="utf-8"
    )
    assert runner.invoke(app, ["import", str(pipeline), "--org", "acme"]).exit_code == 0
    out = cli_data_dir / "c1.json"
    r = runner.invoke(app, ["customer", "export", "--org", "acme", "c1", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text(encoding="utf-8"))["customers"][0]["name"] == C1_NAME
    r = runner.invoke(app, ["customer", "erase", "--org", "acme", "c1"])
    assert r.exit_code == 2 and "--yes" in r.output
    r = runner.invoke(app, ["customer", "erase", "--org", "acme", "c1", "--yes"])
    assert r.exit_code == 0, r.output
    assert "erased" in r.output
    r = runner.invoke(app, ["customer", "export", "--org", "acme", "c1"])
    assert r.exit_code == 2 and "no customer 'c1'" in r.output


pg_runtime = test_postgres.pg_runtime  # a throwaway PostgreSQL database, where one answers


def test_erasure_on_postgres(pg_runtime: Runtime) -> None:
    acme = make_org(pg_runtime, "acme", load_fixture("pipeline", "small.json"))
    globex = make_org(pg_runtime, "globex", load_fixture("pipeline", "small.json"))
    for org in (acme, globex):
        _enrich(pg_runtime, org.id, "c1", f"{org.slug}-c1")
    acme_before, globex_before = _counts(pg_runtime, acme.id), _counts(pg_runtime, globex.id)
    report = erase_customer(pg_runtime.sessions, acme.id, "c1", files=pg_runtime.letters.files, now=NOW)
    assert _counts(pg_runtime, acme.id) == {t: acme_before[t] - report.rows[t] for t in acme_before}
    assert report.rows["customers"] == 1 and report.rows["contract_diffs"] == 1 and report.files_removed == 1
    assert _counts(pg_runtime, globex.id) == globex_before
    with pg_runtime.sessions() as s:
        assert audit.entries(s, acme.id, action="customer.erased")[0].detail["rows"] == report.rows
