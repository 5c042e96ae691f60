"""Write events. Called by workflows and services in the same transaction as the change."""
from __future__ import annotations

from app.audit.models import Event
from app.extensions import db


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
    """Add an event row (flushed, not committed)."""
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
    return event
