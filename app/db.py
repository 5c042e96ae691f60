"""Declarative base, metadata naming convention, and column types shared by every model.

Timestamps are stored as timezone-aware UTC. SQLite drops the offset, so `UTCDateTime`
puts it back on the way out; the UI converts to Asia/Ho_Chi_Minh when it shows them.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime (called per row, never at import)."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A DateTime that always round-trips as aware UTC, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    """Base class of every model."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    """created_at / updated_at in UTC, set by the application at flush time."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now()
    )


def enum_check(column: str, values) -> str:
    """SQL text of a CHECK constraint restricting a string column to the given values."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


SQLITE_BUSY_TIMEOUT_MS = 15000


def configure_sqlite_connection(dbapi_connection) -> None:
    """Set WAL, synchronous=NORMAL, a busy timeout and foreign keys on a new SQLite connection.

    The busy timeout is set *first*, and the journal mode is only switched when it is not
    already WAL (WAL persists in the file): several gunicorn workers starting at once used
    to fail with "database is locked" when each switched the journal mode unconditionally.
    Switching still needs an exclusive lock, so a locked switch is retried briefly.
    """
    import sqlite3
    import time

    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0].lower()
        if mode not in ("wal", "memory"):
            deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
            while True:
                try:
                    cursor.execute("PRAGMA journal_mode = WAL")
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()
