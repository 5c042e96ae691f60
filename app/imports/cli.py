"""`flask import FILE --kind K --agency CODE [--user EMAIL] [--dry-run]`: import a register from the
command line, with the same validation as the upload page; the exit code is 1 when anything is wrong
(and then nothing is written)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.imports.spec import KINDS


@click.command("import", help="Import a register (XLSX or CSV): visits, petitions, cases, directives, inspections.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(KINDS), required=True, help="What the file holds.")
@click.option("--agency", "agency_code", required=True, help="Code of the agency whose register it is.")
@click.option("--user", "user_email", default=None,
              help="E-mail of the staff account doing the import (default officer of visits, author of events).")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@with_appcontext
def import_register(file: Path, kind: str, agency_code: str, user_email: str | None, dry_run: bool) -> None:
    """Validate every row; if none is wrong (and not --dry-run), write them all in one transaction."""
    from app.agencies.models import Agency
    from app.auth.models import User
    from app.imports.services import run_import

    agency = db.session.scalars(select(Agency).where(func.upper(Agency.code) == agency_code.upper())).first()
    if agency is None:
        raise click.ClickException(f"Không có cơ quan mã “{agency_code}”.")
    user = None
    if user_email:
        user = db.session.scalars(select(User).where(func.lower(User.email) == user_email.lower())).first()
        if user is None or user.agency_id != agency.id:
            raise click.ClickException(f"Không có tài khoản “{user_email}” trong cơ quan {agency.code}.")
    try:
        result = run_import(file.read_bytes(), kind=kind, file_name=file.name, agency=agency, user=user,
                            dry_run=dry_run)
    except IntegrityError as exc:  # the same rows imported at the same moment by someone else
        db.session.rollback()
        raise click.ClickException("Tệp vừa được nhập bởi một lượt khác; hãy chạy lại để xem kết quả.") from exc
    for notice in result.notices:
        click.echo(f"Lưu ý: {notice}")
    if result.errors:
        db.session.rollback()
        for error in result.errors:
            where = f"Dòng {error.row}" if error.row else "Tệp"
            column = f", cột {error.column}" if error.column else ""
            click.echo(f"{where}{column}: {error.message}", err=True)
        click.echo(f"{len(result.errors)} lỗi trong {result.rows_total} dòng: không nhập gì.", err=True)
        raise SystemExit(1)
    if dry_run:
        db.session.rollback()
        click.echo(f"Kiểm tra xong {result.rows_total} dòng: {result.to_create} dòng sẽ được nhập, "
                   f"{result.skipped} dòng đã nhập trước đây sẽ bỏ qua (chưa ghi gì).")
        return
    try:
        db.session.commit()
    except IntegrityError as exc:  # the same rows imported at the same moment by someone else
        db.session.rollback()
        raise click.ClickException("Tệp vừa được nhập bởi một lượt khác; hãy chạy lại để xem kết quả.") from exc
    batch = f" (lô {result.batch.id})" if result.batch is not None else ""
    click.echo(f"Đã nhập {result.to_create} dòng{batch}; {result.skipped} dòng đã nhập trước đây được bỏ qua.")
