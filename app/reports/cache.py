"""Computed report figures, kept for a few minutes so that a report opened again is not recomputed.

A nine-month report over a million petitions aggregates most of the table (about 0,7 s on
PostgreSQL, bench/run.py); a leader opens the summary, then each form, then the workbook, and
colleagues open the same period. The figures of one (form, agency, subtree, period) are kept for
`REPORT_CACHE_SECONDS` (300; 0 turns this off), in Redis when `REPORT_CACHE_REDIS_URL` is set
(production sets it to REDIS_URL, so every worker and server shares them) and in the process
otherwise. Every page says when its figures were computed, and "Tính lại" recomputes them at once
(`forget`): records entered since then appear only after that or after the time runs out.

Values are stored as JSON (numbers and Decimals), never pickled.
"""
from __future__ import annotations

import json
import threading
import time
from datetime import datetime
from decimal import Decimal

import redis
from flask import current_app

from app.db import utcnow

_PREFIX = "report-cache:"
_lock = threading.Lock()
_clients: dict[str, redis.Redis] = {}


def _local() -> dict[str, tuple[float, str]]:
    """The in-process store, one per application."""
    return current_app.extensions.setdefault("report_cache", {})


def _seconds() -> float:
    return float(current_app.config.get("REPORT_CACHE_SECONDS", 0))


def _client() -> redis.Redis | None:
    url = current_app.config.get("REPORT_CACHE_REDIS_URL")
    if not url:
        return None
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    return _clients[url]


def _encode(value) -> str:
    def default(obj):
        if isinstance(obj, Decimal):
            return {"$d": str(obj)}
        if isinstance(obj, datetime):
            return {"$t": obj.isoformat()}
        raise TypeError(type(obj))
    return json.dumps(value, default=default)


def _decode(text: str):
    def hook(obj):
        if "$d" in obj:
            return Decimal(obj["$d"])
        if "$t" in obj:
            return datetime.fromisoformat(obj["$t"])
        return obj
    return json.loads(text, object_hook=hook)


def _key(parts: tuple) -> str:
    return _PREFIX + current_app.config.get("RATELIMIT_KEY_PREFIX", "") + "|".join(str(p) for p in parts)


def _read(key: str) -> str | None:
    client = _client()
    if client is not None:
        try:
            found = client.get(key)
            return found.decode() if found is not None else None
        except redis.RedisError:
            current_app.logger.warning("report cache: Redis unavailable, computing")
            return None
    entry = _local().get(key)
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def _write(key: str, text: str, seconds: float) -> None:
    client = _client()
    if client is not None:
        try:
            client.set(key, text, ex=max(1, int(seconds)))
        except redis.RedisError:
            pass
        return
    with _lock:
        _local()[key] = (time.monotonic() + seconds, text)


def figures(parts: tuple, compute):
    """(value, computed_at): `compute()` or the copy kept from an earlier call with the same `parts`."""
    seconds = _seconds()
    if seconds <= 0:
        return compute(), utcnow()
    key = _key(parts)
    found = _read(key)
    if found is not None:
        data = _decode(found)
        return data["value"], data["at"]
    value, at = compute(), utcnow()
    _write(key, _encode({"value": value, "at": at}), seconds)
    return value, at


def forget(parts_prefix: tuple = ()) -> None:
    """Drop the kept figures whose key starts with `parts_prefix` (all of them by default)."""
    prefix = _key(parts_prefix)
    client = _client()
    if client is not None:
        try:
            for found in client.scan_iter(match=prefix.replace("*", r"\*") + "*", count=500):
                client.delete(found)
        except redis.RedisError:
            current_app.logger.warning("report cache: Redis unavailable, nothing forgotten")
        return
    store = _local()
    with _lock:
        for key in [k for k in store if k.startswith(prefix)]:
            del store[key]
