"""An inspection (cuộc thanh tra), its conclusion and figures, what was recovered and when, and the
follow-up of its other recommendations (kiểm tra, đôn đốc sau thanh tra).

Money is in đồng (BigInteger), land in m². A recovery is a dated row so that money recovered
after a period is counted in the period it came in (app.reports).
"""
from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, Numeric, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.agencies.models import Agency
from app.db import Base, TimestampMixin, enum_check
from app.text import fold


class InspectionKind(str, enum.Enum):
    """In the year's approved plan, or ordered ad hoc."""

    PLANNED = "planned"  # theo kế hoạch
    AD_HOC = "ad_hoc"  # đột xuất


class InspectionTopic(str, enum.Enum):
    """What is inspected."""

    ADMINISTRATIVE = "administrative"  # thanh tra hành chính, kinh tế - xã hội
    ANTI_CORRUPTION = "anti_corruption"  # việc thực hiện quy định pháp luật về phòng, chống tham nhũng
    COMPLAINTS = "complaints"  # trách nhiệm tiếp công dân, giải quyết khiếu nại, tố cáo
    SPECIALISED = "specialised"  # thanh tra chuyên ngành


class Inspection(TimestampMixin, Base):
    """One inspection by an agency: decision, work period, conclusion and its figures."""

    __tablename__ = "inspections"
    __table_args__ = (
        CheckConstraint(enum_check("kind", [k.value for k in InspectionKind]), name="kind"),
        CheckConstraint(enum_check("topic", [t.value for t in InspectionTopic]), name="topic"),
        CheckConstraint("money_violation >= 0 AND money_recommended >= 0", name="money"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)  # who inspects
    kind: Mapped[str] = mapped_column(String(10))
    topic: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))  # đối tượng thanh tra
    decision_number: Mapped[str] = mapped_column(String(60))
    decision_date: Mapped[date | None] = mapped_column()
    started_on: Mapped[date] = mapped_column(index=True)  # công bố quyết định / bắt đầu
    ended_on: Mapped[date | None] = mapped_column()  # kết thúc thanh tra trực tiếp
    conclusion_due: Mapped[date | None] = mapped_column()
    conclusion_number: Mapped[str | None] = mapped_column(String(60))
    concluded_on: Mapped[date | None] = mapped_column(index=True)  # kết luận ban hành
    # Found in the conclusion (đồng / m²).
    money_violation: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    money_recommended: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    land_violation: Mapped[float] = mapped_column(Numeric(14, 1), default=0, server_default="0")
    land_recommended: Mapped[float] = mapped_column(Numeric(14, 1), default=0, server_default="0")
    people_recommended_discipline: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cases_to_investigation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    other_recommendations: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Title, subject and numbers without diacritics, for the list's search (kept by `_fold_search`).
    search_folded: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Agency] = relationship()
    recoveries: Mapped[list[InspectionRecovery]] = relationship(
        back_populates="inspection", order_by="InspectionRecovery.recovered_on", cascade="all, delete-orphan")
    followups: Mapped[list[InspectionFollowUp]] = relationship(
        back_populates="inspection", order_by="InspectionFollowUp.id", cascade="all, delete-orphan")

    def is_concluded_by(self, day: date) -> bool:
        return self.concluded_on is not None and self.concluded_on <= day

    def conclusion_late(self, today: date) -> bool:
        """Issued after its due date, or still not issued once the due date has passed."""
        if self.conclusion_due is None:
            return False
        if self.concluded_on is not None:
            return self.concluded_on > self.conclusion_due
        return today > self.conclusion_due


def search_text(inspection: Inspection) -> str:
    """What the list's search matches, folded: title, subject, decision and conclusion numbers."""
    return fold(" ".join(filter(None, [inspection.title, inspection.subject, inspection.decision_number,
                                       inspection.conclusion_number])))


@event.listens_for(Inspection, "before_insert")
@event.listens_for(Inspection, "before_update")
def _fold_search(_mapper, _connection, target: Inspection) -> None:
    target.search_folded = search_text(target)


class InspectionRecovery(TimestampMixin, Base):
    """Money and/or land actually recovered, on a day (nộp ngân sách, thu hồi đất)."""

    __tablename__ = "inspection_recoveries"
    __table_args__ = (CheckConstraint("money >= 0 AND land >= 0", name="amounts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    recovered_on: Mapped[date] = mapped_column(index=True)
    money: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    land: Mapped[float] = mapped_column(Numeric(14, 1), default=0, server_default="0")
    document: Mapped[str | None] = mapped_column(String(200))  # receipt / treasury document
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    inspection: Mapped[Inspection] = relationship(back_populates="recoveries")


class InspectionFollowUp(TimestampMixin, Base):
    """Another recommendation of the conclusion and how it was carried out."""

    __tablename__ = "inspection_followups"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    recommendation: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column()
    done_on: Mapped[date | None] = mapped_column()
    result_note: Mapped[str | None] = mapped_column(Text)

    inspection: Mapped[Inspection] = relationship(back_populates="followups")
