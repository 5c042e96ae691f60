"""An urge (đôn đốc) of an overdue case by a superior body (Luật Tố cáo 2018 Đ.38).

The superior asks the resolving body for a report within five working days of the follow-up
denunciation (or of the day it noticed the case was overdue); the resolving body reports within
five working days of receiving the request. Both deadlines are stored as computed when the urge
was made (app.cases.clock.urge_deadlines); lateness is written as events (app.cases.urging).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.agencies.models import Agency
from app.cases.models import Case
from app.db import Base, TimestampMixin


class CaseUrge(TimestampMixin, Base):
    """One urge of one case, and the subordinate's report on it."""

    __tablename__ = "case_urges"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    urging_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    urged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    followup_received_on: Mapped[date] = mapped_column()  # the follow-up denunciation, or the day noticed
    request_sent_on: Mapped[date] = mapped_column()
    request_due: Mapped[date] = mapped_column()
    report_due: Mapped[date] = mapped_column()
    request_note: Mapped[str | None] = mapped_column(Text)
    report_received_on: Mapped[date | None] = mapped_column()
    report_note: Mapped[str | None] = mapped_column(Text)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship()
    urging_agency: Mapped[Agency] = relationship()
    urged_by = relationship("User", foreign_keys=[urged_by_id])
    reported_by = relationship("User", foreign_keys=[reported_by_id])

    @property
    def request_late(self) -> bool:
        """The superior's request went out after its own five working days."""
        return self.request_sent_on > self.request_due

    @property
    def report_late(self) -> bool:
        """The report came (or is still missing) after its due date — needs `today` for a missing one."""
        return self.report_received_on is not None and self.report_received_on > self.report_due
