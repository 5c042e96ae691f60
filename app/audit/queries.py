"""Read events of a subject."""
from __future__ import annotations

from sqlalchemy import select

from app.audit.models import Event
from app.extensions import db


def timeline(subject_type: str, subject_id: int, *, public_only: bool) -> list[Event]:
    """Events of one subject in order; only the public ones for the citizen."""
    stmt = select(Event).where(Event.subject_type == subject_type, Event.subject_id == subject_id)
    if public_only:
        stmt = stmt.where(Event.is_public.is_(True))
    return list(db.session.scalars(stmt.order_by(Event.created_at, Event.id)))
