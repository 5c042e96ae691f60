"""Reference data kept in each process: read on almost every public request, changed a few times a year.

The public form needs the provinces, the communes of one province and the agencies that take
petitions; every due date needs the installation's calendar overrides; every page names the site's
agency. Loading them from the database on each request was most of a submission's queries
(bench/run.py). Here they are kept per application object, as plain values (never ORM objects, which
belong to one session):

- a change made through this process is seen at once: a flush that adds, changes or deletes a row
  of a watched table clears the entries read from that table, and so does a rollback;
- a change made by another process (another gunicorn worker, a CLI command) is seen after at most
  `REFDATA_CACHE_SECONDS` (60 by default; 0 turns the cache off).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

_EXTENSION = "refcache"


class RefCache:
    """Entries by key; each remembers the tables it was read from and when."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._entries: dict[Any, tuple[float, frozenset[str], Any]] = {}
        self._lock = threading.Lock()

    def get(self, key, tables: tuple[str, ...], load: Callable[[], Any]):
        if self.seconds <= 0:
            return load()
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and now - entry[0] < self.seconds:
            return entry[2]
        value = load()
        with self._lock:
            self._entries[key] = (now, frozenset(tables), value)
        return value

    def forget(self, tables: set[str] | None = None) -> None:
        """Drop the entries read from any of `tables` (all entries when None)."""
        with self._lock:
            if tables is None:
                self._entries.clear()
            else:
                for key in [k for k, (_, read, _v) in self._entries.items() if read & tables]:
                    del self._entries[key]


def init_app(app) -> None:
    app.extensions[_EXTENSION] = RefCache(float(app.config.get("REFDATA_CACHE_SECONDS", 60)))


def cached(key, tables: tuple[str, ...], load: Callable[[], Any]):
    """The value of `load()`, kept for this application until one of `tables` changes."""
    cache = current_app.extensions.get(_EXTENSION)
    return load() if cache is None else cache.get(key, tables, load)


def forget_reference_data(tables: set[str] | None = None) -> None:
    """Drop what this process keeps from `tables` (everything when None)."""
    cache = _cache_or_none()
    if cache is not None:
        cache.forget(tables)


def _cache_or_none() -> RefCache | None:
    try:
        return current_app.extensions.get(_EXTENSION)
    except RuntimeError:  # no application context (a script working on the database directly)
        return None


@event.listens_for(Session, "after_flush")
def _forget_flushed(session, _flush_context) -> None:
    cache = _cache_or_none()
    if cache is None or not cache._entries:
        return
    tables = {getattr(obj, "__tablename__", None) for obj in (*session.new, *session.dirty, *session.deleted)}
    tables.discard(None)
    if tables:
        cache.forget(tables)


@event.listens_for(Session, "do_orm_execute")
def _forget_bulk(state) -> None:
    """`session.execute(update(...))` and the like change rows without a flush."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    cache = _cache_or_none()
    table = getattr(state.statement, "table", None)
    if cache is not None and table is not None:
        cache.forget({table.name})


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session, _previous_transaction) -> None:
    """What was read inside a transaction that is undone may be gone: read again."""
    cache = _cache_or_none()
    if cache is not None and cache._entries:
        cache.forget()
