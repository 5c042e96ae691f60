"""The Case (vụ việc): opened on acceptance, resolved through its kind's workflow (app.cases.workflow),
with a legal clock (app.cases.clock) moved by its pauses and extensions, and the figures of its
decision or conclusion that feed the reports."""
from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Integer, Numeric, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.agencies.models import Agency
from app.cases.workflow import CaseState
from app.db import Base, TimestampMixin, enum_check
from app.text import fold


class CaseKind(str, enum.Enum):
    """Kinds of case."""

    COMPLAINT_FIRST = "complaint_first"
    COMPLAINT_SECOND = "complaint_second"
    DENUNCIATION = "denunciation"
    PROPOSAL = "proposal"


CaseStatus = CaseState  # the states of app.cases.workflow


class CaseOutcome(str, enum.Enum):
    """The finding: a complaint is correct / partly / incorrect; a denunciation true / partly / untrue."""

    CORRECT = "correct"
    PARTLY_CORRECT = "partly_correct"
    INCORRECT = "incorrect"
    TRUE = "true"
    PARTLY_TRUE = "partly_true"
    UNTRUE = "untrue"
    ANSWERED = "answered"  # a proposal was answered


OUTCOMES_BY_KIND = {
    "complaint_first": (CaseOutcome.CORRECT, CaseOutcome.PARTLY_CORRECT, CaseOutcome.INCORRECT),
    "complaint_second": (CaseOutcome.CORRECT, CaseOutcome.PARTLY_CORRECT, CaseOutcome.INCORRECT),
    "denunciation": (CaseOutcome.TRUE, CaseOutcome.PARTLY_TRUE, CaseOutcome.UNTRUE),
    "proposal": (CaseOutcome.ANSWERED,),
}


class Case(TimestampMixin, Base):
    """A matter accepted for resolution (thụ lý), with its legal due date."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(enum_check("kind", [k.value for k in CaseKind]), name="kind"),
        CheckConstraint(enum_check("status", [s.value for s in CaseState]), name="status"),
        CheckConstraint("outcome IS NULL OR " + enum_check("outcome", [o.value for o in CaseOutcome]),
                        name="outcome"),
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
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the approving leader
    verification_team: Mapped[str | None] = mapped_column(Text)
    # The state a suspended case returns to when resumed.
    suspended_from: Mapped[str | None] = mapped_column(String(20))
    # Nghị định 31/2019 Đ.3 criteria met (codes), and the level they give (app.cases.clock.complexity).
    complexity_criteria: Mapped[list | None] = mapped_column(JSON)
    complexity_level: Mapped[str] = mapped_column(String(20), default="standard", server_default="standard")

    # The decision (complaints) or conclusion (denunciations) and its figures.
    outcome: Mapped[str | None] = mapped_column(String(20))
    decision_number: Mapped[str | None] = mapped_column(String(50))
    decision_date: Mapped[date | None] = mapped_column()
    decision_signer: Mapped[str | None] = mapped_column(String(200))
    decision_received_on: Mapped[date | None] = mapped_column()  # by the complainant (appeal window)
    # The signed decision (scan or file), stored like an attachment (app.storage.files).
    decision_file_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    decision_file_name: Mapped[str | None] = mapped_column(String(255))
    decision_file_type: Mapped[str | None] = mapped_column(String(100))
    appeal_window_closes: Mapped[date | None] = mapped_column()
    money_recommended: Mapped[int | None] = mapped_column(BigInteger)  # VND, to recover to the State
    money_recovered: Mapped[int | None] = mapped_column(BigInteger)
    land_recommended: Mapped[float | None] = mapped_column(Numeric(14, 1))  # m²
    land_recovered: Mapped[float | None] = mapped_column(Numeric(14, 1))
    money_returned: Mapped[int | None] = mapped_column(BigInteger)  # to organisations and citizens
    land_returned: Mapped[float | None] = mapped_column(Numeric(14, 1))
    people_disciplined: Mapped[int | None] = mapped_column(Integer)  # recommended for discipline
    officials_disciplined: Mapped[int | None] = mapped_column(Integer)  # of whom officials
    referred_to_investigation: Mapped[int | None] = mapped_column(Integer)
    # Enforcement follow-up (theo dõi thi hành): the planned date, the day it was done, a note.
    enforcement_due: Mapped[date | None] = mapped_column()
    enforced_on: Mapped[date | None] = mapped_column()
    enforcement_note: Mapped[str | None] = mapped_column(Text)

    # A second-level complaint: the first-level case it appeals.
    parent_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # The title folded (app.text.fold) for search with or without diacritics (app.search).
    search_folded: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Agency] = relationship()
    resolver = relationship("User", foreign_keys=[resolver_id])
    leader = relationship("User", foreign_keys=[leader_id])
    parent_case: Mapped[Case | None] = relationship(remote_side=[id], foreign_keys=[parent_case_id])
    pauses: Mapped[list[CasePause]] = relationship(back_populates="case", order_by="CasePause.started_on",
                                                   cascade="all, delete-orphan")
    extensions: Mapped[list[CaseExtension]] = relationship(back_populates="case",
                                                           order_by="CaseExtension.decided_on",
                                                           cascade="all, delete-orphan")


@event.listens_for(Case, "before_insert")
@event.listens_for(Case, "before_update")
def _fold_search(_mapper, _connection, target: Case) -> None:
    target.search_folded = fold(target.title)


class PauseKind(str, enum.Enum):
    """Why the clock stopped."""

    SUSPENSION = "suspension"  # tạm đình chỉ (Luật Tố cáo Đ.34; Luật Khiếu nại as amended)
    ASSESSMENT = "assessment"  # giám định (Luật Tố cáo Đ.31.4)


class CasePause(TimestampMixin, Base):
    """A time the clock stood still, with the decision that stopped it."""

    __tablename__ = "case_pauses"
    __table_args__ = (CheckConstraint(enum_check("kind", [k.value for k in PauseKind]), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    started_on: Mapped[date] = mapped_column()
    ended_on: Mapped[date | None] = mapped_column()
    decision_number: Mapped[str | None] = mapped_column(String(50))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="pauses")


class CaseExtension(TimestampMixin, Base):
    """An extension of a denunciation's time limit, by a decision (Luật Tố cáo Đ.30.4)."""

    __tablename__ = "case_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    decided_on: Mapped[date] = mapped_column()
    decision_number: Mapped[str] = mapped_column(String(50))
    reason: Mapped[str] = mapped_column(Text)
    due_after: Mapped[date] = mapped_column()
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="extensions")
