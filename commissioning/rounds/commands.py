"""``vrp rounds list``, ``vrp bids template|import|scores``: thin wrappers over the round
services and queries."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup

from auth.acting import acting_user, as_option
from auth.roles import Permission
from commissioning.rounds import queries
from commissioning.rounds.spreadsheet import import_bids, template_workbook
from core.money import format_plain
from core.problems import DomainError
from core.uploads import read_file
from extensions import db

rounds_cli = AppGroup("rounds", help="Commissioning rounds.")
bids_cli = AppGroup("bids", help="Bids: the spreadsheet template and import, and the scores.")


@rounds_cli.command("list")
def list_command() -> None:
    """Every round: year, name, budget, dates and how many bids."""
    from auth.models import User
    from auth.roles import Role

    for r in queries.visible_rounds(User(role=Role.AUDITOR)):
        click.echo(
            f"{r.id}\t{r.financial_year}\t{r.name}\t{format_plain(r.budget)}\t"
            f"{r.opens_on.isoformat()} to {r.closes_on.isoformat()}\t{len(r.bids)} bids"
        )


@bids_cli.command("template")
@click.option("--round", "round_name", help="Fill in the round's name and spokes.")
@click.option("--out", type=click.Path(path_type=Path), required=True)
def template_command(round_name: str | None, out: Path) -> None:
    """Write the bid spreadsheet template."""
    round_ = queries.round_by_name(round_name) if round_name else None
    if round_name and round_ is None:
        raise click.ClickException(f"no round called {round_name!r}")
    out.write_bytes(template_workbook(round_))
    click.echo(f"Wrote the bid template to {out}")


@bids_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@as_option
@click.option("--dry-run", is_flag=True, help="Check the file and write nothing.")
def import_command(file: Path, as_email: str, dry_run: bool) -> None:
    """Import bids from a filled-in template, as the person EMAIL; any bad row writes nothing."""
    user = acting_user(as_email, Permission.MANAGE_ROUNDS, "enter bids")
    try:
        result = import_bids(
            read_file(file), file.name, user=user, today=date.today(), dry_run=dry_run
        )
    except DomainError as error:
        db.session.rollback()
        _fail(error)
    verb = "would import" if dry_run else "imported"
    click.echo(f"{file.name}: {verb} {len(result.bids)} bids")
    for bid in result.bids:
        click.echo(f"  {bid.reference}\t{bid.title}\t{format_plain(bid.cost)}")


@bids_cli.command("scores")
@click.argument("round_name", metavar="ROUND")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def scores_command(round_name: str, fmt: str) -> None:
    """The round's bids ranked against its budget: each member's total, mean, spread, flag,
    agreed score, decision and running total. ROUND is its name or number."""
    from auth.models import User
    from auth.roles import Role

    round_ = queries.round_by_name(round_name)
    if round_ is None:
        raise click.ClickException(f"no round called {round_name!r}")
    rows = queries.ranking(round_, User(role=Role.AUDITOR))
    if fmt == "json":
        click.echo(json.dumps([_row_json(r) for r in rows], indent=2))
        return
    click.echo(f"{round_.name} ({round_.financial_year}), budget {format_plain(round_.budget)}")
    for row in rows:
        s = row.scoring
        click.echo(
            f"{row.ranked.rank:>3} {row.bid.reference:<6} {row.bid.title[:40]:<40} "
            f"mean {_num(s.mean if s else None):>6} spread {_num(s.spread if s else None):>6}"
            f"{' FLAG' if s and s.flagged else '     '} agreed {_num(s.agreed if s else None):>6} "
            f"cost {format_plain(row.bid.cost):>10} "
            f"running {format_plain(row.ranked.running_total):>11}"
            f"{'' if row.ranked.within_budget else ' OVER'} "
            f"{row.bid.decision.label if row.bid.decision else 'not decided'}"
        )


def _num(value: object) -> str:
    return "-" if value is None else str(value)


def _row_json(row: queries.RankedRow) -> dict[str, object]:
    s = row.scoring
    return {
        "rank": row.ranked.rank,
        "reference": row.bid.reference,
        "title": row.bid.title,
        "provider": row.bid.provider.name,
        "members": {t.member: str(t.total) for t in s.totals} if s else {},
        "mean": str(s.mean) if s and s.mean is not None else None,
        "spread": str(s.spread) if s and s.spread is not None else None,
        "flagged": bool(s and s.flagged),
        "moderated": str(s.moderated) if s and s.moderated is not None else None,
        "agreed": str(s.agreed) if s and s.agreed is not None else None,
        "cost": format_plain(row.bid.cost),
        "running_total": format_plain(row.ranked.running_total),
        "approved_total": format_plain(row.ranked.approved_total),
        "within_budget": row.ranked.within_budget,
        "decision": row.bid.decision.value if row.bid.decision else None,
        "decision_reference": row.bid.decision_reference,
        "conflicted": [u.name for u in queries.conflicted_members(row.bid)],
    }


def _fail(error: DomainError) -> NoReturn:
    click.echo(str(error), err=True)
    raise SystemExit(1)
