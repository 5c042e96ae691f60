"""`flask retention due [--agency CODE]`: petitions due for destruction; `flask retention schedule`:
give a destruction date to filed petitions that have none (filed before the rule was loaded)."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.agencies.models import Agency
from app.extensions import db
from app.formatting import format_date, local_today
from app.retention import queries, services

retention_cli = AppGroup("retention", help="Retention of filed petitions (TT 07/2014 Đ.28).")


@retention_cli.command("due")
@click.option("--agency", "agency_code", default=None, help="Only this agency (its code).")
def retention_due(agency_code: str | None) -> None:
    """List the filed petitions whose retention period is over (destruction needs a leader's approval)."""
    agency_id = None
    if agency_code:
        agency = db.session.scalars(select(Agency).where(Agency.code == agency_code)).first()
        if agency is None:
            raise click.ClickException(f"No agency with code {agency_code!r}.")
        agency_id = agency.id
    rows = queries.all_due(local_today(), agency_id)
    for petition in rows:
        waiting = services.open_request_of(petition.id)
        click.echo(f"{petition.tracking_code:24} {petition.agency.code:8} {petition.file_reason:16} "
                   f"kept until {format_date(petition.destroy_after)}"
                   + (f"  (proposal {waiting.id} waiting)" if waiting else ""))
    click.echo(f"{len(rows)} petitions due for destruction")
    missing = db.session.scalar(queries.unscheduled_count())
    if missing:
        click.echo(f"{missing} filed petitions have no destruction date yet: run `flask retention schedule`.",
                   err=True)


@retention_cli.command("schedule")
def retention_schedule() -> None:
    """Compute destroy_after for retained petitions that have none."""
    count = services.schedule_missing()
    db.session.commit()
    click.echo(f"Scheduled {count} filed petitions")
    missing = db.session.scalar(queries.unscheduled_count())
    if missing:
        raise click.ClickException(f"{missing} petitions still have no date: is the deadline rule "
                                   f"'petition.retention' loaded (`flask seed reference`)?")
