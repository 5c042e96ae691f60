"""The per-IP limit on public submissions, exact across every worker.

Flask-Limiter's `deduct_when` tests the counter before the request and adds to it afterwards:
two workers serving the same IP at the same moment can both pass the test and both create a
record, so `RATELIMIT_SUBMIT = "5 per minute"` lets six or seven through. Here a submission
*reserves* its place first, with one atomic increment in the shared storage (Redis when
`REDIS_URL` is set), and gives it back unless the view answered with a redirect (a record was
made). The counter therefore always equals the submissions made plus those still in flight,
whatever the number of workers (tests/functional/test_rate_limit_workers.py).

The counter lives in Flask-Limiter's storage, under Flask-Limiter's key prefix, so
`limiter.reset()` and `RATELIMIT_ENABLED = False` apply to it as to the other limits.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort, current_app, request
from flask_limiter.util import get_remote_address
from limits import parse
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter

from app.extensions import limiter

# Give a place back only while its window still exists: a refund that arrived after the window
# expired would otherwise start the next window below zero.
_REFUND_LUA = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('decrby', KEYS[1], 1) end return 0"


def _refund(storage, key: str) -> None:
    """Take one back from the counter at `key`, never creating it."""
    if isinstance(storage, RedisStorage):
        storage.get_connection().eval(_REFUND_LUA, 1, storage.prefixed_key(key))
    elif hasattr(storage, "decr"):
        storage.decr(key)  # the memory storage: clamps at zero, expired keys are gone
    else:  # pragma: no cover - other storages are not configured here
        storage.incr(key, 1, amount=-1)


def submission_limit(limit_value: Callable[[], str], *, counted_status: tuple[int, ...] = (302,),
                     scope: str | None = None):
    """Decorate a public form view: at most `limit_value()` successful POSTs per IP.

    A POST that ends in a redirect counts; a form shown again with its errors (4xx), a refusal
    and a crash give their place back, so a citizen correcting mistakes is never locked out.
    `counted_status` are the answers that count (the JSON API's 201); views given the same
    `scope` share one counter (the API's intake counts with the form's), else each its endpoint.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if request.method != "POST" or not limiter.enabled:
                return view(*args, **kwargs)
            item = parse(limit_value())
            prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
            identifiers = [p for p in (prefix, "submit", scope or request.endpoint or "", get_remote_address()) if p]
            storage = limiter.storage
            key = item.key_for(*identifiers)
            if not FixedWindowRateLimiter(storage).hit(item, *identifiers):
                _refund(storage, key)  # the refused attempt must not hold a place either
                abort(429)
            counted = False
            try:
                response = current_app.make_response(view(*args, **kwargs))
                counted = response.status_code in counted_status
                return response
            finally:
                if not counted:
                    _refund(storage, key)

        return wrapped

    return decorator
