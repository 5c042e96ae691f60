"""Write events and audit lines. Called by workflows and services in the same transaction as the
change, so that a change and its record are committed, or rolled back, together.

An event row is flushed at once; an audit line waits for the commit, where it is chained to the
last line under the append lock (docs/audit.md)."""
from __future__ import annotations

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from app.audit.chain import GENESIS, canonical_detail, hash_of, prefix_of
from app.audit.models import AuditEntry, Event
from app.db import utcnow
from app.extensions import db

# Any 64-bit constant of our own: the PostgreSQL advisory lock that puts appends in a queue.
APPEND_LOCK_KEY = 7_414_001_733
ANONYMOUS = "anonymous"
SYSTEM = "system"
MAX_DETAIL_TEXT = 200
STAFF_PREFIX = "/staff"
PENDING = "audit_pending"  # session.info key: this transaction's lines, written at commit

# Event subjects whose notes the code writes itself (role and agency codes): safe in the audit
# detail. Other notes may be typed by staff and hold a citizen's name, so they stay in `events`.
_NOTE_IS_CODE = {"user"}
# Events with a name of their own in the audit log (the rest are workflow.<subject>.<action>).
_EVENT_ACTIONS = {
    ("user", "locked"): "auth.lockout",
}


class AuditError(ValueError):
    """A detail that the audit log must not hold (a value too long to be an id or a code)."""


def record_event(
    subject_type: str,
    subject_id: int,
    action: str,
    *,
    actor_label: str,
    actor_user_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
    is_public: bool = False,
) -> Event:
    """Add an event row and its audit line (flushed, not committed)."""
    event = Event(
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        actor_label=actor_label,
        actor_user_id=actor_user_id,
        from_status=from_status,
        to_status=to_status,
        note=note,
        is_public=is_public,
    )
    db.session.add(event)
    db.session.flush()
    detail = {"event_id": event.id, "from": from_status, "to": to_status, "public": is_public}
    if note and subject_type in _NOTE_IS_CODE:
        detail["note"] = note[:MAX_DETAIL_TEXT]
    audit(_audit_action(subject_type, action), subject_type=subject_type, subject_id=subject_id,
          detail={k: v for k, v in detail.items() if v is not None}, actor_user_id=actor_user_id,
          actor_label=actor_label)
    return event


def _audit_action(subject_type: str, action: str) -> str:
    """The audit name of an event: identity reveals, account changes, or a workflow step."""
    if (subject_type, action) in _EVENT_ACTIONS:
        return _EVENT_ACTIONS[(subject_type, action)]
    if action == "identity_revealed":
        return "identity.reveal"
    if subject_type == "user":
        return f"user.{action}"
    return f"workflow.{subject_type}.{action}"


def _check_detail(detail: dict | None) -> dict:
    """Ids, codes, counts and flags only: a long text is refused (it could be a citizen's words)."""
    for key, value in (detail or {}).items():
        if isinstance(value, (list, tuple)):
            for item in value:
                _check_detail({key: item})
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            raise AuditError(f"audit detail {key!r}: {type(value).__name__} is not a plain value")
        elif isinstance(value, str) and len(value) > MAX_DETAIL_TEXT:
            raise AuditError(f"audit detail {key!r} is longer than {MAX_DETAIL_TEXT} characters")
    return detail or {}


def _request_context():
    """The signed-in user and the client's address when called in a request; (None, None) otherwise.

    The address is kept for the staff workspace only. A citizen's is never kept: next to a
    denunciation's number it could point at the denunciator, whom admins must not know.
    """
    from flask import has_request_context, request
    from flask_login import current_user

    if not has_request_context():
        return None, None
    user = current_user._get_current_object() if current_user.is_authenticated else None
    staff_area = request.path == STAFF_PREFIX or request.path.startswith(STAFF_PREFIX + "/")
    return user, (request.remote_addr or "") if staff_area else ""


def _take_append_lock(session) -> None:
    """SQLite: queue appends, so that two writers never read the same last line. Writers are
    serialised by the database, but a transaction only becomes a writer at its first write; an
    UPDATE that matches nothing makes it one now, before the last line is read. (PostgreSQL's
    appender takes its advisory lock itself: `_append_in_postgresql`.)"""
    session.execute(text("UPDATE audit_log SET id = id WHERE 0"))


def audit(action: str, *, subject_type: str | None = None, subject_id: int | None = None,
          detail: dict | None = None, actor=None, actor_user_id: int | None = None,
          actor_label: str | None = None, ip: str | None = None) -> AuditEntry:
    """Add one line to the audit log of this transaction: it is chained and written at commit.

    The actor is `actor` (a user), or `actor_user_id`/`actor_label`, or else the signed-in user
    when called in a request; the address is the request's, in the staff workspace only (never a
    citizen's). `detail` holds ids, codes, counts and flags — never a citizen's name, ID number,
    phone or address. A rollback drops the line with the change it reported.
    """
    detail_text = canonical_detail(_check_detail(detail))
    request_user, request_ip = _request_context()
    if actor is None and actor_user_id is None and actor_label is None:
        actor = request_user
    if actor is not None:
        actor_user_id, actor_label = actor.id, actor.full_name
    # Outside a request (request_ip None): the system; a visitor with no account: anonymous.
    actor_label = (actor_label or (SYSTEM if request_ip is None else ANONYMOUS))[:200]
    entry = AuditEntry(at=utcnow(), actor_user_id=actor_user_id, actor_label=actor_label,
                       ip=(ip or request_ip or "")[:45] or None, action=action[:80], subject_type=subject_type,
                       subject_id=subject_id, detail=detail_text)
    db.session.info.setdefault(PENDING, []).append(entry)
    return entry


@event.listens_for(Session, "before_commit")
def _append_pending(session) -> None:
    """Chain and write this transaction's lines, last thing before COMMIT.

    The append lock is taken after everything else is flushed, so that it is the last lock the
    transaction takes and holds only for its commit: no transaction waits for a row while
    holding it, and none can deadlock on it. The chain's order is the order of commits.
    """
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        _append_in_postgresql(session, pending)
        return
    _take_append_lock(session)
    last = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    next_id, prev_hash = (last.id + 1, last.hash) if last else (1, GENESIS)
    for entry in pending:
        entry.id, entry.prev_hash = next_id, prev_hash
        entry.hash = hash_of(entry)
        next_id, prev_hash = next_id + 1, entry.hash
    session.add_all(pending)
    session.flush()


def _append_in_postgresql(session, pending: list[AuditEntry]) -> None:
    """One call to `audit_append` (migration 0019): it takes the lock, reads the last line and
    writes these, chained, in the database — one round trip inside the site-wide lock window
    instead of three. The lines are not added to the session: they are written already."""
    rows = session.execute(text(
        "SELECT line_id, line_prev_hash, line_hash FROM audit_append(CAST(:key AS bigint), "
        "CAST(:prefixes AS text[]), CAST(:ats AS timestamptz[]), CAST(:actor_user_ids AS integer[]), "
        "CAST(:actor_labels AS text[]), CAST(:ips AS text[]), CAST(:actions AS text[]), "
        "CAST(:subject_types AS text[]), CAST(:subject_ids AS integer[]), CAST(:details AS text[]))"), {
        "key": APPEND_LOCK_KEY, "prefixes": [prefix_of(e) for e in pending], "ats": [e.at for e in pending],
        "actor_user_ids": [e.actor_user_id for e in pending], "actor_labels": [e.actor_label for e in pending],
        "ips": [e.ip for e in pending], "actions": [e.action for e in pending],
        "subject_types": [e.subject_type for e in pending], "subject_ids": [e.subject_id for e in pending],
        "details": [e.detail for e in pending]}).all()
    for entry, (line_id, prev_hash, line_hash) in zip(pending, rows):
        entry.id, entry.prev_hash, entry.hash = line_id, prev_hash, line_hash


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session, transaction) -> None:
    """A transaction that ends without committing takes its lines with it."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def audit_now(action: str, **kwargs) -> AuditEntry:
    """Add a line and commit: for requests that change nothing else (downloads, sign-out)."""
    entry = audit(action, **kwargs)
    db.session.commit()
    return entry


def record_denial() -> None:
    """A request refused with 403: note who was refused what (and commit only that).

    Whatever the refused request had written is rolled back first — a refused request changes
    nothing. The endpoint, the method, the ids in the URL and the permissions the view needs are
    kept; never the query string or the form, which may hold what a citizen wrote.
    """
    import logging

    from flask import current_app, request

    try:
        db.session.rollback()
        args = {k: v for k, v in (request.view_args or {}).items() if isinstance(v, int)}
        subject = next(((k[:-3], v) for k, v in args.items() if k.endswith("_id")), (None, None))
        view = current_app.view_functions.get(request.endpoint or "")
        needs = [p.value for p in getattr(view, "staff_permissions", ())]
        audit("access.denied", subject_type=subject[0], subject_id=subject[1],
              detail={"endpoint": request.endpoint or "", "method": request.method, "needs": needs, **args})
        db.session.commit()
    except Exception:  # noqa: BLE001 - a failed audit line must not turn a 403 into a 500
        db.session.rollback()
        logging.getLogger(__name__).exception("audit: could not record a denied request to %s", request.endpoint)
