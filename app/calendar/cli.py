"""`flask calendar due RULE_CODE YYYY-MM-DD [--complex] [--remote]`: a due date from the command line."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from app.calendar import services

calendar_cli = AppGroup("calendar", help="Working days and legal time limits.")


@calendar_cli.command("due")
@click.argument("rule_code")
@click.argument("start")
@click.option("--complex", "complex_", is_flag=True, help="The case is complex.")
@click.option("--remote", is_flag=True, help="Remote area (vùng sâu, vùng xa).")
def due(rule_code: str, start: str, complex_: bool, remote: bool) -> None:
    """Print the due date (YYYY-MM-DD) of RULE_CODE counted from START (YYYY-MM-DD)."""
    try:
        start_day = date.fromisoformat(start)
    except ValueError as exc:
        raise click.ClickException(f"Bad date {start!r}: use YYYY-MM-DD, e.g. 2027-02-03") from exc
    try:
        result = services.due_date(rule_code, start_day, complex_=complex_, remote=remote)
    except services.UnknownRule as exc:
        raise click.ClickException(f"Unknown rule {rule_code!r}: no such rule in force on {start_day.isoformat()}") from exc
    click.echo(result.isoformat())
