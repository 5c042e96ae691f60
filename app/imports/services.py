"""Import a register file: read it, validate every row, then write all of it or nothing.

The steps (`run_import`): read the table (app.imports.reader); match the header row to the
kind's columns (app.imports.spec); read each cell; give each row its key, the SHA-256 of its
normalised values; set aside the rows whose key the agency already imported (skipped); check
the others against the rules of their kind and against each other (app.imports.kinds). Any
error: nothing is written, and the report lists row, column and what is wrong. Otherwise one
`ImportBatch`, the records, and one `ImportedRow` per record, all flushed in the caller's
transaction — the view or the CLI commits once, or rolls back. A dry run stops before writing.

Also here: the staged copy of an uploaded file between the check and the confirmation, kept
under the upload root by agency and SHA-256, and the list of past batches.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from app.agencies.models import Agency
from app.audit.services import record_event
from app.db import utcnow
from app.extensions import db
from app.formatting import to_local
from app.imports import kinds
from app.imports.models import ImportBatch, ImportedRow
from app.imports.reader import ImportFileError, read_table
from app.imports.spec import SPECS, CellError, KindSpec, header_key, key_value, parse_cell
from app.petitions.queries import Page

PREVIEW_ROWS = 20


@dataclass
class RowError:
    """What is wrong, where: the row as Excel numbers it (0: the file as a whole) and the column."""

    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    """What an import found (dry run or check) or did (batch set)."""

    kind: str
    file_name: str
    sha256: str
    dry_run: bool
    rows_total: int = 0
    to_create: int = 0
    skipped_rows: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    preview: list[tuple[int, dict]] = field(default_factory=list)
    batch: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def skipped(self) -> int:
        return len(self.skipped_rows)


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


def row_key(kind: str, spec: KindSpec, values: dict) -> str:
    """SHA-256 of the row's normalised values in column order: the same row from an .xlsx or a .csv,
    with other spacing, capitalisation of codes or date format, has the same key."""
    payload = [kind] + [key_value(values.get(c.key)) for c in spec.columns]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, default=str).encode()).hexdigest()


def _map_headers(spec: KindSpec, headers: list, header_row: int, result: ImportResult) -> dict[str, tuple[int, str]]:
    """Column key → (index, header as written). Missing required columns and repeated ones are errors."""
    by_key = {}
    for column in spec.columns:
        for name in (column.header, *column.aliases):
            by_key.setdefault(header_key(name), column)
    found: dict[str, tuple[int, str]] = {}
    for index, cell in enumerate(headers):
        text = str(cell).strip() if cell is not None else ""
        if not text:
            continue
        column = by_key.get(header_key(text))
        if column is None:
            result.notices.append(str(_l("Cột “%(h)s” (cột %(c)s) không thuộc mẫu, được bỏ qua.",
                                         h=text, c=get_column_letter(index + 1))))
            continue
        if column.key in found:
            result.errors.append(RowError(header_row, text, str(_l(
                "Cột “%(h)s” xuất hiện hai lần (cột %(a)s và %(b)s).", h=column.header,
                a=get_column_letter(found[column.key][0] + 1), b=get_column_letter(index + 1)))))
            continue
        found[column.key] = (index, text)
    for column in spec.columns:
        if column.required and column.key not in found:
            result.errors.append(RowError(header_row, column.header, str(_l("Thiếu cột bắt buộc “%(h)s”.",
                                                                            h=column.header))))
    return found


def run_import(data: bytes, *, kind: str, file_name: str, agency: Agency, user=None, dry_run: bool = False,
               now: datetime | None = None) -> ImportResult:
    """Validate the file as `kind` for `agency`; unless a dry run and when nothing is wrong, write it.

    `user` is who imports (None from the command line without --user): the officer of visits
    without an e-mail of their own, the author of events. Flushes, never commits."""
    spec = SPECS[kind]
    result = ImportResult(kind=kind, file_name=file_name, sha256=sha256_bytes(data), dry_run=dry_run)
    try:
        table = read_table(data, spec)
    except ImportFileError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result
    result.rows_total = len(table.rows)
    columns = _map_headers(spec, table.headers, table.header_row, result)
    if result.errors:
        return result
    if not table.rows:
        result.errors.append(RowError(table.header_row, "",
                                      str(_l("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))))
        return result

    now = now or utcnow()
    ctx = kinds.Context(agency=agency, user=user, now=now, today=to_local(now).date(),
                        labels={c.key: (columns[c.key][1] if c.key in columns else c.header) for c in spec.columns},
                        letters={k: get_column_letter(i + 1) for k, (i, _h) in columns.items()},
                        file_name=file_name)
    parsed: list[kinds.Row] = []
    for number, cells in table.rows:
        row = kinds.Row(number=number, values={})
        ok = True
        for column in spec.columns:
            raw = cells[columns[column.key][0]] if column.key in columns and columns[column.key][0] < len(cells) \
                else None
            try:
                value = parse_cell(column, raw)
            except CellError as exc:
                ctx.error(row, column.key, str(exc))
                ok = False
                continue
            if value is None and column.required:
                ctx.error(row, column.key, _l("Cột bắt buộc: chưa có giá trị."))
                ok = False
            row.values[column.key] = value
        if ok:
            row.key = row_key(kind, spec, row.values)
            parsed.append(row)

    already = _imported_keys(agency.id, kind, [r.key for r in parsed])
    first_seen: dict[str, int] = {}
    handler = kinds.HANDLERS[kind]
    new_rows: list[kinds.Row] = []
    for row in parsed:
        if row.key in first_seen:
            ctx.error(row, None, _l("Dòng này trùng hoàn toàn với dòng %(n)s.", n=first_seen[row.key]))
            continue
        first_seen[row.key] = row.number
        if row.key in already:
            result.skipped_rows.append(row.number)
            continue
        if handler.check(row, ctx):
            new_rows.append(row)
    problems = sorted(ctx.errors, key=lambda e: (e.row, e.order))
    result.errors.extend(RowError(e.row, e.column, e.message) for e in problems)
    result.to_create = len(new_rows)
    result.preview = [(r.number, r.values) for r in new_rows[:PREVIEW_ROWS]]
    if result.errors or dry_run or not new_rows:
        return result

    batch = ImportBatch(agency_id=agency.id, kind=kind, file_name=file_name[:255], sha256=result.sha256,
                        rows_total=result.rows_total, rows_created=len(new_rows), rows_skipped=result.skipped,
                        created_by_id=user.id if user is not None else None)
    db.session.add(batch)
    db.session.flush()
    ctx.batch = batch
    for row in sorted(new_rows, key=handler.sort_key):
        record_id = handler.write(row, ctx)
        db.session.add(ImportedRow(batch_id=batch.id, agency_id=agency.id, kind=kind, row_key=row.key,
                                   record_id=record_id))
    record_event("import_batch", batch.id, "imported", note=f"{kind}: {file_name[:200]} ({len(new_rows)})",
                 **ctx.actor())
    db.session.flush()
    result.batch = batch
    return result


def _imported_keys(agency_id: int, kind: str, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found.update(db.session.scalars(select(ImportedRow.row_key).where(
            ImportedRow.agency_id == agency_id, ImportedRow.kind == kind, ImportedRow.row_key.in_(chunk))))
    return found


# --- batches --------------------------------------------------------------------------------------

BATCH_PAGE_SIZE = 20


def batches_page(agency_id: int, page: int = 1) -> Page:
    """The agency's committed imports, newest first."""
    page = max(1, page)
    total = db.session.scalar(select(func.count(ImportBatch.id)).where(ImportBatch.agency_id == agency_id)) or 0
    items = list(db.session.scalars(
        select(ImportBatch).where(ImportBatch.agency_id == agency_id)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .limit(BATCH_PAGE_SIZE).offset((page - 1) * BATCH_PAGE_SIZE)))
    return Page(items=items, total=total, page=page, per_page=BATCH_PAGE_SIZE)


def get_batch(agency_id: int, batch_id: int) -> ImportBatch | None:
    """A batch of this agency, or None (the view answers 404)."""
    return db.session.scalars(select(ImportBatch).where(ImportBatch.id == batch_id,
                                                        ImportBatch.agency_id == agency_id)).first()


def author_names(batches: list[ImportBatch]) -> dict[int, str]:
    """Who made each batch (user id → name), for the lists."""
    from app.auth.models import User

    ids = {b.created_by_id for b in batches if b.created_by_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def batch_rows_page(batch: ImportBatch, page: int = 1, per_page: int = 50) -> Page:
    """The records a batch created, in the order they were written."""
    page = max(1, page)
    total = db.session.scalar(select(func.count(ImportedRow.id)).where(ImportedRow.batch_id == batch.id)) or 0
    items = list(db.session.scalars(select(ImportedRow).where(ImportedRow.batch_id == batch.id)
                                    .order_by(ImportedRow.id).limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total, page=page, per_page=per_page)


# --- staged uploads between the check and the confirmation -----------------------------------------

STAGE_TTL_SECONDS = 24 * 3600


def _stage_dir(agency_id: int) -> Path:
    path = Path(current_app.config["UPLOAD_ROOT"]) / "imports" / str(int(agency_id))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _is_sha(value: str | None) -> bool:
    return bool(value) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def stage_file(agency_id: int, data: bytes) -> str:
    """Keep the uploaded bytes for the agency under their SHA-256 (and drop stale ones); return the hash."""
    directory = _stage_dir(agency_id)
    cutoff = time.time() - STAGE_TTL_SECONDS
    for old in directory.glob("*.upload"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:
            pass
    sha = sha256_bytes(data)
    path = directory / f"{sha}.upload"
    tmp = directory / f"{sha}.part"
    tmp.write_bytes(data)
    tmp.replace(path)
    return sha


def load_staged(agency_id: int, sha: str) -> bytes | None:
    """The staged bytes with this hash for the agency, or None (unknown, expired, or altered)."""
    if not _is_sha(sha):
        return None
    path = _stage_dir(agency_id) / f"{sha}.upload"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return data if sha256_bytes(data) == sha else None


def discard_staged(agency_id: int, sha: str) -> None:
    """Remove a staged upload (after its import, or when the user cancels)."""
    if _is_sha(sha):
        (_stage_dir(agency_id) / f"{sha}.upload").unlink(missing_ok=True)
