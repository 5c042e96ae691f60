"""Read side of the outbox: counts by status and the oldest waiting message (for `flask outbox status`)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.notifications.models import OutboxMessage, OutboxStatus


@dataclass
class OutboxSummary:
    """Counts per status (every status present, zero included) and the oldest pending message."""

    counts: dict[str, int]
    oldest_pending: OutboxMessage | None


def summary() -> OutboxSummary:
    """How many messages are in each state, and which pending one has waited longest."""
    counts = {s.value: 0 for s in OutboxStatus}
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    counts.update({status: n for status, n in rows})
    oldest = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING.value)
        .order_by(OutboxMessage.created_at, OutboxMessage.id).limit(1)
    ).first()
    return OutboxSummary(counts=counts, oldest_pending=oldest)
