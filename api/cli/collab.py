"""`copilot minutes`, `copilot tickets`, `copilot kickoff` and `copilot radar`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.common import DEMO_ORG, cli_principal, command_runtime, console, read_text_input
from copilot.clock import in_zone
from copilot.errors import InvalidInput

minutes_app = typer.Typer(
    help="Three-party meeting minutes: objections (sales), constraints (solution), resource gaps (delivery).",
    no_args_is_help=True,
)
tickets_app = typer.Typer(help="Cross-role tickets to solution, legal or delivery.", no_args_is_help=True)
kickoff_app = typer.Typer(help="Kick-off preparation after a deal is won.", no_args_is_help=True)

OrgOpt = Annotated[str, typer.Option(help="Organization slug.")]
AsOpt = Annotated[str | None, typer.Option("--rep", help="Act as this person (default: as an admin).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _print_json(data: Any) -> None:
    console.print_json(json.dumps(data, ensure_ascii=False, default=str))


def _owners(values: list[str] | None) -> dict[str, str] | None:
    if not values:
        return None
    out = {}
    for value in values:
        block, sep, user = value.partition("=")
        if not sep or not block.strip() or not user.strip():
            raise InvalidInput(f"--owner takes BLOCK=USER_ID, e.g. constraints=s1; got {value!r}")
        out[block.strip()] = user.strip()
    return out


@minutes_app.command("create")
def minutes_create(
    customer: Annotated[str, typer.Option(help="The customer's id.")],
    title: Annotated[str, typer.Option(help="What the meeting was about.")],
    at: Annotated[
        datetime | None, typer.Option(help="When the meeting took place (ISO); default now.")
    ] = None,
    deal: Annotated[str | None, typer.Option(help="The deal discussed.")] = None,
    owner: Annotated[
        list[str] | None, typer.Option(help="BLOCK=USER_ID to override a block's default owner (repeatable).")
    ] = None,
    minutes_id: Annotated[str | None, typer.Option("--id", help="An id of your choosing.")] = None,
    org: OrgOpt = DEMO_ORG,
    rep: AsOpt = None,
) -> None:
    """Open minutes for a customer meeting; each block is due 2 hours after the meeting."""
    with command_runtime() as runtime:
        result = runtime.collab.create_minutes(
            cli_principal(runtime, org, rep),
            customer,
            title=title,
            meeting_at=in_zone(at, runtime.settings.tz),
            deal_id=deal,
            owners=_owners(owner),
            minutes_id=minutes_id,
        )
    _print_json(result)


@minutes_app.command("fill")
def minutes_fill(
    minutes_id: Annotated[str, typer.Argument(help="The minutes' id.")],
    block: Annotated[str, typer.Argument(help="objections, constraints or resource_gaps.")],
    text: Annotated[
        str | None, typer.Argument(help="The text, @FILE to read a file, or - for stdin.")
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="Input encoding when not UTF-8.")] = None,
    org: OrgOpt = DEMO_ORG,
    rep: AsOpt = None,
) -> None:
    """Fill one block, as its owner (--rep) or as an admin."""
    with command_runtime() as runtime:
        body = read_text_input(text, encoding)
        result = runtime.collab.fill_block(cli_principal(runtime, org, rep), minutes_id, block, body)
    _print_json(result)


@minutes_app.command("show")
def minutes_show(
    minutes_id: Annotated[str | None, typer.Argument(help="The minutes' id.")] = None,
    customer: Annotated[str | None, typer.Option(help="List this customer's minutes instead.")] = None,
    overdue: Annotated[bool, typer.Option(help="List the blocks overdue across the organization.")] = False,
    org: OrgOpt = DEMO_ORG,
    rep: AsOpt = None,
) -> None:
    """Show one minutes record, a customer's minutes, or (--overdue) every overdue block."""
    with command_runtime() as runtime:
        principal = cli_principal(runtime, org, rep)
        if overdue:
            result: Any = runtime.collab.overdue_minutes_blocks(principal.org_id)
        elif minutes_id is not None:
            result = runtime.collab.get_minutes(principal, minutes_id)
        elif customer is not None:
            result = runtime.collab.list_minutes(principal, customer)
        else:
            raise InvalidInput("give a minutes id, --customer or --overdue")
    _print_json(result)


@tickets_app.command("create")
def tickets_create(
    customer: Annotated[str, typer.Option(help="The customer's id.")],
    role: Annotated[str, typer.Option(help="solution, legal or delivery.")],
    title: Annotated[str, typer.Option(help="A short title, e.g. 可行性报告.")],
    request: Annotated[str | None, typer.Argument(help="The request, @FILE, or - for stdin.")] = None,
    assignee: Annotated[str | None, typer.Option(help="One person of that role (default: the role).")] = None,
    due: Annotated[
        datetime | None, typer.Option(help="The deadline (ISO); default 48 hours from now.")
    ] = None,
    hours: Annotated[float | None, typer.Option(help="The deadline in hours from now.")] = None,
    deal: Annotated[str | None, typer.Option(help="The deal concerned.")] = None,
    ticket_id: Annotated[str | None, typer.Option("--id", help="An id of your choosing.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Input encoding when not UTF-8.")] = None,
    org: OrgOpt = DEMO_ORG,
    rep: AsOpt = None,
) -> None:
    """Ask solution, legal or delivery for something by a deadline."""
    with command_runtime() as runtime:
        body = read_text_input(request, encoding)
        result = runtime.collab.create_ticket(
            cli_principal(runtime, org, rep),
            customer,
            assignee_role=role,
            title=title,
            request=body,
            assignee_id=assignee,
            due_at=in_zone(due, runtime.settings.tz),
            due_in_hours=hours,
            deal_id=deal,
            ticket_id=ticket_id,
        )
    _print_json(result)


@tickets_app.command("answer")
def tickets_answer(
    ticket_id: Annotated[str, typer.Argument(help="The ticket's id.")],
    answer: Annotated[str | None, typer.Argument(help="The answer, @FILE, or - for stdin.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Input encoding when not UTF-8.")] = None,
    org: OrgOpt = DEMO_ORG,
    rep: AsOpt = None,
) -> None:
    """Answer a ticket as its assignee (--rep USER_ID); in time earns both sides 2 points."""
    with command_runtime() as runtime:
        body = read_text_input(answer, encoding)
        result = runtime.collab.answer_ticket(cli_principal(runtime, org, rep), ticket_id, body)
    _print_json(result)


@tickets_app.command("list")
def tickets_list(
    assignee: Annotated[
        str | None, typer.Option(help="`me` or a user's id: tickets they are to answer.")
    ] = None,
    requester: Annotated[str | None, typer.Option(help="`me` or a user's id: tickets they asked.")] = None,
    status: Annotated[str | None, typer.Option(help="open, overdue or answered.")] = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer's tickets.")] = None,
    org: OrgOpt = DEMO_ORG,
    rep: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List tickets, soonest due first."""
    with command_runtime() as runtime:
        principal = cli_principal(runtime, org, rep)
        if customer is not None:
            result = runtime.collab.list_customer_tickets(principal, customer, status=status)
        else:
            result = runtime.collab.list_tickets(
                principal, assignee=assignee, requester=requester, status=status
            )
    if json_out:
        _print_json(result)
        return
    table = Table(title=f"{result['total']} tickets")
    for col in ("id", "customer", "title", "role", "assignee", "due", "status", "points"):
        table.add_column(col)
    for t in result["items"]:
        table.add_row(
            t["id"],
            t["customer_id"],
            t["title"],
            t["assignee_role"],
            (t["assignee"] or {}).get("id", "-"),
            t["due_at"][:16],
            t["status"] + (" (late)" if t["in_time"] is False else ""),
            str(t["points"]["answerer"]),
        )
    console.print(table)


@kickoff_app.command("show")
def kickoff_show(
    deal: Annotated[str | None, typer.Argument(help="The won deal's id.")] = None,
    customer: Annotated[str | None, typer.Option(help="List this customer's kick-offs instead.")] = None,
    org: OrgOpt = DEMO_ORG,
    rep: AsOpt = None,
) -> None:
    """Show a won deal's kick-off preparation (or a customer's)."""
    with command_runtime() as runtime:
        principal = cli_principal(runtime, org, rep)
        if deal is not None:
            result = runtime.collab.get_kickoff(principal, deal)
        elif customer is not None:
            result = runtime.collab.list_kickoffs(principal, customer)
        else:
            raise InvalidInput("give a deal id or --customer")
    _print_json(result)


@kickoff_app.command("update")
def kickoff_update(
    deal: Annotated[str, typer.Argument(help="The won deal's id.")],
    participant: Annotated[
        list[str] | None, typer.Option(help="A participant (repeatable; replaces the list).")
    ] = None,
    goals: Annotated[str | None, typer.Option(help="The agreed goals.")] = None,
    deliverables: Annotated[str | None, typer.Option(help="The first deliverables.")] = None,
    org: OrgOpt = DEMO_ORG,
    rep: AsOpt = None,
) -> None:
    """Record participants, goals or first deliverables; complete when all three are filled."""
    with command_runtime() as runtime:
        result = runtime.collab.update_kickoff(
            cli_principal(runtime, org, rep),
            deal,
            participants=participant or None,
            goals=goals,
            deliverables=deliverables,
        )
    _print_json(result)


def radar(
    rep_id: Annotated[str, typer.Argument(help="The rep's id.")],
    month: Annotated[str | None, typer.Option(help="YYYY-MM; default this month.")] = None,
    org: OrgOpt = DEMO_ORG,
    rep: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """A rep's six capability scores for a month, each with the inputs behind it."""
    with command_runtime() as runtime:
        result = runtime.collab.radar(cli_principal(runtime, org, rep), rep_id, month=month)
    if json_out:
        _print_json(result)
        return
    who = result["rep"]
    table = Table(title=f"{who['id']} {who['name']} · {result['month']}")
    for col in ("dimension", "score", "inputs"):
        table.add_column(col)
    for d in result["dimensions"]:
        inputs = ", ".join(f"{i['name']}={i['value']}" for i in d["inputs"])
        table.add_row(f"{d['name']} {d['name_en']}", str(d["score"]), inputs)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(minutes_app, name="minutes")
    app.add_typer(tickets_app, name="tickets")
    app.add_typer(kickoff_app, name="kickoff")
    app.command("radar")(radar)
