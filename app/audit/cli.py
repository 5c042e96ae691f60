"""`flask audit verify [--anchor ID:HASH]`: check the hash chain of the audit log (exit 1 if broken)."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from app.audit import chain
from app.audit.models import AuditEntry
from app.extensions import db

audit_cli = AppGroup("audit", help="The append-only audit log.")


def describe(verdict: chain.Verdict) -> str:
    """The first broken line and why, in one sentence."""
    n = verdict.broken_id
    if verdict.reason == chain.EDITED:
        return f"entry {n}: edited (its fields no longer give its stored hash)"
    if verdict.reason == chain.DELETED:
        first, last = verdict.missing
        gone = f"entry {first}" if first == last else f"entries {first}-{last}"
        return f"entry {n}: {gone} before it deleted (a gap in the chain)"
    if verdict.reason == chain.REORDERED:
        after = f" (it was written after entry {verdict.follows})" if verdict.follows else ""
        return f"entry {n}: reordered{after}"
    return f"entry {n}: the entry before it was rewritten (its prev_hash no longer matches)"


@audit_cli.command("verify")
@click.option("--anchor", help="ID:HASH of a line noted earlier (e.g. in the backup log): it must still be there.")
def verify(anchor: str | None) -> None:
    """Walk the whole chain; print "OK: N entries" and exit 0, or name the first broken entry and exit 1."""
    verdict = chain.verify()
    if not verdict.ok:
        click.echo(f"BROKEN: {describe(verdict)}; {verdict.count} entries before it are intact.")
        sys.exit(1)
    if anchor:
        try:
            anchor_id, anchor_hash = anchor.split(":", 1)
            line = db.session.get(AuditEntry, int(anchor_id))
        except ValueError:
            raise click.BadParameter("expected ID:HASH", param_hint="--anchor") from None
        if line is None or line.hash != anchor_hash.strip().lower():
            click.echo(f"BROKEN: entry {anchor_id} noted earlier is missing or changed (the log was cut back "
                       f"or rewritten); {verdict.count} entries remain.")
            sys.exit(1)
    click.echo(f"OK: {verdict.count} entries")
    if verdict.head_id is not None:
        click.echo(f"Last: {verdict.head_id}:{verdict.head_hash}")
