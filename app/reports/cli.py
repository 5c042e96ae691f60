"""`flask reports summary --from YYYY-MM-DD --to YYYY-MM-DD [--agency CODE] [--subtree]`: the narrative
summary (Vietnamese prose) of a period, as on the reports page; `flask reports export … --out F`:
the workbook of every form."""
from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from app.agencies.models import Agency
from app.extensions import db
from app.reports.engine import Scope
from app.reports.period import PeriodError, make_period

reports_cli = AppGroup("reports", help="Reports: the narrative summary and the official forms of a period.")


def _date(value: str):
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"{value!r}: expected YYYY-MM-DD") from None


def _scope(agency_code: str | None, subtree: bool) -> Scope:
    if agency_code:
        agency = db.session.scalars(select(Agency).where(Agency.code == agency_code)).first()
        if agency is None:
            raise click.BadParameter(f"no agency with code {agency_code!r}", param_hint="--agency")
    else:
        agency = db.session.scalars(select(Agency).where(Agency.parent_id.is_(None)).order_by(Agency.id)).first()
        if agency is None:
            raise click.ClickException("no agency in the database: run `flask seed reference` first")
        subtree = True  # the whole tree from its root
    return Scope(agency, subtree)


def _period(start: str, end: str):
    try:
        return make_period("range", start=_date(start), end=_date(end))
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--to") from None


@reports_cli.command("summary")
@click.option("--from", "start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last day, YYYY-MM-DD.")
@click.option("--agency", "agency_code", help="Agency code (default: the whole tree from its root).")
@click.option("--subtree", is_flag=True, help="Include the agencies below it.")
def summary(start: str, end: str, agency_code: str | None, subtree: bool) -> None:
    """Print the narrative summary of a period."""
    from app.reports.summary import summarise

    with force_locale("vi"):
        click.echo(summarise(_scope(agency_code, subtree), _period(start, end)).text)


@reports_cli.command("export")
@click.option("--from", "start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last day, YYYY-MM-DD.")
@click.option("--agency", "agency_code", help="Agency code (default: the whole tree from its root).")
@click.option("--subtree", is_flag=True, help="Include the agencies below it.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True), help="The .xlsx to write.")
def export(start: str, end: str, agency_code: str | None, subtree: bool, out: str) -> None:
    """Write the workbook (summary and every form) of a period."""
    from app.reports.engine import compute
    from app.reports.official import FORMS
    from app.reports.summary import summarise
    from app.reports.xlsx import build_workbook

    scope, period = _scope(agency_code, subtree), _period(start, end)
    with force_locale("vi"):
        data = build_workbook([compute(f, scope, period) for f in FORMS.values()], summarise(scope, period))
    with open(out, "wb") as fh:
        fh.write(data)
    click.echo(f"Wrote {out} ({len(data)} bytes)")
