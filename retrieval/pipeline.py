"""Index records from a FORMAT.md pipeline file (activities and documents) for evals and benchmarks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from retrieval.records import IndexRecord


def pipeline_records(pipeline: dict[str, Any], org_id: int) -> list[IndexRecord]:
    """One record per activity and per document; documents inherit customer and actor from context.

    A document names only its deal, so its customer comes from the deal, and its rep from the
    activity logged for the same deal at the same time (else the customer's owner).
    """
    deal_customer = {d["id"]: d.get("customer_id") for d in pipeline.get("deals", [])}
    owner = {c["id"]: c.get("owner") for c in pipeline.get("customers", [])}
    actor_at = {(a.get("deal_id"), a.get("at")): a.get("actor_id") for a in pipeline.get("activities", [])}
    records = [
        IndexRecord(
            org_id=org_id,
            record_id=str(a["id"]),
            kind=str(a.get("kind") or "note"),
            text=str(a.get("text") or ""),
            customer_id=a.get("customer_id"),
            deal_id=a.get("deal_id"),
            rep_id=a.get("actor_id"),
            at=datetime.fromisoformat(a["at"]),
        )
        for a in pipeline.get("activities", [])
    ]
    for doc in pipeline.get("documents", []):
        customer = doc.get("customer_id") or deal_customer.get(doc.get("deal_id"))
        rep = actor_at.get((doc.get("deal_id"), doc.get("at"))) or owner.get(customer or "")
        records.append(
            IndexRecord(
                org_id=org_id,
                record_id=str(doc["id"]),
                kind=str(doc.get("kind") or "other"),
                text=str(doc.get("text") or ""),
                customer_id=customer,
                deal_id=doc.get("deal_id"),
                rep_id=rep,
                at=datetime.fromisoformat(doc["at"]),
            )
        )
    return records
