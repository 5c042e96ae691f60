"""The hash chain of the audit log: the canonical form of a line, its hash, and the check.

A line's hash is SHA-256 over a JSON array of its fields (time in UTC to the microsecond, actor,
IP, action, subject, detail as stored) and the previous line's hash; the first line's previous
hash is GENESIS. The id is not hashed: a line's place is told by the chain, and ids are given
without gaps (the last id + 1), so a gap is a deleted line. `verify()` walks the lines in id
order and stops at the first one that does not fit, saying why.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timezone

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db

GENESIS = "0" * 64
FORMAT = 1  # bump if the canonical form ever changes (and hash the older lines with the older form)

# Why a line does not fit (codes; the command and the page put them in words).
EDITED = "edited"          # its fields no longer give its hash
DELETED = "deleted"        # lines before it are missing (a gap in the ids)
REORDERED = "reordered"    # it follows a line other than the one it was written after
CHAIN = "chain"            # it was written after a line that is no longer there as it was (rewritten)


def canonical_detail(detail: dict | None) -> str:
    """The detail as stored: JSON with sorted keys and no spaces, so that it hashes the same anywhere."""
    return json.dumps(detail or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_prefix(*, at, actor_user_id, actor_label, ip, action, subject_type, subject_id, detail: str) -> str:
    """A line's canonical form up to its last element, the previous hash: `[1,"…",…,"{…}",`.

    The whole form is this prefix + `"<previous hash>"]` (a hex string needs no escaping), so the
    PostgreSQL appender (migration 0019) can finish and hash it once it holds the lock.
    """
    stamp = at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps([FORMAT, stamp, actor_user_id, actor_label, ip, action, subject_type, subject_id, detail],
                      ensure_ascii=False, separators=(",", ":"))[:-1] + ","


def chained_hash(prefix: str, prev_hash: str) -> str:
    """SHA-256 (hex) of a line's canonical form, from its prefix and the previous line's hash."""
    return hashlib.sha256(f'{prefix}"{prev_hash}"]'.encode("utf-8")).hexdigest()


def entry_hash(*, at, actor_user_id, actor_label, ip, action, subject_type, subject_id, detail: str,
               prev_hash: str) -> str:
    """SHA-256 (hex) of one line's canonical form: the JSON array of its fields and `prev_hash`."""
    return chained_hash(entry_prefix(at=at, actor_user_id=actor_user_id, actor_label=actor_label, ip=ip,
                                     action=action, subject_type=subject_type, subject_id=subject_id,
                                     detail=detail), prev_hash)


def prefix_of(entry: AuditEntry) -> str:
    """`entry_prefix` of a line."""
    return entry_prefix(at=entry.at, actor_user_id=entry.actor_user_id, actor_label=entry.actor_label, ip=entry.ip,
                        action=entry.action, subject_type=entry.subject_type, subject_id=entry.subject_id,
                        detail=entry.detail)


def hash_of(entry: AuditEntry) -> str:
    """The hash a stored line should carry, recomputed from its fields."""
    return entry_hash(at=entry.at, actor_user_id=entry.actor_user_id, actor_label=entry.actor_label, ip=entry.ip,
                      action=entry.action, subject_type=entry.subject_type, subject_id=entry.subject_id,
                      detail=entry.detail, prev_hash=entry.prev_hash)


@dataclass
class Verdict:
    """The result of a check: ok, how many lines, the last one; or the first broken line and why."""

    ok: bool
    count: int
    head_id: int | None = None
    head_hash: str | None = None
    broken_id: int | None = None
    reason: str | None = None
    missing: tuple[int, int] | None = None  # DELETED: the ids missing, first and last
    follows: int | None = None              # REORDERED: the id of the line it was written after


def _line_with_hash(value: str) -> int | None:
    return db.session.scalars(select(AuditEntry.id).where(AuditEntry.hash == value)).first()


def verify(batch: int = 1000) -> Verdict:
    """Walk the whole log in id order; the first line that does not fit ends the walk."""
    count, last = 0, None
    expected_id, expected_prev = 1, GENESIS
    stmt = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch)
    for entry in db.session.scalars(stmt):
        broken = dict(ok=False, count=count, broken_id=entry.id)
        if hash_of(entry) != entry.hash:
            return Verdict(reason=EDITED, **broken)
        if entry.prev_hash != expected_prev:
            follows = _line_with_hash(entry.prev_hash)
            if follows is not None and follows != entry.id:
                return Verdict(reason=REORDERED, follows=follows, **broken)
            if entry.prev_hash == GENESIS:  # a first line that is not first
                return Verdict(reason=REORDERED, **broken)
            if entry.id != expected_id:
                return Verdict(reason=DELETED, missing=(expected_id, entry.id - 1), **broken)
            return Verdict(reason=CHAIN, **broken)
        if entry.id != expected_id:  # the chain fits but ids were taken out: renumbered lines
            return Verdict(reason=DELETED, missing=(expected_id, entry.id - 1), **broken)
        count += 1
        last = entry
        expected_id, expected_prev = entry.id + 1, entry.hash
    return Verdict(True, count, head_id=last.id if last else None, head_hash=last.hash if last else None)
