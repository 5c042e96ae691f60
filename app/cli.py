"""Command-line interface: `flask seed reference|demo`, `flask storage sweep`, `flask calendar due`."""
from __future__ import annotations

import os
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.extensions import db

seed_cli = AppGroup("seed", help="Load reference and demo data (idempotent).")
storage_cli = AppGroup("storage", help="Maintain stored files.")


@seed_cli.command("reference")
def seed_reference() -> None:
    """Administrative units, content categories, deadline rules and reception duty rules."""
    from app.agencies.seed import load_admin_units
    from app.calendar.seed import load_rules
    from app.petitions.seed import load_categories
    from app.reception.seed import load_duty_rules

    added, updated = load_admin_units()
    categories = load_categories()
    rules = load_rules()
    duty_rules = load_duty_rules()
    db.session.commit()
    click.echo(f"Administrative units: {added} added, {updated} updated")
    click.echo(f"Content categories: {categories} added")
    click.echo(f"Deadline rules: {rules} added")
    click.echo(f"Reception duty rules: {duty_rules} added")


@seed_cli.command("demo")
def seed_demo() -> None:
    """The demo agency tree and demo staff accounts (not in production)."""
    from app.agencies.seed import load_demo_agencies
    from app.auth.seed import DEMO_USERS, demo_password, load_demo_users

    if not current_app.config.get("DEMO_DATA_ALLOWED"):
        raise click.ClickException("Demo data is not loaded in production.")
    from app.inspections.demo import load_demo_inspections
    from app.oversight.demo import load_demo_directives
    from app.reception.demo import load_demo_reception

    added = load_demo_agencies()
    users = load_demo_users()
    db.session.flush()
    visits = load_demo_reception()
    inspections = load_demo_inspections()
    directives = load_demo_directives()
    db.session.commit()
    click.echo(f"Demo agencies: {added} added; demo accounts: {users} added; demo visits: {visits} added")
    click.echo(f"Demo inspections: {inspections} added")
    click.echo(f"Demo directives: {directives} added")
    click.echo("")
    port = os.environ.get("PORT", "5000")
    click.echo(f"Demo logins at http://127.0.0.1:{port}/staff/login (password for all: {demo_password()}):")
    required = current_app.config.get("TWO_FACTOR_REQUIRED_ROLES") or ()
    for email, _name, role, agency in DEMO_USERS:
        note = "  (two-factor set-up at first sign-in)" if role in required else ""
        click.echo(f"  {email:32} {role:13} {agency}{note}")
    if required:
        click.echo("Leaders and the admin set up two-factor sign-in at their first sign-in: scan the QR code with an")
        click.echo("authenticator app (or type the secret shown), then keep the recovery codes (docs/two-factor.md).")


@storage_cli.command("sweep")
@click.option("--hours", type=int, default=None, help="Age of staged uploads to remove.")
@click.option("--orphan-hours", type=float, default=None,
              help="Age of stored files that no row names (default ORPHAN_FILE_MIN_AGE_HOURS).")
def storage_sweep(hours: int | None, orphan_hours: float | None) -> None:
    """Remove staged uploads older than STAGED_UPLOAD_TTL_HOURS (abandoned forms), then stored
    files that no row names (left by a crash between writing a file and committing its row)."""
    from sqlalchemy import select

    from app.db import utcnow
    from app.petitions.models import StagedUpload
    from app.storage import files
    from app.storage.references import sweep_orphans

    hours = hours if hours is not None else current_app.config["STAGED_UPLOAD_TTL_HOURS"]
    cutoff = utcnow() - timedelta(hours=hours)
    old = list(db.session.scalars(select(StagedUpload).where(StagedUpload.created_at < cutoff)))
    for row in old:
        files.delete(row.storage_key)
        db.session.delete(row)
    db.session.commit()
    click.echo(f"Removed {len(old)} staged uploads")
    orphan_hours = orphan_hours if orphan_hours is not None else current_app.config["ORPHAN_FILE_MIN_AGE_HOURS"]
    result = sweep_orphans(orphan_hours)
    db.session.rollback()  # the sweep only read
    click.echo(f"Removed {len(result.removed)} orphan stored files "
               f"(kept {result.referenced} referenced, {result.kept_young} younger than {orphan_hours:g} h)")


def init_cli(app: Flask) -> None:
    """Attach the command groups to the app."""
    from app.audit.cli import audit_cli
    from app.bench.cli import demo_cli
    from app.auth.cli import users_cli
    from app.backup.cli import backup_cli
    from app.calendar.cli import calendar_cli
    from app.imports.cli import import_register
    from app.notifications.cli import outbox_cli
    from app.notifications.reminders import reminders_cli
    from app.reports.cli import reports_cli
    from app.retention.cli import retention_cli

    app.cli.add_command(seed_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(storage_cli)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(import_register)
    app.cli.add_command(reports_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(demo_cli)
