"""Directives (nhiệm vụ, ý kiến chỉ đạo): tasks a leader or body assigns, tracked to the day.

A directive comes from the chairman or a vice-chairman, a meeting, a higher body, or an item of
a leader's reception-day conclusion notice (then `session_id` is set). Its status is never
stored: it follows from `due_on`, `done_on` and the day asked about (`directive_status`,
`status_expr` for SQL), giving the four figures of a report: done on time, done late, in
progress within the deadline, overdue.
"""
from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, and_, case, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.agencies.models import Agency
from app.db import Base, TimestampMixin, enum_check
from app.text import fold


class DirectiveSource(str, enum.Enum):
    """Who or what gave the directive."""

    CHAIRMAN = "chairman"  # Chủ tịch UBND
    VICE_CHAIRMAN = "vice_chairman"  # Phó Chủ tịch UBND
    MEETING = "meeting"  # kết luận cuộc họp
    RECEPTION_SESSION = "reception_session"  # thông báo kết luận buổi tiếp công dân
    HIGHER_BODY = "higher_body"  # cơ quan cấp trên
    OTHER = "other"


# Sources that count as "assigned by the chairman and vice-chairmen" in a report.
LEADER_SOURCES = (DirectiveSource.CHAIRMAN.value, DirectiveSource.VICE_CHAIRMAN.value)


class DirectiveStatus(str, enum.Enum):
    """The computed status of a directive on a given day."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    IN_PROGRESS = "in_progress"  # not done, deadline not passed
    OVERDUE = "overdue"  # not done, deadline passed


class Directive(TimestampMixin, Base):
    """One task assigned to an agency (and optionally a person in it), with its deadline."""

    __tablename__ = "directives"
    __table_args__ = (CheckConstraint(enum_check("source", [s.value for s in DirectiveSource]), name="source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The body that gave it (e.g. the province People's Committee); NULL for an outside body.
    issuer_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    source_name: Mapped[str | None] = mapped_column(String(300))  # the leader, meeting or body by name
    document_number: Mapped[str | None] = mapped_column(String(60))  # văn bản giao nhiệm vụ
    issued_on: Mapped[date] = mapped_column(index=True)
    content: Mapped[str] = mapped_column(Text)
    is_key_task: Mapped[bool] = mapped_column(default=False, server_default=text("false"))  # trọng tâm
    assignee_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date] = mapped_column(index=True)
    done_on: Mapped[date | None] = mapped_column()
    result_note: Mapped[str | None] = mapped_column(Text)
    # An item of a reception-day conclusion notice (app.reception.sessions).
    session_id: Mapped[int | None] = mapped_column(ForeignKey("reception_sessions.id", ondelete="CASCADE"),
                                                   index=True)
    position: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Content, source and document number without diacritics, for the list's search (kept by
    # `_fold_search` on every insert and update, whoever writes the row).
    search_folded: Mapped[str | None] = mapped_column(Text)

    issuer_agency: Mapped[Agency | None] = relationship(foreign_keys=[issuer_agency_id])
    assignee_agency: Mapped[Agency] = relationship(foreign_keys=[assignee_agency_id])
    assignee_user = relationship("User", foreign_keys=[assignee_user_id])
    session = relationship("ReceptionSession", back_populates="tasks")
    notes: Mapped[list[DirectiveNote]] = relationship(back_populates="directive",
                                                      order_by=lambda: (DirectiveNote.noted_on, DirectiveNote.id),
                                                      cascade="all, delete-orphan")

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def status_on(self, day: date) -> DirectiveStatus:
        """The status as it stood at the end of `day`."""
        return directive_status(self.due_on, self.done_on, day)


def search_text(directive: Directive) -> str:
    """What the list's search matches, folded: content, who gave it, the document number."""
    return fold(" ".join(filter(None, [directive.content, directive.source_name, directive.document_number])))


@event.listens_for(Directive, "before_insert")
@event.listens_for(Directive, "before_update")
def _fold_search(_mapper, _connection, target: Directive) -> None:
    target.search_folded = search_text(target)


def directive_status(due_on: date, done_on: date | None, day: date) -> DirectiveStatus:
    """Done on time / late when done by `day`; otherwise in progress or overdue against `day`."""
    if done_on is not None and done_on <= day:
        return DirectiveStatus.DONE_ON_TIME if done_on <= due_on else DirectiveStatus.DONE_LATE
    return DirectiveStatus.IN_PROGRESS if day <= due_on else DirectiveStatus.OVERDUE


def status_expr(day: date):
    """The same rule as `directive_status`, as a SQL CASE over the directives table."""
    done = and_(Directive.done_on.is_not(None), Directive.done_on <= day)
    return case(
        (and_(done, Directive.done_on <= Directive.due_on), DirectiveStatus.DONE_ON_TIME.value),
        (done, DirectiveStatus.DONE_LATE.value),
        (Directive.due_on >= day, DirectiveStatus.IN_PROGRESS.value),
        else_=DirectiveStatus.OVERDUE.value,
    )


class DirectiveNote(TimestampMixin, Base):
    """A progress note on a directive (tiến độ thực hiện)."""

    __tablename__ = "directive_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"), index=True)
    noted_on: Mapped[date] = mapped_column()
    content: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    directive: Mapped[Directive] = relationship(back_populates="notes")
    author = relationship("User")
