"""`flask backup create [--out DIR]`, `flask backup restore ARCHIVE [--yes] [--force]`, `flask backup show ARCHIVE`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import make_url

from app.backup.archive import BackupError, create_backup, read_manifest, restore_backup
from app.extensions import db

backup_cli = AppGroup("backup", help="Back up and restore the database and the stored files.")


def _target() -> str:
    """The database URL of this app, with the password hidden (for messages)."""
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=True)


def _echo_counts(counts: dict) -> None:
    click.echo("  " + ", ".join(f"{table} {n}" for table, n in sorted(counts.items())))


@backup_cli.command("create")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for the archive (default: instance/backups).")
def backup_create(out_dir: str | None) -> None:
    """Write one archive: the database dump, every stored file, and a manifest with checksums."""
    out_dir = out_dir or str(Path(current_app.instance_path) / "backups")
    db.session.remove()
    try:
        result = create_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], current_app.config["UPLOAD_ROOT"],
                               out_dir)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    manifest = result.manifest
    click.echo(f"Wrote {result.path}")
    click.echo(f"  {manifest['backend']}, alembic revision {manifest['alembic_revision']}, "
               f"{manifest['files']} stored files")
    _echo_counts(manifest["counts"])
    if result.missing_files:
        # The archive is still useful, but someone must look: exit non-zero so that cron reports it.
        raise click.ClickException(
            f"{len(result.missing_files)} files named by the database were not on disk "
            f"(listed in the manifest as missing_files), e.g. {result.missing_files[0]}.")


@backup_cli.command("show")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
def backup_show(archive: str) -> None:
    """Print an archive's manifest summary (without restoring it)."""
    try:
        manifest = read_manifest(archive)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{archive}: {manifest['backend']} backup of {manifest['created_at']}, "
               f"alembic revision {manifest['alembic_revision']}, {manifest['files']} stored files")
    _echo_counts(manifest["counts"])


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Restore even into a database or upload root that is not empty.")
def backup_restore(archive: str, yes: bool, force: bool) -> None:
    """Restore an archive into this app's (empty) database and upload root. Stop the site first."""
    try:
        manifest = read_manifest(archive)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Archive of {manifest['created_at']} ({manifest['backend']}, revision {manifest['alembic_revision']})")
    click.echo(f"Target: {_target()} and {current_app.config['UPLOAD_ROOT']}")
    if not yes:
        click.confirm("Restore this archive into the target?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no connection of ours may hold the file or the database open
    try:
        result = restore_backup(archive, current_app.config["SQLALCHEMY_DATABASE_URI"],
                                current_app.config["UPLOAD_ROOT"], force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored the database and {result.files} stored files.")
    _echo_counts(result.counts)
    if result.problems:
        raise click.ClickException("The restored data differs from the archive: " + "; ".join(result.problems))
    click.echo("Checked: every count matches the manifest and every file the database names is present.")
