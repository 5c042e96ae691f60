"""Which table columns hold storage keys, and the sweep of stored files that nothing refers to.

Every stored file (app.storage.files) is written *before* the row that names it is committed,
so a crash between the two leaves a file without a row. Such an orphan is never served (no
row leads to it) but it is personal data kept for nothing: `flask storage sweep` removes the
ones older than a safety margin — never a file that any column below names.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select, union_all

from app.extensions import db

# (table, column) of every column that names a file under UPLOAD_ROOT. A new column that stores
# a key must be added here: tests/reliability/test_sweep.py fails if a *_key column is missing.
STORED_FILE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("attachments", "storage_key"),
    ("staged_uploads", "storage_key"),
    ("visits", "recording_key"),
    ("cases", "decision_file_key"),
)


def referenced_keys() -> set[str]:
    """Every storage key that some row names (one UNION query)."""
    tables = db.metadata.tables
    selects = [select(tables[t].c[c].label("key")).where(tables[t].c[c].is_not(None))
               for t, c in STORED_FILE_COLUMNS]
    return set(db.session.scalars(union_all(*selects)))


def stored_files(root: Path) -> list[Path]:
    """Files under the upload root in the layout of app.storage.files (`ab/abcdef…`), and `.part` leftovers."""
    if not root.is_dir():
        return []
    out = []
    for sub in root.iterdir():
        if not sub.is_dir() or len(sub.name) != 2:
            continue
        for path in sub.iterdir():
            if path.is_file() and not path.is_symlink():
                out.append(path)
    return out


@dataclass
class SweepResult:
    """What the sweep removed (paths relative to the upload root) and what it kept."""

    removed: list[str] = field(default_factory=list)
    kept_young: int = 0
    referenced: int = 0


def sweep_orphans(min_age_hours: float, *, now: float | None = None) -> SweepResult:
    """Remove stored files older than `min_age_hours` that no row names.

    The files are listed first and the references read after: a file whose row is committed
    in between is seen as referenced. The age margin covers a request still between writing
    its files and committing its row.
    """
    root = Path(current_app.config["UPLOAD_ROOT"])
    now = now if now is not None else time.time()
    cutoff = now - min_age_hours * 3600
    result = SweepResult()
    candidates = []
    for path in stored_files(root):
        try:
            if path.stat().st_mtime > cutoff:
                result.kept_young += 1
                continue
        except FileNotFoundError:
            continue
        candidates.append(path)
    keys = referenced_keys()
    for path in candidates:
        # An interrupted atomic write leaves `<key>.part`: never referenced, always garbage.
        if path.suffix != ".part" and path.name in keys:
            result.referenced += 1
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        result.removed.append(str(path.relative_to(root)))
    return result
