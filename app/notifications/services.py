"""Queue notices in the caller's transaction; deliver them later, each exactly once if possible.

`enqueue()` only flushes: the notice is committed — or rolled back — with the change it
reports. `deliver()` is the worker: it commits, so it never runs inside a request.

Why a message is never sent twice:
- a worker *claims* messages (pending → sending, with a random claim token) in one statement
  committed before anything is sent: two workers never hold the same message
  (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the UPDATE is atomic, writers are serialised);
- each message is marked sent, and committed, as soon as the server accepted it;
- a claim older than NOTIFY_CLAIM_TIMEOUT_SECONDS is taken to be a dead worker's and may be
  claimed again; the worker re-checks its token just before sending each message, so one that
  was only slow sends nothing it no longer holds.
The one window left is a crash between the server's acceptance and the commit: the message is
then sent again, with the same Message-ID.

Why a message is never lost: it is a row until it is marked sent; a failed attempt puts it back
to pending with an exponential backoff; after NOTIFY_MAX_ATTEMPTS it is marked failed (kept,
with the last error) and can be queued again with `requeue_failed()`.
"""
from __future__ import annotations

import logging
import re
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.db import utcnow
from app.extensions import db
from app.notifications.mail import PermanentFailure, Sender, SenderUnavailable, build_message, make_sender
from app.notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED = (s.value for s in OutboxStatus)
LAST_ERROR_MAX = 2000


class InvalidAddress(ValueError):
    """The address is not the shape of an e-mail address."""


@dataclass
class DeliveryReport:
    """What one `deliver()` pass did."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0  # failed this time, will be tried again later
    failed: int = 0  # given up: attempts used up, or refused for good
    skipped: int = 0  # the claim was taken over by another worker before sending
    errors: list[str] = field(default_factory=list)  # "#id: error", for the command line


# --- queueing ---------------------------------------------------------------------------------

def normalize_address(address: str | None) -> str | None:
    """The address, stripped and checked; None when empty. Raises InvalidAddress if malformed.

    Same rule as the forms (email-validator, no DNS look-up), so any address a citizen could
    enter is accepted; an internationalised domain is stored in its ASCII form.
    """
    address = (address or "").strip()
    if not address:
        return None
    if len(address) > 254:
        raise InvalidAddress("address longer than 254 characters")
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidAddress(f"not an e-mail address: {address!r} ({exc})") from exc
    return checked.ascii_email or checked.normalized


def enqueue(kind: str, to_address: str | None, subject: str, body: str, *,
            subject_type: str | None = None, subject_id: int | None = None,
            dedupe_key: str | None = None) -> OutboxMessage | None:
    """Queue one e-mail in the current transaction (flush, never commit).

    Returns the new row; None when nothing was queued: no address, or a message with the same
    dedupe_key already exists (committed, or earlier in this transaction). The insert uses
    ON CONFLICT DO NOTHING, so two requests queueing the same notice at once do not fail —
    the second simply queues nothing. Raises InvalidAddress for a malformed address, ValueError
    for an empty or over-long kind, subject or dedupe_key, or an empty body.
    """
    if not kind or len(kind) > 60:
        raise ValueError("kind must be 1 to 60 characters")
    if dedupe_key is not None and not 0 < len(dedupe_key) <= 200:
        raise ValueError("dedupe_key must be 1 to 200 characters")
    address = normalize_address(to_address)
    if address is None:
        return None
    # A header cannot hold a line break (and must not: header injection).
    subject = re.sub(r"\s+", " ", subject or "").strip()
    if not subject or len(subject) > 255:
        raise ValueError("subject must be 1 to 255 characters")
    if not body or not body.strip():
        raise ValueError("body must not be empty")
    now = utcnow()
    values = dict(kind=kind, to_address=address, subject=subject, body_text=body,
                  subject_type=subject_type, subject_id=subject_id, dedupe_key=dedupe_key,
                  status=PENDING, attempts=0, created_at=now, next_attempt_at=now)
    insert = pg_insert if _dialect() == "postgresql" else sqlite_insert
    db.session.flush()  # rows added to the session before us go first (and conflict first)
    new_id = db.session.execute(
        insert(OutboxMessage).values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    ).scalar_one_or_none()
    if new_id is None:
        log.info("outbox: %s already queued (dedupe_key=%s)", kind, dedupe_key)
        return None
    return db.session.get(OutboxMessage, new_id)


def requeue_failed(ids: list[int] | None = None, *, now: datetime | None = None) -> int:
    """Put failed messages (these ids, or all) back in the queue with fresh attempts; flush.

    For after a long outage or a fixed configuration. Returns how many were queued again.
    """
    now = now or utcnow()
    stmt = update(OutboxMessage).where(OutboxMessage.status == FAILED)
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    result = db.session.execute(
        stmt.values(status=PENDING, attempts=0, next_attempt_at=now, claimed_at=None, claim_token=None)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount


# --- delivery ---------------------------------------------------------------------------------

def retry_delay(attempts: int, config=None) -> timedelta:
    """Wait before the next attempt: NOTIFY_RETRY_BASE_SECONDS doubled per attempt, capped."""
    config = config or current_app.config
    base = int(config["NOTIFY_RETRY_BASE_SECONDS"])
    cap = int(config["NOTIFY_RETRY_MAX_SECONDS"])
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def claim_due(*, limit: int = 50, now: datetime | None = None) -> tuple[str, list[int]]:
    """Claim up to `limit` due messages for this worker and commit; return (token, ids).

    Due: pending with next_attempt_at <= now, or sending with a claim older than
    NOTIFY_CLAIM_TIMEOUT_SECONDS (its worker died). A stale claim that already used all the
    attempts is marked failed instead: a message that kills the worker is not tried forever.
    """
    now = now or utcnow()
    config = current_app.config
    max_attempts = int(config["NOTIFY_MAX_ATTEMPTS"])
    stale_before = now - timedelta(seconds=int(config["NOTIFY_CLAIM_TIMEOUT_SECONDS"]))
    m = OutboxMessage
    stale = and_(m.status == SENDING, m.claimed_at < stale_before)

    db.session.execute(
        update(m).where(stale, m.attempts >= max_attempts)
        .values(status=FAILED, claim_token=None,
                last_error=f"worker stopped while sending; gave up after {max_attempts} attempts")
        .execution_options(synchronize_session=False)
    )
    due = or_(and_(m.status == PENDING, m.next_attempt_at <= now), stale)
    candidates = select(m.id).where(due).order_by(m.id).limit(limit)
    if _dialect() == "postgresql":
        # Lock the rows until our commit; rows another worker is claiming right now are
        # skipped, not waited for.
        candidates = candidates.with_for_update(skip_locked=True)
    candidate_ids = db.session.scalars(candidates).all()
    if not candidate_ids:
        db.session.commit()
        return "", []
    token = uuid.uuid4().hex
    # Compare-and-set: the due condition is checked again on each row it updates, so a
    # message another worker claimed since our SELECT is not claimed twice (SQLite, where
    # writers are serialised; on PostgreSQL the row locks already guarantee it). Two
    # statements on purpose: PostgreSQL may evaluate `id IN (SELECT … LIMIT n FOR UPDATE
    # SKIP LOCKED)` more than once inside an UPDATE and claim more than `limit` rows.
    ids = db.session.execute(
        update(m).where(m.id.in_(candidate_ids), due)
        .values(status=SENDING, claimed_at=now, claim_token=token, attempts=m.attempts + 1)
        .returning(m.id)
        .execution_options(synchronize_session=False)
    ).scalars().all()
    db.session.commit()
    return token, sorted(ids)


def send_claimed(token: str, ids: list[int], *, now: datetime | None = None,
                 sender: Sender | None = None) -> DeliveryReport:
    """Send the messages claimed with `token`, committing each outcome as soon as it is known."""
    clock = (lambda: now) if now is not None else utcnow
    config = current_app.config
    from_address = config["MAIL_FROM"]
    max_attempts = int(config["NOTIFY_MAX_ATTEMPTS"])
    own_sender = sender is None
    sender = sender or make_sender(config)
    report = DeliveryReport(claimed=len(ids))
    unavailable: str | None = None
    m = OutboxMessage
    try:
        for message_id in ids:
            # Still ours? (Refreshing the claim also keeps it from looking stale.)
            held = db.session.execute(
                update(m).where(m.id == message_id, m.status == SENDING, m.claim_token == token)
                .values(claimed_at=clock()).execution_options(synchronize_session=False)
            ).rowcount
            db.session.commit()
            if not held:
                report.skipped += 1
                continue
            row = db.session.get(m, message_id)
            if unavailable is not None:
                # The server is down: every message of the batch counts an attempt, none is tried.
                _record_failure(row, unavailable, clock(), max_attempts, report, permanent=False)
                db.session.commit()
                continue
            try:
                sender.send(build_message(row, from_address))
            except SenderUnavailable as exc:
                unavailable = _describe(exc)
                _record_failure(row, unavailable, clock(), max_attempts, report, permanent=False)
            except PermanentFailure as exc:
                _record_failure(row, _describe(exc), clock(), max_attempts, report, permanent=True)
            except (smtplib.SMTPException, OSError) as exc:
                log.warning("outbox: sending message %s failed: %s", message_id, exc)
                _record_failure(row, _describe(exc), clock(), max_attempts, report, permanent=False)
            except Exception as exc:  # noqa: BLE001 - a bug with one message must not stop the others
                log.exception("outbox: sending message %s failed", message_id)
                _record_failure(row, _describe(exc), clock(), max_attempts, report, permanent=False)
            else:
                row.status = SENT
                row.sent_at = clock()
                row.claim_token = None
                report.sent += 1
            db.session.commit()
    finally:
        if own_sender:
            sender.close()
    return report


def deliver(*, limit: int = 50, now: datetime | None = None, sender: Sender | None = None) -> DeliveryReport:
    """One pass of the worker: claim due messages (commit), send each, commit each outcome.

    `now` fixes the clock (tests, and replaying a schedule); `sender` replaces the one chosen
    by MAIL_BACKEND. Commits: never call it inside a request's transaction.
    """
    token, ids = claim_due(limit=limit, now=now)
    if not ids:
        return DeliveryReport()
    return send_claimed(token, ids, now=now, sender=sender)


def _record_failure(row: OutboxMessage, error: str, now: datetime, max_attempts: int,
                    report: DeliveryReport, *, permanent: bool) -> None:
    """Back to pending with a later next_attempt_at, or failed for good."""
    row.last_error = error[:LAST_ERROR_MAX]
    row.claim_token = None
    report.errors.append(f"#{row.id}: {row.last_error}")
    if permanent or row.attempts >= max_attempts:
        row.status = FAILED
        report.failed += 1
        log.warning("outbox: message %s failed after %s attempts: %s", row.id, row.attempts, error)
    else:
        row.status = PENDING
        row.next_attempt_at = now + retry_delay(row.attempts)
        report.retried += 1


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _dialect() -> str:
    return db.session.get_bind().dialect.name
