"""Event rows. The citizen's timeline is the public events; staff see all of them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class Event(Base):
    """One thing that happened to a subject (a petition, later a case or a visit)."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_subject", "subject_type", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str | None] = mapped_column(String(30))
    actor_user_id: Mapped[int | None] = mapped_column()
    actor_label: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdentityAccess(Base):
    """Every reveal of a protected identity: who, when, whose (Luật Tố cáo Đ.56).

    The identity is a petitioner's, a visitor's at a reception about a denunciation, or that of
    a citizen who asked for an online reception about a denunciation.
    """

    __tablename__ = "identity_access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"), index=True)
    petitioner_id: Mapped[int | None] = mapped_column(ForeignKey("petitioners.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)
    visit_visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visit_visitors.id"))
    online_request_id: Mapped[int | None] = mapped_column(ForeignKey("online_requests.id"), index=True)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    accessed_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """One line of the append-only audit log (docs/audit.md).

    Who did what to which record, from where, when — never a citizen's name, ID number or phone:
    `detail` holds ids, codes and counts only. Each line carries the hash of the line before
    (`prev_hash`) and its own `hash` over its fields and that `prev_hash`, so that an edited,
    deleted or moved line breaks the chain (`flask audit verify`). The database refuses UPDATE
    and DELETE on the table (triggers made by migration 0014); the code has no path to either.
    Ids are given by the appender (the last id + 1, under a lock), so they have no gaps.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_user_id: Mapped[int | None] = mapped_column(index=True)
    actor_label: Mapped[str] = mapped_column(String(200))
    ip: Mapped[str | None] = mapped_column(String(45))
    action: Mapped[str] = mapped_column(String(80), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column()
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON (sorted keys), hashed as stored
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
