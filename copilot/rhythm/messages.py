"""Messages as they arrive: WeCom group-robot markdown and template cards, or a generic JSON body.

WeCom's robot takes `{"msgtype": "markdown", "markdown": {"content": ...}}` (content at most 4096
bytes of UTF-8) and `{"msgtype": "template_card", "template_card": {"card_type": "text_notice", ...}}`.
A generic webhook gets `{"event": ..., "data": ...}`: the job's full JSON with every record.
"""

from __future__ import annotations

from typing import Any

from copilot.rhythm.jobs import RISK_TAGS, STAGE_ZH

MARKDOWN_LIMIT = 4096


def _fit(lines: list[str], limit: int = MARKDOWN_LIMIT) -> str:
    """Join lines, dropping the tail (with a note) when the message would be over WeCom's limit."""
    out: list[str] = []
    for i, line in enumerate(lines):
        candidate = "\n".join([*out, line])
        if len(candidate.encode("utf-8")) > limit - 120:
            rest = len(lines) - i
            out.append(f"> …另有 {rest} 行未显示 / {rest} more lines not shown")
            break
        out.append(line)
    return "\n".join(out)


def _money(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 10000:,.1f}万" if abs(value) >= 10000 else f"{value:,.0f}"


def brief_markdown(brief: dict[str, Any], org_name: str, link: str, lang: str = "zh") -> str:
    n = brief["numbers"]
    trend = brief["health_trend"]
    arrow = "↑" if trend["change"] > 0 else "↓" if trend["change"] < 0 else "→"
    pct = f"（{trend['change_pct']:+.1f}%）" if trend.get("change_pct") is not None else ""
    if lang == "en":
        lines = [
            f"## Daily brief · {org_name} · {brief['day']}",
            f'> New high-quality leads today: <font color="info">{n["new_quality_leads"]}</font>',
            f'> Deals overdue since yesterday: <font color="warning">{n["overdue_since_yesterday"]}</font>',
            f"> Weekly health trend: {arrow} {_money(trend['change'])} {pct} (now {_money(trend['value'])})",
        ]
    else:
        lines = [
            f"## 作战简报 · {org_name} · {brief['day']}",
            f'> 今日新增高质量线索：<font color="info">{n["new_quality_leads"]}</font> 个',
            f'> 昨日以来新增超期商机：<font color="warning">{n["overdue_since_yesterday"]}</font> 个',
            f"> 本周客户健康度趋势：{arrow} {_money(trend['change'])}{pct}，当前加权商机 {_money(trend['value'])}",
        ]
    if brief["new_quality_leads"]:
        lines.append("**新增高质量线索**" if lang != "en" else "**New high-quality leads**")
        lines += [f"- {x['customer']}（{x['rep'] or '—'}）" for x in brief["new_quality_leads"][:10]]
    if brief["overdue_since_yesterday"]:
        lines.append("**新增超期商机**" if lang != "en" else "**Newly overdue deals**")
        for x in brief["overdue_since_yesterday"][:10]:
            if x["why"] == "stage_limit":
                f = x["facts"]
                detail = (
                    f"{STAGE_ZH.get(f['stage'], f['stage'])}阶段 {f['days_in_stage']:g} 天（时限 {f['limit_days']:g} 天）"
                    if lang != "en"
                    else f"{f['stage']} for {f['days_in_stage']:g} days (limit {f['limit_days']:g})"
                )
            else:
                detail = "预计成交日已过" if lang != "en" else "expected close passed"
            lines.append(f"- {x['customer']} · {x['deal']}：{detail}（{x['rep'] or '—'}）")
    if brief["funnel_drops"]:
        lines.append("**漏斗下滑**" if lang != "en" else "**Funnel drops**")
        for r in brief["funnel_drops"][:10]:
            steps = "，".join(f"{s['step']} {s['change_points']:+.1f}pt" for s in r["steps"])
            lines.append(f"- {r['rep']}：{steps}")
    lines.append(f"[{'查看明细' if lang != 'en' else 'Open the records'}]({link})")
    return _fit(lines)


def patrol_markdown(patrol: dict[str, Any], org_name: str, link: str, lang: str = "zh") -> str:
    hours = f"{patrol['hours']:g}"
    head = (
        f'## 静默巡检 · {org_name}\n> 意向及以上阶段、{hours} 小时无任何跟进的客户：<font color="warning">{patrol["count"]}</font> 家'
        if lang != "en"
        else f'## Low-activity patrol · {org_name}\n> Intent-or-later customers with no activity for {hours} hours: <font color="warning">{patrol["count"]}</font>'
    )
    lines = [head]
    for x in patrol["customers"]:
        stage = STAGE_ZH.get(x["stage"] or "", x["stage"] or "—") if lang != "en" else (x["stage"] or "—")
        tags = [RISK_TAGS[t][0 if lang != "en" else 1] for t in x["tags"] if t in RISK_TAGS]
        tags += x.get("signals", [])
        idle = x["idle_hours"]
        idle_text = (
            (f"{idle / 24:.1f}天未跟进" if lang != "en" else f"idle {idle / 24:.1f} days")
            if idle is not None
            else ("从未跟进" if lang != "en" else "never contacted")
        )
        lines.append(
            f"- **{x['customer']}**（{x['rep'] or '—'}）{stage} · {idle_text}"
            + (f" · `{'` `'.join(tags)}`" if tags else "")
        )
        if x["history"]:
            lines.append(f"  > {x['history']}")
    lines.append(f"[{'查看全部' if lang != 'en' else 'Open the list'}]({link})")
    return _fit(lines)


def alert_card(alert: dict[str, Any], org_name: str, link: str, lang: str = "zh") -> dict[str, Any]:
    """A WeCom text_notice template card for one overdue deal, linking to the deal."""
    zh = lang != "en"
    stage = STAGE_ZH.get(alert["stage"], alert["stage"]) if zh else alert["stage"]
    return {
        "msgtype": "template_card",
        "template_card": {
            "card_type": "text_notice",
            "source": {
                "desc": f"销售助手 · {org_name}" if zh else f"Sales copilot · {org_name}",
                "desc_color": 2,
            },
            "main_title": {
                "title": (f"商机超期：{alert['deal']}" if zh else f"Deal overdue: {alert['deal']}")[:26],
                "desc": (f"{alert['customer']} · {alert['rep'] or '—'}")[:30],
            },
            "emphasis_content": {
                "title": f"{alert['days_in_stage']:g}天" if zh else f"{alert['days_in_stage']:g} days",
                "desc": (
                    f"{stage}阶段，时限{alert['limit_days']:g}天"
                    if zh
                    else f"at {stage}, limit {alert['limit_days']:g}"
                )[:15],
            },
            "horizontal_content_list": [
                {"keyname": "客户" if zh else "Customer", "value": alert["customer"][:30]},
                {"keyname": "金额" if zh else "Amount", "value": _money(alert.get("amount"))},
                {"keyname": "负责人" if zh else "Owner", "value": alert["rep"] or "—"},
            ],
            "jump_list": [{"type": 1, "url": link, "title": "打开商机" if zh else "Open the deal"}],
            "card_action": {"type": 1, "url": link},
        },
    }


def minutes_card(block: dict[str, Any], org_name: str, link: str, lang: str = "zh") -> dict[str, Any]:
    zh = lang != "en"
    names = {
        "objections": ("客户异议", "objections"),
        "constraints": ("技术约束", "constraints"),
        "resource_gaps": ("资源缺口", "resource gaps"),
    }
    name = names.get(str(block.get("block")), (str(block.get("block")), str(block.get("block"))))[
        0 if zh else 1
    ]
    return {
        "msgtype": "template_card",
        "template_card": {
            "card_type": "text_notice",
            "source": {
                "desc": f"销售助手 · {org_name}" if zh else f"Sales copilot · {org_name}",
                "desc_color": 2,
            },
            "main_title": {
                "title": (f"三方纪要待补：{name}" if zh else f"Minutes block empty: {name}")[:26],
                "desc": str(block.get("customer") or "")[:30],
            },
            "sub_title_text": (
                f"{block.get('owner') or '—'}，会议已过去 {block.get('hours_since_meeting', 0):g} 小时，请补写“{name}”。"
                if zh
                else f"{block.get('owner') or '—'}: the meeting was {block.get('hours_since_meeting', 0):g} hours ago; please fill in {name}."
            ),
            "jump_list": [{"type": 1, "url": link, "title": "打开纪要" if zh else "Open the minutes"}],
            "card_action": {"type": 1, "url": link},
        },
    }


def markdown(content: str) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"content": content}}


def generic(event: str, org_slug: str, data: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    return {"event": event, "organization": org_slug, "text": text, "data": data}
