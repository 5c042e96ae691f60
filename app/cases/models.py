"""The Case record. The resolution workflow itself comes with the case issue; acceptance opens it."""
from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.agencies.models import Agency
from app.db import Base, TimestampMixin, enum_check


class CaseKind(str, enum.Enum):
    """Kinds of case."""

    COMPLAINT_FIRST = "complaint_first"
    COMPLAINT_SECOND = "complaint_second"
    DENUNCIATION = "denunciation"
    PROPOSAL = "proposal"


class CaseStatus(str, enum.Enum):
    """Only the opening state exists so far."""

    ACCEPTED = "accepted"


class Case(TimestampMixin, Base):
    """A matter accepted for resolution (thụ lý), with its legal due date."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(enum_check("kind", [k.value for k in CaseKind]), name="kind"),
        CheckConstraint(enum_check("status", [s.value for s in CaseStatus]), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.ACCEPTED.value)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    accepted_on: Mapped[date] = mapped_column()
    due_date: Mapped[date | None] = mapped_column()
    due_rule_code: Mapped[str | None] = mapped_column(String(60))
    is_complex: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    is_remote: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    resolver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    agency: Mapped[Agency] = relationship()
