"""Create and restore a backup archive.

The archive (`backup-YYYYmmddTHHMMSSZ.tar.gz`) holds, in this order:

- `database.sqlite3` (SQLite, made with the online backup API: a consistent copy while the site
  runs) or `database.pgdump` (PostgreSQL, `pg_dump --format=custom` of an exported snapshot);
- `uploads/ab/abcdef…`: every file stored under UPLOAD_ROOT (app.storage.files);
- `manifest.json`: when and from what it was made, the alembic revision, the number of
  petitions, cases, attachments… in the dump, and the SHA-256 and size of every other member.

The database is dumped first and the files copied after: every file is written before the row
that names it is committed, so every file the dump names is already on disk when the copy starts.

Restore goes only into an empty database and an empty upload root (unless forced), checks every
checksum before it writes anything, then loads the dump and puts the files in place.
The identity key (IDENTITY_KEY) is not in the archive: keep it safe, and apart (docs/reliability.md).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url

from app.storage.references import STORED_FILE_COLUMNS, stored_files

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
UPLOADS = "uploads"
# Tables counted in the manifest (and compared after a restore).
COUNTED_TABLES = ("petitions", "petitioners", "attachments", "cases", "visits", "people", "events",
                  "staged_uploads")
_KEY_RE = re.compile(r"^[0-9a-f]{2}/[0-9a-zA-Z]+$")
_CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class BackupResult:
    """The archive written and what it holds."""

    path: Path
    manifest: dict
    missing_files: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    """What was restored, and any difference found when checking the restored data."""

    manifest: dict
    counts: dict[str, int]
    files: int
    problems: list[str] = field(default_factory=list)


# --- helpers ----------------------------------------------------------------------------------

def backend_of(database_url: str) -> str:
    """"sqlite" or "postgresql" (anything else is refused)."""
    name = make_url(database_url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {name!r}.")
    return name


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite URL (an in-memory database cannot be backed up or restored)."""
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database has no file to back up or restore into.")
    return Path(database)


def libpq_target(database_url: str) -> tuple[str, dict[str, str]]:
    """The libpq URL of a SQLAlchemy URL (`postgresql+psycopg://…` → `postgresql://…`) and the
    environment for pg_dump / pg_restore. The password goes through PGPASSWORD, not the command
    line, where any local user could read it."""
    url: URL = make_url(database_url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                       query=url.query)
    return plain.render_as_string(hide_password=False), env


def _tool_major(tool: str) -> int:
    """The major version of pg_dump / pg_restore on PATH."""
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client).")
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    if not match:
        raise BackupError(f"Cannot read the version of {tool}: {out.strip()!r}")
    return int(match.group(1))


def check_pg_tools(engine, tool: str = "pg_dump") -> tuple[int, int]:
    """(tool major, server major); refuse a pg_dump older than the server (it would refuse too,
    with a less clear message)."""
    tool_major = _tool_major(tool)
    with engine.connect() as conn:
        server_major = int(conn.execute(text("SHOW server_version_num")).scalar()) // 10000
    if tool_major < server_major:
        raise BackupError(f"{tool} {tool_major} is older than the PostgreSQL server ({server_major}); "
                          f"install postgresql-client-{server_major}.")
    return tool_major, server_major


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """A file wrapper that hashes what tarfile reads from it (one pass over each file)."""

    def __init__(self, fh):
        self._fh = fh
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self.digest.update(data)
        return data


def _snapshot_facts(conn) -> tuple[dict[str, int], set[str], str | None]:
    """Row counts, storage keys named, and the alembic revision, as seen by this connection."""
    tables = set(inspect(conn).get_table_names())
    counts = {t: int(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar())
              for t in COUNTED_TABLES if t in tables}
    keys: set[str] = set()
    for table, column in STORED_FILE_COLUMNS:
        if table in tables:
            keys.update(conn.execute(text(f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'))
                        .scalars())
    revision = None
    if "alembic_version" in tables:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return counts, keys, revision


# --- create -----------------------------------------------------------------------------------

def _dump_sqlite(database_url: str, out: Path) -> tuple[dict[str, int], set[str], str | None]:
    """Copy the live SQLite database with the online backup API into a single self-contained file."""
    source_path = sqlite_path(database_url)
    if not source_path.exists():
        raise BackupError(f"SQLite database {source_path} does not exist.")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(out)
    try:
        source.execute("PRAGMA busy_timeout = 15000")
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
        target.commit()
    finally:
        source.close()
        target.close()
    engine = create_engine(f"sqlite:///{out}")
    try:
        with engine.connect() as conn:
            return _snapshot_facts(conn)
    finally:
        engine.dispose()


def _dump_postgresql(database_url: str, out: Path) -> tuple[dict[str, int], set[str], str | None, dict]:
    """pg_dump of an exported snapshot; counts and keys read in the same snapshot."""
    engine = create_engine(database_url)
    try:
        tool_major, server_major = check_pg_tools(engine, "pg_dump")
        target, env = libpq_target(database_url)
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
                proc = subprocess.run(
                    [shutil.which("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={out}",
                     f"--dbname={target}"],
                    env=env, capture_output=True, text=True)
                if proc.returncode != 0:
                    raise BackupError(f"pg_dump failed: {proc.stderr.strip()}")
                counts, keys, revision = _snapshot_facts(conn)
    finally:
        engine.dispose()
    return counts, keys, revision, {"pg_dump": tool_major, "server": server_major}


def create_backup(database_url: str, upload_root: str | Path, out_dir: str | Path,
                  *, now: datetime | None = None) -> BackupResult:
    """Write one archive into out_dir (mode 0600: it holds personal data) and return it."""
    backend = backend_of(database_url)
    upload_root = Path(upload_root)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(timezone.utc)
    name = f"backup-{now.strftime('%Y%m%dT%H%M%SZ')}.tar.gz"
    final = out_dir / name
    if final.exists():
        raise BackupError(f"{final} already exists.")
    members: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".backup-") as tmp:
        tmp = Path(tmp)
        versions = {}
        if backend == "sqlite":
            db_member = SQLITE_MEMBER
            counts, keys, revision = _dump_sqlite(database_url, tmp / db_member)
        else:
            db_member = PG_MEMBER
            counts, keys, revision, versions = _dump_postgresql(database_url, tmp / db_member)
        part = tmp / (name + ".part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            db_path = tmp / db_member
            members[db_member] = {"sha256": _sha256_file(db_path), "size": db_path.stat().st_size}
            tar.add(db_path, arcname=db_member, recursive=False)
            present: set[str] = set()
            for path in sorted(stored_files(upload_root)):
                if path.suffix == ".part":
                    continue  # an interrupted write, never referenced
                arcname = f"{UPLOADS}/{path.parent.name}/{path.name}"
                info = tar.gettarinfo(str(path), arcname=arcname)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                with open(path, "rb") as fh:
                    reader = _HashingReader(fh)
                    tar.addfile(info, reader)
                members[arcname] = {"sha256": reader.digest.hexdigest(), "size": info.size}
                present.add(path.name)
            missing = sorted(keys - present)
            manifest = {
                "format": FORMAT,
                "created_at": now.isoformat(),
                "backend": backend,
                "alembic_revision": revision,
                "host": platform.node(),
                "tools": versions,
                "counts": counts,
                "files": len(present),
                "missing_files": missing,
                "members": members,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(now.timestamp())
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(part, final)
    return BackupResult(final, manifest, missing)


# --- restore ----------------------------------------------------------------------------------

def read_manifest(archive: str | Path) -> dict:
    """The manifest of an archive (BackupError if it is not one of ours)."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.getmember(MANIFEST)
            manifest = json.load(tar.extractfile(member))
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as exc:
        raise BackupError(f"{archive} is not a readable backup archive: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: unknown archive format {manifest.get('format')!r}.")
    return manifest


def _safe_member_name(name: str) -> bool:
    """Only the names a backup writes: the dump, the manifest, `uploads/ab/key`."""
    if name in (SQLITE_MEMBER, PG_MEMBER, MANIFEST):
        return True
    path = PurePosixPath(name)
    return (len(path.parts) == 3 and path.parts[0] == UPLOADS and ".." not in path.parts
            and _KEY_RE.match("/".join(path.parts[1:])) is not None and path.parts[2].startswith(path.parts[1]))


def _extract_verified(archive: Path, manifest: dict, staging: Path) -> None:
    """Extract every member into staging, checking names, types and checksums against the manifest."""
    expected = manifest["members"]
    seen = set()
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            if not _safe_member_name(member.name) or not member.isfile():
                raise BackupError(f"Unexpected member {member.name!r} in the archive: refusing to restore it.")
            if member.name not in expected:
                raise BackupError(f"Member {member.name!r} is not listed in the manifest.")
            target = staging / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with tar.extractfile(member) as src, open(target, "wb") as dst:
                for chunk in iter(lambda: src.read(_CHUNK), b""):
                    digest.update(chunk)
                    dst.write(chunk)
            if digest.hexdigest() != expected[member.name]["sha256"]:
                raise BackupError(f"Checksum mismatch for {member.name}: the archive is damaged.")
            seen.add(member.name)
    missing = set(expected) - seen
    if missing:
        raise BackupError(f"The archive lacks {len(missing)} member(s) listed in its manifest, "
                          f"e.g. {sorted(missing)[0]}.")


def database_tables(database_url: str) -> list[str]:
    """The tables already in the target database (empty list: an empty database)."""
    if backend_of(database_url) == "sqlite":
        path = sqlite_path(database_url)
        if not path.exists() or path.stat().st_size == 0:
            return []
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return sorted(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def _restore_sqlite(database_url: str, dump: Path) -> None:
    """Put the dumped file in place of the target (atomic rename); stale -wal/-shm files go first."""
    target = sqlite_path(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".restore-part")
    shutil.copyfile(dump, tmp)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(tmp, target)


def _restore_postgresql(database_url: str, dump: Path, *, clean: bool) -> None:
    """pg_restore into the target database (objects owned by the connecting user)."""
    engine = create_engine(database_url)
    try:
        check_pg_tools(engine, "pg_restore")
    finally:
        engine.dispose()
    target, env = libpq_target(database_url)
    command = [shutil.which("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
               "--single-transaction", f"--dbname={target}"]
    if clean:
        command[1:1] = ["--clean", "--if-exists"]
    proc = subprocess.run(command + [str(dump)], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BackupError(f"pg_restore failed: {proc.stderr.strip()}")


def restore_backup(archive: str | Path, database_url: str, upload_root: str | Path,
                   *, force: bool = False) -> RestoreResult:
    """Restore an archive into an empty database and upload root; check the result against the manifest."""
    archive = Path(archive)
    backend = backend_of(database_url)
    manifest = read_manifest(archive)
    if manifest["backend"] != backend:
        raise BackupError(f"The archive holds a {manifest['backend']} database; the target is {backend}. "
                          "Restore into the same kind of database.")
    tables = database_tables(database_url)
    if tables and not force:
        raise BackupError(f"The target database is not empty ({len(tables)} tables, e.g. {tables[0]}). "
                          "Restore only into an empty database, or pass --force to replace its contents.")
    upload_root = Path(upload_root)
    existing = [p for p in stored_files(upload_root)]
    if existing and not force:
        raise BackupError(f"The upload root {upload_root} already holds {len(existing)} stored files. "
                          "Restore into an empty upload root, or pass --force to add the archive's files to it.")
    upload_root.mkdir(parents=True, exist_ok=True)
    # Staging beside the upload root: the final moves are renames on the same file system.
    with tempfile.TemporaryDirectory(dir=upload_root.parent, prefix=".restore-") as tmp:
        staging = Path(tmp)
        _extract_verified(archive, manifest, staging)  # nothing is written to the targets before this
        if backend == "sqlite":
            _restore_sqlite(database_url, staging / SQLITE_MEMBER)
        else:
            _restore_postgresql(database_url, staging / PG_MEMBER, clean=bool(tables))
        restored = 0
        uploads = staging / UPLOADS
        if uploads.is_dir():
            for sub in sorted(uploads.iterdir()):
                (upload_root / sub.name).mkdir(exist_ok=True)
                for path in sorted(sub.iterdir()):
                    os.replace(path, upload_root / sub.name / path.name)
                    restored += 1
    return RestoreResult(manifest, *_check_restored(database_url, upload_root, manifest, restored))


def _check_restored(database_url: str, upload_root: Path, manifest: dict, restored: int):
    """Counts in the restored database, and every difference from the manifest."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            counts, keys, revision = _snapshot_facts(conn)
    finally:
        engine.dispose()
    problems = []
    for table, expected in manifest["counts"].items():
        if counts.get(table) != expected:
            problems.append(f"{table}: {counts.get(table)} rows restored, {expected} in the archive")
    if revision != manifest.get("alembic_revision"):
        problems.append(f"alembic revision {revision}, archive says {manifest.get('alembic_revision')}")
    missing = sorted(k for k in keys if not (upload_root / k[:2] / k).is_file())
    known_missing = set(manifest.get("missing_files") or [])
    unexpected = [k for k in missing if k not in known_missing]
    if unexpected:
        problems.append(f"{len(unexpected)} referenced files are missing after the restore, e.g. {unexpected[0]}")
    return counts, restored, problems
