"""`flask users create --email E --name N --role R --agency CODE` (password from stdin or generated);
`flask users reset-two-factor EMAIL` (the last admin has lost their phone)."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.agencies.models import Agency
from app.auth import services
from app.auth.permissions import Role
from app.extensions import db

users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--agency", "agency_code", required=True, help="Agency code, e.g. TTLS")
def create(email: str, full_name: str, role: str, agency_code: str) -> None:
    """Create a staff account. A password piped on stdin is used; otherwise one is generated."""
    agency = db.session.scalars(select(Agency).where(Agency.code == agency_code.upper())).first()
    if agency is None:
        raise click.ClickException(f"No agency with code {agency_code}")
    password = None
    if not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n") or None
    try:
        user, generated = services.create_user(email=email, full_name=full_name, role=role, agency_id=agency.id,
                                               password=password, actor_label="cli")
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.email} ({role}, {agency.code})")
    if generated:
        click.echo(f"Password: {generated}")


@users_cli.command("reset-two-factor")
@click.argument("email")
def reset_two_factor(email: str) -> None:
    """Remove an account's second factor and end its sessions (for when no other admin can)."""
    from app.auth import two_factor

    user = services.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with e-mail {email}")
    try:
        two_factor.reset(user, actor=None)
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Two-factor sign-in reset for {user.email}; it is set up again at the next sign-in if required.")
