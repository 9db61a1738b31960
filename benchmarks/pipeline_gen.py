"""A generated pipeline at scale (10,000 deals, 300,000 activities by default), loaded straight into
a database with bulk inserts, for the question and risk benchmarks.

Deterministic for a seed. Names, industries, channels, stage histories, contacts with and without
a decision maker, confirmation letters with and without all three elements, activities by reps and
by solution, legal and finance staff over the last 180 days.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from copilot.access import create_organization
from copilot.domain import CONTACT_ROLES, INDUSTRIES, Channel, Stage
from copilot.store.database import make_engine, make_session_factory
from copilot.store.migrate import upgrade
from copilot.store.models import (
    Activity,
    Contact,
    Customer,
    Deal,
    Document,
    Organization,
    StageChange,
    User,
)

TEAMS = ("华东一组", "华东二组", "华南组", "华北组", "西南组", "International")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欣佳悦琳晨"
)
CITIES = (
    "苏州",
    "杭州",
    "南京",
    "无锡",
    "宁波",
    "成都",
    "武汉",
    "西安",
    "长沙",
    "郑州",
    "合肥",
    "青岛",
    "厦门",
    "东莞",
    "佛山",
)
WORDS = (
    "恒远",
    "华成",
    "紫金",
    "瑞康",
    "云帆",
    "楚江",
    "金都",
    "冀能",
    "塞北",
    "数澜",
    "百家",
    "天河",
    "启明",
    "星辰",
    "宏达",
)
SUFFIX = (
    "精工机械有限公司",
    "科技有限公司",
    "医疗器械有限公司",
    "新能源有限公司",
    "商贸有限公司",
    "教育科技有限公司",
    "建设集团",
)
KINDS = ("call", "visit", "chat", "email", "meeting", "note", "quote")
LETTER = (
    "确认函：付款方式：合同签订后预付30%，验收后付70%。交付周期：合同签订后30个工作日内交货。"
    "验收标准：按技术协议逐项验收。"
)
PARTIAL_LETTER = "确认函：付款方式：月结60天。交付周期：合同签订后20个工作日内交货。"

STAGE_MIX = (
    (Stage.LEAD, 0.15),
    (Stage.INTENT, 0.20),
    (Stage.PROPOSAL, 0.20),
    (Stage.NEGOTIATION, 0.15),
    (Stage.WON, 0.18),
    (Stage.LOST, 0.12),
)
PATH = (Stage.LEAD, Stage.INTENT, Stage.PROPOSAL, Stage.NEGOTIATION)


def _stage(rng: random.Random) -> Stage:
    x = rng.random()
    for stage, share in STAGE_MIX:
        if x < share:
            return stage
        x -= share
    return Stage.LOST


# what reps write, so that reading records (suggestions, search) costs what it does in use
NOTES: tuple[str, ...] = (
    "跟进",
    "电话沟通：确认客户需求和使用场景。",
    "客户说请尽快把正式报价和价格明细发过来，下周上会。",
    "上门拜访：沟通价格和折扣，客户对交付周期有顾虑。",
    "客户想先看看产品白皮书和同类案例，再决定要不要约演示。",
    "客户反馈方案节拍达不到要求，对方案不满意，要求调整。",
    "客户通知数量从120台增加到150台，希望按新需求调整方案。",
    "客户法务对违约金和付款条款提出修改意见，希望双方法务一起过一遍合同。",
    "已把报价单发给客户采购，等内部审批。",
    "微信沟通：客户问能耗参数和节能效果怎么测？",
    "Call: they asked for a formal quote and the price breakdown by Friday.",
    "Email: sent the revised proposal with a cheaper option.",
    "邮件跟进：与客户对接人确认需求清单。",
    "客户新闻：客户新工厂正式投产，当地媒体做了报道。",
    "交付部：安装调试完成，客户已签署验收单。",
)


def load_generated(
    session: Session,
    slug: str,
    *,
    deals: int = 10_000,
    activities: int = 300_000,
    reps: int = 60,
    seed: int = 7,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Create organization `slug` holding a generated pipeline; returns what was made."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    org = create_organization(session, slug, slug, now=now)
    oid = org.id
    users: list[dict[str, Any]] = []
    for n in range(reps):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        users.append(
            {
                "org_id": oid,
                "external_id": f"r{n + 1}",
                "name": f"{name}{n + 1}",
                "team": TEAMS[n % len(TEAMS)],
                "role": "rep",
                "created_at": now,
            }
        )
    staff = (
        ("solution", "售前支持部"),
        ("legal", "法务部"),
        ("finance", "财务部"),
        ("delivery", "交付部"),
        ("manager", None),
    )
    for n, (role, team) in enumerate(staff * 3):
        users.append(
            {
                "org_id": oid,
                "external_id": f"s{n + 1}",
                "name": f"{role}{n + 1}",
                "team": team,
                "role": role,
                "created_at": now,
            }
        )
    session.execute(insert(User), users)
    user_ids = dict(
        session.execute(select(User.external_id, User.id).where(User.org_id == oid)).tuples().all()
    )
    rep_ids = [user_ids[f"r{n + 1}"] for n in range(reps)]
    staff_by_role: dict[str, list[int]] = {}
    for u in users[reps:]:
        staff_by_role.setdefault(u["role"], []).append(user_ids[u["external_id"]])

    n_customers = int(deals * 0.8)
    customers = []
    for n in range(n_customers):
        name = f"{rng.choice(CITIES)}{rng.choice(WORDS)}{n}{rng.choice(SUFFIX)}"
        first = now - timedelta(days=rng.uniform(30, 900))
        customers.append(
            {
                "org_id": oid,
                "external_id": f"c{n + 1}",
                "name": name,
                "industry": rng.choice(INDUSTRIES),
                "relationship_years": rng.choice((0, 1, 2, 3, 4, 6)),
                "owner_id": rng.choice(rep_ids),
                "source_channel": rng.choice([c.value for c in Channel]),
                "first_contact_at": first,
                "first_contact_date": first.date(),
                "next_follow_up_proposed": False,
                "created_at": now,
                "updated_at": now,
            }
        )
    session.execute(insert(Customer), customers)
    customer_ids = dict(
        session.execute(select(Customer.external_id, Customer.id).where(Customer.org_id == oid))
        .tuples()
        .all()
    )
    contacts = []
    for n in range(n_customers):
        roles = rng.sample(CONTACT_ROLES, rng.choice((1, 2, 3, 4)))
        contacts += [
            {
                "org_id": oid,
                "customer_id": customer_ids[f"c{n + 1}"],
                "name": f"联系人{n}-{i}",
                "title": role,
                "role": role,
            }
            for i, role in enumerate(roles)
        ]
    session.execute(insert(Contact), contacts)

    deal_rows, histories, letters = [], [], []
    for n in range(deals):
        customer = f"c{n % n_customers + 1}"
        stage = _stage(rng)
        opened = now - timedelta(days=rng.uniform(5, 170))
        path = (
            list(PATH[: rng.randint(1, 4)])
            if stage in (Stage.WON, Stage.LOST)
            else list(PATH[: PATH.index(stage) + 1])
        )
        if stage in (Stage.WON, Stage.LOST):
            path.append(stage)
        times = sorted(opened + timedelta(days=rng.uniform(0, (now - opened).days)) for _ in path)
        times[0] = opened
        amount = round(rng.lognormvariate(12.8, 0.8), -3)
        deal_rows.append(
            {
                "org_id": oid,
                "external_id": f"d{n + 1}",
                "customer_id": customer_ids[customer],
                "name": f"项目{n + 1}",
                "amount": amount,
                "budget": round(amount * rng.uniform(0.8, 1.3), -3),
                "stage": stage.value,
                "stage_entered_at": times[-1],
                "expected_close": (now + timedelta(days=rng.randint(-20, 90))).date(),
                "lost_reason": rng.choice(("竞品：价格低", "预算冻结：年度", "项目取消：资金"))
                if stage is Stage.LOST
                else None,
                "created_at": now,
                "updated_at": now,
            }
        )
        histories.append([(s, t) for s, t in zip(path, times, strict=True)])
        if stage is Stage.NEGOTIATION and rng.random() < 0.6:
            letters.append(
                (n, times[-1] + timedelta(days=1), LETTER if rng.random() < 0.7 else PARTIAL_LETTER)
            )
    session.execute(insert(Deal), deal_rows)
    deal_ids = dict(
        session.execute(select(Deal.external_id, Deal.id).where(Deal.org_id == oid)).tuples().all()
    )
    session.execute(
        insert(StageChange),
        [
            {"org_id": oid, "deal_id": deal_ids[f"d{n + 1}"], "stage": s.value, "at": t, "source": "import"}
            for n, history in enumerate(histories)
            for s, t in history
        ],
    )
    session.execute(
        insert(Document),
        [
            {
                "org_id": oid,
                "external_id": f"doc{i + 1}",
                "deal_id": deal_ids[f"d{n + 1}"],
                "kind": "confirmation_letter",
                "at": min(at, now),
                "text": text,
                "source": "import",
                "created_at": now,
            }
            for i, (n, at, text) in enumerate(letters)
        ],
    )
    deal_owner = {
        deal_ids[f"d{n + 1}"]: (
            customer_ids[f"c{n % n_customers + 1}"],
            customers[n % n_customers]["owner_id"],
        )
        for n in range(deals)
    }
    deal_list = list(deal_owner)
    batch: list[dict[str, Any]] = []
    last: dict[int, datetime] = {}
    for n in range(activities):
        deal_id = rng.choice(deal_list)
        customer_id, owner = deal_owner[deal_id]
        role = "sales" if rng.random() < 0.9 else rng.choice(("solution", "legal", "finance", "delivery"))
        actor = owner if role == "sales" else rng.choice(staff_by_role[role])
        at = now - timedelta(days=rng.uniform(0, 180) ** 1.3 / 180**0.3, hours=rng.uniform(0, 10))
        last[customer_id] = max(last.get(customer_id, at), at)
        batch.append(
            {
                "org_id": oid,
                "external_id": f"a{n + 1}",
                "customer_id": customer_id,
                "deal_id": deal_id,
                "actor_id": actor,
                "actor_role": role,
                "at": at,
                "kind": rng.choice(KINDS),
                "text": rng.choice(NOTES),
                "status": "imported",
                "created_at": now,
            }
        )
        if len(batch) == 20_000:
            session.execute(insert(Activity), batch)
            batch = []
    if batch:
        session.execute(insert(Activity), batch)
    session.execute(update(Customer), [{"id": cid, "last_activity_at": at} for cid, at in last.items()])
    session.execute(
        update(Organization).where(Organization.id == oid).values(data_version=Organization.data_version + 1)
    )
    return {
        "org_id": oid,
        "reps": reps,
        "customers": n_customers,
        "deals": deals,
        "activities": activities,
        "letters": len(letters),
        "rep_names": [u["name"] for u in users[:reps]],
        "teams": TEAMS,
    }


def generated_database(
    db_path: Path, *, deals: int, activities: int, reps: int = 60
) -> tuple[str, sessionmaker[Session], int]:
    """A migrated SQLite file holding the generated pipeline as organization `bench`, made on the
    first run and reused after (the benchmarks' `--db`); returns its URL, sessions and org id."""
    url = f"sqlite:///{db_path.resolve()}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        org_id = session.scalar(select(Organization.id).where(Organization.slug == "bench"))
        if org_id is None:
            started = time.perf_counter()
            made = load_generated(session, "bench", deals=deals, activities=activities, reps=reps)
            print(
                f"generated {made['deals']:,} deals, {made['activities']:,} activities, "
                f"{made['customers']:,} customers, {made['reps']} reps "
                f"in {time.perf_counter() - started:.1f} s"
            )
            org_id = made["org_id"]
    return url, sessions, int(org_id)
