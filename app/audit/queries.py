"""Read events of a subject, and the audit log for its viewer (docs/audit.md)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from app.audit.models import AuditEntry, Event
from app.auth.models import User
from app.extensions import db
from app.text import fold


def timeline(subject_type: str, subject_id: int, *, public_only: bool) -> list[Event]:
    """Events of one subject in order; only the public ones for the citizen."""
    stmt = select(Event).where(Event.subject_type == subject_type, Event.subject_id == subject_id)
    if public_only:
        stmt = stmt.where(Event.is_public.is_(True))
    return list(db.session.scalars(stmt.order_by(Event.created_at, Event.id)))


# --- the audit log ----------------------------------------------------------------------------

AUDIT_PER_PAGE = 50
AUDIT_EXPORT_CAP = 50_000

# Every failed sign-in attempt: a wrong password (or an unknown, locked or disabled account) and a
# wrong or replayed two-factor code — the second is a failed sign-in as much as the first.
SIGN_IN_FAILURES = ("auth.sign_in_failed", "auth.second_factor_failed")
# Groups of actions that share no prefix, offered by the action filter under a name of their own
# (app.audit.labels.ACTION_GROUPS); any other value of the filter is a prefix.
ACTION_SETS = {"auth.failed": SIGN_IN_FAILURES}


@dataclass
class AuditFilters:
    """What the audit viewer is filtered by (all optional). Times are UTC bounds, `until` excluded."""

    since: datetime | None = None
    until: datetime | None = None
    actor_user_id: int | None = None
    actor_text: str | None = None
    action_prefix: str | None = None
    subject_type: str | None = None
    subject_id: int | None = None
    page: int = 1


def _audit_query(f: AuditFilters):
    stmt = select(AuditEntry)
    if f.since is not None:
        stmt = stmt.where(AuditEntry.at >= f.since)
    if f.until is not None:
        stmt = stmt.where(AuditEntry.at < f.until)
    if f.actor_user_id is not None:
        stmt = stmt.where(AuditEntry.actor_user_id == f.actor_user_id)
    if f.actor_text and f.actor_text.strip():
        # A staff member by name or e-mail, diacritics optional (their folded search text), or any
        # actor label as written ("system", "anonymous", "Công dân").
        words = [w for w in fold(f.actor_text).split(" ") if w]
        users = select(User.id).where(*[User.search_folded.contains(w, autoescape=True) for w in words])
        stmt = stmt.where(or_(AuditEntry.actor_user_id.in_(users),
                              AuditEntry.actor_label.contains(f.actor_text.strip(), autoescape=True)))
    if f.action_prefix in ACTION_SETS:
        stmt = stmt.where(AuditEntry.action.in_(ACTION_SETS[f.action_prefix]))
    elif f.action_prefix:
        stmt = stmt.where(AuditEntry.action.startswith(f.action_prefix, autoescape=True))
    if f.subject_type:
        stmt = stmt.where(AuditEntry.subject_type == f.subject_type)
    if f.subject_id is not None:
        stmt = stmt.where(AuditEntry.subject_id == f.subject_id)
    return stmt.order_by(AuditEntry.id.desc())


def audit_page(f: AuditFilters):
    """One page (50) of audit lines, newest first."""
    return db.paginate(_audit_query(f), page=max(1, f.page), per_page=AUDIT_PER_PAGE, error_out=False, count=True)


def audit_rows(f: AuditFilters, cap: int = AUDIT_EXPORT_CAP) -> tuple[list[AuditEntry], int]:
    """The filtered lines for an export, newest first, at most `cap`; and how many there are in all."""
    total = db.session.scalar(select(func.count()).select_from(_audit_query(f).order_by(None).subquery()))
    return list(db.session.scalars(_audit_query(f).limit(cap))), total


def audit_subject_types() -> list[str]:
    """The kinds of record the log has lines about (for the filter's choices)."""
    return list(db.session.scalars(select(AuditEntry.subject_type).where(AuditEntry.subject_type.is_not(None))
                                   .distinct().order_by(AuditEntry.subject_type)))
