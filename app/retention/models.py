"""Destruction of filed petitions after their retention period (xếp lưu đơn, tiêu hủy đơn).

TT 07/2014/TT-TTCP Đ.28 (⚠ presumed unchanged in TT 05/2021): petitions filed as ineligible,
time-barred, already finally decided or illegible are kept one year, then destroyed on the
decision of the head of the agency. The period is the deadline rule `petition.retention`
(app.calendar.seed), so it is data with its legal source, not a constant here.

A handler proposes a list of due petitions (`DestructionRequest`); a leader other than the
proposer approves it, and each petition is then reduced to a minimal record.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, TimestampMixin, enum_check
from app.petitions.models import FileReason, Petition

RETENTION_RULE = "petition.retention"

# The file reasons TT 07/2014 Đ.28.1 lists: a) ineligible under Đ.6.2.b — which also covers a
# petition sent to several bodies including the competent one, or already guided once on the
# same content —, b) time-barred, c) already finally decided, d) torn or illegible.
# An anonymous denunciation is not among them: Luật Tố cáo 2018 Đ.25 lets it serve an
# inspection, so it is not destroyed on this schedule.
RETAINED_REASONS = frozenset({
    FileReason.INELIGIBLE.value,
    FileReason.SENT_TO_MANY.value,
    FileReason.ALREADY_GUIDED.value,
    FileReason.TIME_BARRED.value,
    FileReason.FINALLY_DECIDED.value,
    FileReason.ILLEGIBLE.value,
})

# What replaces the content of a destroyed petition.
DESTROYED_TEXT = "[Đã tiêu hủy]"


class DestructionStatus(str, enum.Enum):
    """A proposal waits for a leader, who approves (the petitions are destroyed) or rejects it."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class DestructionRequest(TimestampMixin, Base):
    """A handler's list of due petitions to destroy, and the leader's decision on it."""

    __tablename__ = "destruction_requests"
    __table_args__ = (
        CheckConstraint(enum_check("status", [s.value for s in DestructionStatus]), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=DestructionStatus.PROPOSED.value, index=True)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    decision_note: Mapped[str | None] = mapped_column(Text)
    version_id: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    agency = relationship("Agency")
    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    items: Mapped[list[DestructionItem]] = relationship(
        back_populates="request", order_by="DestructionItem.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_open(self) -> bool:
        """Still waiting for a decision."""
        return self.status == DestructionStatus.PROPOSED.value


class DestructionItem(Base):
    """One petition of a destruction request; `files_removed` is filled when it is destroyed."""

    __tablename__ = "destruction_items"
    __table_args__ = (UniqueConstraint("request_id", "petition_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("destruction_requests.id", ondelete="CASCADE"), index=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), index=True)
    files_removed: Mapped[int | None] = mapped_column()

    request: Mapped[DestructionRequest] = relationship(back_populates="items")
    petition: Mapped[Petition] = relationship()
