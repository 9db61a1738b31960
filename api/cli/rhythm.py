"""`copilot suggest`, `copilot news`, `copilot brief`, `copilot patrol`, `copilot alerts`,
`copilot outbox` and `copilot webhook`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.common import DEMO_ORG, cli_principal, command_runtime, console
from api.runtime import Runtime
from copilot.clock import in_zone

news_app = typer.Typer(help="News about customers (press releases, tenders, posts).", no_args_is_help=True)
outbox_app = typer.Typer(
    help="Messages to the organization's webhooks: list, deliver, retry.", invoke_without_command=True
)
webhook_app = typer.Typer(help="Where briefs, patrols and alerts are delivered.", no_args_is_help=True)

OrgOpt = Annotated[str, typer.Option(help="Organization slug.")]
RepOpt = Annotated[str | None, typer.Option(help="Act as this rep (default: as an admin).")]
AsOfOpt = Annotated[datetime | None, typer.Option(help="As of this time (ISO); default now.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
SendOpt = Annotated[
    bool, typer.Option("--send", help="Queue it for the organization's webhooks and deliver now.")
]


def _print_json(data: Any) -> None:
    console.print_json(json.dumps(data, ensure_ascii=False, default=str))


def suggest(
    customer: Annotated[str | None, typer.Argument(help="A customer's id; omit for the whole scope.")] = None,
    org: OrgOpt = DEMO_ORG,
    rep: RepOpt = None,
    rep_id: Annotated[str | None, typer.Option("--rep-id", help="Only this rep's customers.")] = None,
    due_before: Annotated[datetime | None, typer.Option(help="Only actions due by this day.")] = None,
    as_of: AsOfOpt = None,
    lang: Annotated[str | None, typer.Option(help="zh or en (default: the organization's).")] = None,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 50,
    json_out: JsonOpt = False,
) -> None:
    """Next actions for a customer (or every customer in scope), with reasons, evidence and due dates."""
    with command_runtime() as runtime:
        principal = cli_principal(runtime, org, rep)
        when = in_zone(as_of, runtime.settings.tz)
        if customer is not None:
            result = runtime.suggestions.for_customer(principal, customer, as_of=when, lang=lang)
        else:
            result = runtime.suggestions.for_scope(
                principal,
                rep_id=rep_id,
                due_before=due_before.date() if due_before else None,
                as_of=when,
                lang=lang,
                limit=limit,
            )
    if json_out:
        _print_json(result)
        return
    table = Table(title=f"{len(result['items'])} actions as of {result['as_of'][:16]}")
    for col in ("due", "type", "customer", "action", "reason", "evidence"):
        table.add_column(col)
    for item in result["items"]:
        table.add_row(
            item["due_date"],
            item["type"],
            item["customer_id"],
            item["text"],
            item["reason"],
            ", ".join(e["id"] for e in item["evidence"][:3]),
        )
    console.print(table)


@news_app.command("add")
def news_add(
    customer: Annotated[str, typer.Argument(help="The customer's id.")],
    title: Annotated[str, typer.Option(help="The headline.")],
    text: Annotated[str, typer.Option(help="The body.")] = "",
    source: Annotated[
        str, typer.Option(help="press_release, tender_notice, website, social, other.")
    ] = "other",
    url: Annotated[str | None, typer.Option(help="Where it was published.")] = None,
    published_at: Annotated[datetime | None, typer.Option(help="When (ISO); default now.")] = None,
    org: OrgOpt = DEMO_ORG,
) -> None:
    """Store an item about a customer; an expansion, a tender or a competitor deal becomes an action."""
    item = {"title": title, "text": text, "source": source, "url": url}
    if published_at is not None:
        item["published_at"] = published_at.isoformat()
    with command_runtime() as runtime:
        _print_json(runtime.suggestions.add_news(cli_principal(runtime, org, None), customer, item))


def _run(runtime: Runtime, org: str, job: str, send: bool) -> dict[str, Any] | None:
    if not send:
        return None
    principal = cli_principal(runtime, org, None)
    queued = runtime.rhythm.run_job(principal.org_id, job, trigger="manual")
    delivered = runtime.rhythm.deliver(principal.org_id)
    return {"queued": queued, "delivered": delivered}


def brief(org: OrgOpt = DEMO_ORG, rep: RepOpt = None, as_of: AsOfOpt = None, send: SendOpt = False) -> None:
    """The one-page brief: three numbers with their records, and funnel drops per rep."""
    with command_runtime() as runtime:
        data = runtime.rhythm.brief(
            cli_principal(runtime, org, rep), as_of=in_zone(as_of, runtime.settings.tz)
        )
        sent = _run(runtime, org, "brief", send)
    _print_json(data if sent is None else {"brief": data["numbers"], **sent})


def patrol(org: OrgOpt = DEMO_ORG, rep: RepOpt = None, as_of: AsOfOpt = None, send: SendOpt = False) -> None:
    """The low-activity patrol: intent-or-later customers idle for 72 hours, with tags and history."""
    with command_runtime() as runtime:
        data = runtime.rhythm.patrol(
            cli_principal(runtime, org, rep), as_of=in_zone(as_of, runtime.settings.tz)
        )
        sent = _run(runtime, org, "patrol", send)
    _print_json(data if sent is None else {"count": data["count"], **sent})


def alerts(org: OrgOpt = DEMO_ORG, rep: RepOpt = None, as_of: AsOfOpt = None, send: SendOpt = False) -> None:
    """Deals over their stage time limit, one alert per deal."""
    with command_runtime() as runtime:
        data = runtime.rhythm.alerts(
            cli_principal(runtime, org, rep), as_of=in_zone(as_of, runtime.settings.tz)
        )
        sent = _run(runtime, org, "alerts", send)
    _print_json(data if sent is None else {"count": data["count"], **sent})


@outbox_app.callback()
def outbox_list(
    ctx: typer.Context,
    org: OrgOpt = DEMO_ORG,
    status: Annotated[str | None, typer.Option(help="pending, sent or dead.")] = None,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 50,
) -> None:
    """List the outbox (newest first); `deliver` sends what is due, `retry ID` requeues a dead one."""
    if ctx.invoked_subcommand is not None:
        return
    with command_runtime() as runtime:
        rows = runtime.rhythm.outbox(cli_principal(runtime, org, None), status=status, limit=limit)
    table = Table(title=f"outbox: {len(rows)} messages")
    for col in ("id", "job", "webhook", "status", "attempts", "next attempt", "sent", "last error"):
        table.add_column(col)
    for m in rows:
        table.add_row(
            str(m["id"]),
            m["job"],
            str(m["webhook_id"]),
            m["status"],
            str(m["attempts"]),
            m["next_attempt_at"][:19],
            (m["sent_at"] or "")[:19],
            (m["last_error"] or "")[:60],
        )
    console.print(table)


@outbox_app.command("deliver")
def outbox_deliver(org: OrgOpt = DEMO_ORG) -> None:
    """Send every due message now."""
    with command_runtime() as runtime:
        principal = cli_principal(runtime, org, None)
        _print_json(runtime.rhythm.deliver(principal.org_id))


@outbox_app.command("retry")
def outbox_retry(message_id: int, org: OrgOpt = DEMO_ORG) -> None:
    """Queue a dead message again."""
    with command_runtime() as runtime:
        _print_json(runtime.rhythm.retry(cli_principal(runtime, org, None), message_id))


@webhook_app.command("add")
def webhook_add(
    name: Annotated[str, typer.Argument(help="A name for people, e.g. the group's name.")],
    url: Annotated[str, typer.Option(help="The robot's webhook URL or the receiver's URL.")],
    kind: Annotated[str, typer.Option(help="wecom or signed_json.")] = "wecom",
    jobs: Annotated[str, typer.Option(help="Comma-separated: brief,patrol,alerts.")] = "brief,patrol,alerts",
    secret: Annotated[
        str | None, typer.Option(help="HMAC key for signed_json.", envvar="COPILOT_WEBHOOK_SECRET")
    ] = None,
    org: OrgOpt = DEMO_ORG,
) -> None:
    """Deliver the organization's jobs to a WeCom group robot or a signed JSON receiver."""
    payload = {
        "name": name,
        "url": url,
        "kind": kind,
        "jobs": [j.strip() for j in jobs.split(",") if j.strip()],
    }
    if secret:
        payload["secret"] = secret
    with command_runtime() as runtime:
        _print_json(runtime.rhythm.add_webhook(cli_principal(runtime, org, None), payload))


@webhook_app.command("list")
def webhook_list(org: OrgOpt = DEMO_ORG) -> None:
    """The organization's webhooks (secrets and URL keys hidden)."""
    with command_runtime() as runtime:
        _print_json(runtime.rhythm.list_webhooks(cli_principal(runtime, org, None)))


@webhook_app.command("remove")
def webhook_remove(webhook_id: int, org: OrgOpt = DEMO_ORG) -> None:
    """Stop delivering to a webhook."""
    with command_runtime() as runtime:
        runtime.rhythm.remove_webhook(cli_principal(runtime, org, None), webhook_id)
    console.print(f"webhook {webhook_id} disabled")


def register(app: typer.Typer) -> None:
    app.command("suggest")(suggest)
    app.add_typer(news_app, name="news")
    app.command("brief")(brief)
    app.command("patrol")(patrol)
    app.command("alerts")(alerts)
    app.add_typer(outbox_app, name="outbox")
    app.add_typer(webhook_app, name="webhook")
