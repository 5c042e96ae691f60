"""The outbox: one row per e-mail to send, with its delivery state and retry schedule."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, enum_check, utcnow


class OutboxStatus(str, enum.Enum):
    """Where a message is in its delivery.

    pending → sending (claimed by one worker) → sent; or back to pending with a later
    next_attempt_at when the attempt failed; failed once the attempts are used up or the
    server refused the recipient for good.
    """

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


# States in which the message will not be sent again by the worker.
FINAL_STATES = frozenset({OutboxStatus.SENT.value, OutboxStatus.FAILED.value})


class OutboxMessage(Base):
    """One notice to one address, queued in the transaction of the change it reports."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(enum_check("status", [s.value for s in OutboxStatus]), name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        # The worker's question: which pending messages are due? (status first: sent rows pile up.)
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        Index("ix_outbox_messages_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    kind: Mapped[str] = mapped_column(String(60))  # e.g. "petition.accepted"
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    # What the notice is about, e.g. ("petition", 12): for the staff timeline and for support.
    subject_type: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(
        String(10), default=OutboxStatus.PENDING.value, server_default=text("'pending'")
    )
    # Number of times the message was claimed for sending (so a send that crashed the worker counts).
    attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column()
    claimed_at: Mapped[datetime | None] = mapped_column()
    # Random per claim: a worker whose claim was taken over (it looked dead) sends nothing more.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    # The same notice for the same event is queued at most once (NULLs never collide).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
