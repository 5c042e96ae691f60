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


# One round trip for both counters of a public POST: the attempt (always kept) and the reserved
# submission (given back unless a record is made). 0: refused, nothing held; 1: go on.
_HIT_LUA = """
local attempts = redis.call('incr', KEYS[1])
if attempts == 1 then redis.call('expire', KEYS[1], ARGV[2]) end
if attempts > tonumber(ARGV[1]) then return 0 end
local reserved = redis.call('incr', KEYS[2])
if reserved == 1 then redis.call('expire', KEYS[2], ARGV[4]) end
if reserved > tonumber(ARGV[3]) then redis.call('decr', KEYS[2]) return 0 end
return 1
"""


_scripts: dict[int, object] = {}  # the registered script, per Redis client


def _hit(storage, attempts_item, attempts_ids, item, ids) -> bool:
    """Count the attempt and reserve a submission; False (nothing reserved) when either is used up."""
    if isinstance(storage, RedisStorage):
        connection = storage.get_connection()
        script = _scripts.get(id(connection))
        if script is None:
            script = _scripts[id(connection)] = connection.register_script(_HIT_LUA)
        keys = [storage.prefixed_key(attempts_item.key_for(*attempts_ids)), storage.prefixed_key(item.key_for(*ids))]
        return script(keys=keys, args=[attempts_item.amount, attempts_item.get_expiry(), item.amount,
                                       item.get_expiry()], client=connection) == 1
    limiter_ = FixedWindowRateLimiter(storage)
    if not limiter_.hit(attempts_item, *attempts_ids):
        return False
    if not limiter_.hit(item, *ids):
        _refund(storage, item.key_for(*ids))  # the refused attempt must not hold a place either
        return False
    return True


def submission_limit(limit_value: Callable[[], str], *, counted_status: tuple[int, ...] = (302,),
                     scope: str | None = None, attempts: Callable[[], str] | None = None):
    """Decorate a public form view: at most `limit_value()` successful POSTs per IP, and at most
    `attempts()` POSTs of any outcome (RATELIMIT_ATTEMPTS, "60 per hour": a script trying every
    wrong input still stops).

    A POST that ends in a redirect counts; a form shown again with its errors (4xx), a refusal
    and a crash give their place back, so a citizen correcting mistakes is never locked out.
    `counted_status` are the answers that count (the JSON API's 201); views given the same
    `scope` share one counter (the API's intake counts with the form's), else each its endpoint.
    Both counters are kept in one round trip to Redis.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if request.method != "POST" or not limiter.enabled:
                return view(*args, **kwargs)
            item = parse(limit_value())
            attempts_item = parse(attempts() if attempts else current_app.config["RATELIMIT_ATTEMPTS"])
            prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
            address = get_remote_address()
            identifiers = [p for p in (prefix, "submit", scope or request.endpoint or "", address) if p]
            attempt_ids = [p for p in (prefix, "attempt", request.endpoint or "", address) if p]
            storage = limiter.storage
            key = item.key_for(*identifiers)
            if not _hit(storage, attempts_item, attempt_ids, item, identifiers):
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
