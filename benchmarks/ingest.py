"""End-to-end offline ingestion benchmark: FollowUpService -> OfflineEngine -> SQLite."""

from __future__ import annotations

import itertools
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from api.runtime import build_runtime
from copilot.access import AccessRole, Principal, create_organization
from copilot.clock import SystemClock
from copilot.config import Settings
from copilot.pipeline.importer import import_pipeline
from copilot.schemas import FollowUpCreate

# Realistic inputs of each kind, cycled; customers are drawn from the demo pipeline.
SAMPLES: list[dict[str, Any]] = [
    {
        "kind": "dictation",
        "text": "嗯那个今天又跟苏州那家聊了一下，他们王经理说价格还得再商量，下周三前我把分三期的方案发过去，"
        "他们老板也在看另外一家的报价，我问了他们现在的排产怎么做、一年停线多少次、预算什么时候批",
    },
    {
        "kind": "dictation",
        "text": "今天第一次电话联系杭州一家连锁餐饮，是官网留言进来的，HR说员工三百来个，工资还在用Excel算，"
        "我说明天上午把产品资料和案例发她",
    },
    {
        "kind": "chat",
        "messages": [
            {
                "at": "2026-05-12T10:00:00+08:00",
                "from": "rep",
                "name": "张伟",
                "text": "王总您好，报价单您看了吗？",
            },
            {
                "at": "2026-05-12T10:05:00+08:00",
                "from": "customer",
                "name": "王总",
                "text": "看了，价格比别家贵一些，付款能不能分三期？合同条款我们法务还要过一下",
            },
            {
                "at": "2026-05-12T10:07:00+08:00",
                "from": "rep",
                "name": "张伟",
                "text": "可以的，我周五前把修改后的合同发您",
            },
        ],
    },
    {
        "kind": "call",
        "segments": [
            {
                "start_s": 0,
                "end_s": 8,
                "speaker": "rep",
                "text": "李经理您好，想了解一下你们现在仓库盘点是怎么做的？",
            },
            {
                "start_s": 8,
                "end_s": 70,
                "speaker": "customer",
                "text": "现在全靠人工盘点，每个月都要停两天，账实不符的问题很严重，去年因为这个损失了不少",
            },
            {"start_s": 70, "end_s": 80, "speaker": "rep", "text": "那这个项目预算大概有多少？谁来拍板？"},
            {
                "start_s": 80,
                "end_s": 110,
                "speaker": "customer",
                "text": "预算五十万左右，最后是我们总经理定",
            },
            {
                "start_s": 110,
                "end_s": 120,
                "speaker": "rep",
                "text": "好的，我下周二带方案过去给您和总经理讲一下",
            },
        ],
    },
]


def run_ingest_benchmark(
    n: int, database: Path | None = None, *, with_indexing: bool = False
) -> dict[str, float | int | str]:
    """Ingest `n` follow-ups and return throughput figures.

    Without `with_indexing` the search index hook is off, measuring ingestion alone; with it, the
    default embedders index every follow-up from the queue on the same cores while ingestion runs.
    """
    with tempfile.TemporaryDirectory() as tmp:
        db_path = database or Path(tmp) / "bench.db"
        settings = Settings(data_dir=Path(tmp), database_url=f"sqlite:///{db_path}")
        runtime = build_runtime(settings, clock=SystemClock())
        if not with_indexing:
            runtime.followups.index = None
        pipeline = json.loads((resources.files("copilot") / "demo" / "pipeline.json").read_text("utf-8"))
        with runtime.sessions.begin() as session:
            org = create_organization(session, "bench", "bench", now=datetime.now(UTC))
            import_pipeline(session, org.id, pipeline, now=datetime.now(UTC))
            org_id = org.id
        principal = Principal(org_id=org_id, org_slug="bench", role=AccessRole.ADMIN, key_id=0)
        customers = [c["id"] for c in pipeline["customers"]]
        base = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
        pairs = itertools.islice(zip(itertools.cycle(customers), itertools.cycle(SAMPLES)), n)
        requests = [
            FollowUpCreate(customer_id=cust, reference_time=base + timedelta(minutes=i), input=sample)
            for i, (cust, sample) in enumerate(pairs)
        ]
        failed = 0
        start = time.perf_counter()
        for request in requests:
            if runtime.followups.submit(principal, request).status != "extracted":
                failed += 1
        elapsed = time.perf_counter() - start
        metrics = runtime.search_backend.metrics()
        backlog = metrics.pending if metrics else 0
        runtime.close()
    return {
        "follow-ups": n,
        "failed": failed,
        "seconds": round(elapsed, 3),
        "follow-ups/second": round(n / elapsed, 1),
        "ms/follow-up": round(1000 * elapsed / n, 3),
        "search indexing": "concurrent" if with_indexing else "off",
        "index backlog at end": backlog,
    }
