"""`copilot risks`, `copilot policy`, `copilot scores` and `copilot letter`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.common import DEMO_ORG, cli_principal, command_runtime, console
from copilot.clock import in_zone
from copilot.policies import parse_assignments

policy_app = typer.Typer(
    help="The organization's risk rules, negotiation gate, health weights, funnel.", no_args_is_help=True
)
scores_app = typer.Typer(
    help="Health-weighted pipeline, per-rep funnels, lost reasons.", no_args_is_help=True
)
letter_app = typer.Typer(help="Customer confirmation letters (text, PDF or photo).", no_args_is_help=True)

OrgOpt = Annotated[str, typer.Option(help="Organization slug.")]
RepOpt = Annotated[str | None, typer.Option(help="Act as this rep (default: as an admin).")]
AsOfOpt = Annotated[datetime | None, typer.Option(help="As of this time (ISO); default now.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _print_json(data: Any) -> None:
    console.print_json(json.dumps(data, ensure_ascii=False, default=str))


def risks(
    org: OrgOpt = DEMO_ORG,
    rule: Annotated[str | None, typer.Option(help="Only this rule.")] = None,
    rep_id: Annotated[str | None, typer.Option("--rep-id", help="Only this rep's customers.")] = None,
    team: Annotated[str | None, typer.Option(help="Only this team's customers.")] = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer.")] = None,
    rep: RepOpt = None,
    as_of: AsOfOpt = None,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 50,
    json_out: JsonOpt = False,
) -> None:
    """List pipeline risks: each names its rule, the records behind it and since when."""
    with command_runtime() as runtime:
        result = runtime.risks.risks(
            cli_principal(runtime, org, rep),
            rule=rule,
            rep_id=rep_id,
            team=team,
            customer_id=customer,
            as_of=in_zone(as_of, runtime.settings.tz),
            limit=limit,
        )
    if json_out:
        _print_json(result)
        return
    table = Table(title=f"{result['total']} risks as of {result['as_of'][:16]}  {result['counts']}")
    for col in ("rule", "customer", "deal", "rep", "since", "records"):
        table.add_column(col)
    for item in result["items"]:
        table.add_row(
            item["title"],
            f"{item['customer_id']} {item['customer']}",
            item["deal_id"] or "",
            item["rep"] or "",
            item["since"][:16],
            ", ".join(r["id"] for r in item["records"][1:4]),
        )
    console.print(table)


@policy_app.command("show")
def policy_show(org: OrgOpt = DEMO_ORG) -> None:
    """Print the organization's policy (defaults plus its own changes)."""
    with command_runtime() as runtime:
        _print_json(runtime.risks.policy(cli_principal(runtime, org, None)).model_dump(mode="json"))


@policy_app.command("set")
def policy_set(
    settings: Annotated[
        list[str], typer.Argument(help="name.sub=value, e.g. risk_rules.stuck_deal.limits.negotiation=20")
    ],
    org: OrgOpt = DEMO_ORG,
) -> None:
    """Change settings; the whole policy is validated before anything is stored."""
    with command_runtime() as runtime:
        policy = runtime.risks.update_policy(cli_principal(runtime, org, None), parse_assignments(settings))
    _print_json(policy.model_dump(mode="json"))


@scores_app.command("pipeline")
def scores_pipeline(
    org: OrgOpt = DEMO_ORG,
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
    rep_id: Annotated[str | None, typer.Option("--rep-id", help="Only this rep.")] = None,
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """The open deals' health-weighted value, deal by deal with its factors."""
    with command_runtime() as runtime:
        result = runtime.risks.weighted_pipeline(
            cli_principal(runtime, org, None),
            team=team,
            rep_id=rep_id,
            as_of=in_zone(as_of, runtime.settings.tz),
        )
    if json_out:
        _print_json(result)
        return
    amount, weighted = result["amount"], result["weighted_value"]
    table = Table(title=f"{result['open_deals']} open deals: {amount:,.0f} -> weighted {weighted:,.0f}")
    for col in ("deal", "customer", "amount", "weight", "factors", "weighted"):
        table.add_column(col)
    for d in result["deals"]:
        factors = " x ".join(f"{f['factor']:g} ({f['because']})" for f in d["factors"]) or "-"
        table.add_row(
            d["deal_id"],
            d["customer_id"],
            f"{d['amount']:,.0f}",
            f"{d['weight']:g}",
            factors,
            f"{d['weighted_value']:,.0f}",
        )
    console.print(table)


@scores_app.command("funnel")
def scores_funnel(
    org: OrgOpt = DEMO_ORG,
    rep_id: Annotated[str | None, typer.Option("--rep-id", help="Only this rep.")] = None,
    day: Annotated[datetime | None, typer.Option(help="The day (YYYY-MM-DD); default today.")] = None,
) -> None:
    """Per rep, the stage funnel against the day before, drops flagged with the stalled customers."""
    with command_runtime() as runtime:
        result = runtime.risks.funnel(
            cli_principal(runtime, org, None), rep_id=rep_id, day=day.date() if day else None
        )
    _print_json(result)


@scores_app.command("lost-reasons")
def scores_lost(
    org: OrgOpt = DEMO_ORG,
    since: Annotated[datetime | None, typer.Option(help="Only deals lost since then.")] = None,
    as_of: AsOfOpt = None,
) -> None:
    """Lost deals grouped by reason category."""
    with command_runtime() as runtime:
        tz = runtime.settings.tz
        result = runtime.risks.lost_reasons(
            cli_principal(runtime, org, None), since=in_zone(since, tz), as_of=in_zone(as_of, tz)
        )
    _print_json(result)


@letter_app.command("add")
def letter_add(
    deal: Annotated[str, typer.Option(help="The deal's id.")],
    file: Annotated[
        Path | None, typer.Argument(help="A PDF, JPEG or PNG of the letter.", exists=True, dir_okay=False)
    ] = None,
    text: Annotated[str | None, typer.Option(help="The letter as text, instead of a file.")] = None,
    org: OrgOpt = DEMO_ORG,
    rep: RepOpt = None,
) -> None:
    """Store a customer confirmation letter and show the three elements found (with quotes)."""
    with command_runtime() as runtime:
        result = runtime.letters.add(
            cli_principal(runtime, org, rep),
            deal,
            text=text,
            data=file.read_bytes() if file is not None else None,
            filename=file.name if file is not None else None,
        )
    result.pop("text", None)
    _print_json(result)


def register(app: typer.Typer) -> None:
    app.command("risks")(risks)
    app.add_typer(policy_app, name="policy")
    app.add_typer(scores_app, name="scores")
    app.add_typer(letter_app, name="letter")
