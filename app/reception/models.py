"""Citizen reception (tiếp công dân): people, visits, leaders' sessions, online reception.

A `Visit` is one reception of one citizen or one group (lượt tiếp). The people met are
`Person` rows, one per ID number, so the desk finds a returning citizen at once. When the
visit concerns a denunciation, the visitors' identity is not linked to any `Person`: it is
kept encrypted on the visitor row (Luật Tố cáo 2018 Đ.9.1.b, Đ.56), as for petitions.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.agencies.models import Agency, AdminUnit
from app.db import Base, TimestampMixin, enum_check
from app.petitions.models import PetitionKind


class Person(TimestampMixin, Base):
    """A citizen known to the desk: one row per ID number (when the ID number is known)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(12), unique=True)
    phone: Mapped[str | None] = mapped_column(String(15), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))
    # Name, folded (app.text.fold), for search with or without diacritics.
    name_folded: Mapped[str] = mapped_column(String(200), index=True)

    province: Mapped[AdminUnit | None] = relationship(foreign_keys=[province_id])
    commune: Mapped[AdminUnit | None] = relationship(foreign_keys=[commune_id])


class VisitChannel(str, enum.Enum):
    """Where the reception took place."""

    IN_PERSON = "in_person"
    ONLINE = "online"  # Luật Tiếp công dân, Đ.3a added by Luật 136/2025/QH15


class VisitOutcome(str, enum.Enum):
    """What the reception led to (Luật Tiếp công dân 2013 Đ.25–26; TT 04/2021/TT-TTCP)."""

    PETITION_RECEIVED = "petition_received"  # đơn tiếp nhận: creates a Petition (walk-in)
    GUIDED = "guided"  # hướng dẫn đến cơ quan có thẩm quyền
    SETTLED = "settled"  # giải thích, trả lời ngay
    TRANSFERRED = "transferred"  # chuyển đơn, chuyển nội dung trình bày
    REFUSED = "refused"  # từ chối tiếp, Đ.9


class RefusalGround(str, enum.Enum):
    """The grounds of Luật Tiếp công dân 2013 Đ.9 (numbered as its clauses)."""

    INCAPACITATED = "incapacitated"  # khoản 1
    DISRUPTIVE = "disruptive"  # khoản 2
    PERSISTENT = "persistent"  # khoản 3: requires the written notice (Mẫu 01-TCD)
    OTHER_LAW = "other_law"  # khoản 4


class VisitorRole(str, enum.Enum):
    """A visitor on their own account, or a representative of a group (Đ.29)."""

    VISITOR = "visitor"
    REPRESENTATIVE = "representative"


class Visit(TimestampMixin, Base):
    """One reception of a citizen or a group (lượt tiếp), one line of the reception register."""

    __tablename__ = "visits"
    __table_args__ = (
        UniqueConstraint("agency_id", "year", "number"),
        CheckConstraint(enum_check("channel", [c.value for c in VisitChannel]), name="channel"),
        CheckConstraint(enum_check("kind", [k.value for k in PetitionKind]), name="kind"),
        CheckConstraint(enum_check("outcome", [o.value for o in VisitOutcome]), name="outcome"),
        CheckConstraint("refusal_ground IS NULL OR " + enum_check("refusal_ground", [g.value for g in RefusalGround]),
                        name="refusal_ground"),
        CheckConstraint("people_count >= 1", name="people_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    # Number in the agency's register for the year (STT of Luật TCD Đ.25.2), gap-free.
    year: Mapped[int] = mapped_column()
    number: Mapped[int] = mapped_column()
    visited_at: Mapped[datetime] = mapped_column(index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    place: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20), default=VisitChannel.IN_PERSON.value)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("reception_sessions.id"), index=True)
    online_request_id: Mapped[int | None] = mapped_column(ForeignKey("online_requests.id"))
    meeting_link: Mapped[str | None] = mapped_column(String(500))

    kind: Mapped[str] = mapped_column(String(20))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("content_categories.id"))
    people_count: Mapped[int] = mapped_column(Integer, default=1)
    is_group: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    summary: Mapped[str] = mapped_column(Text)  # nội dung vụ việc
    request: Mapped[str] = mapped_column(Text, default="")  # yêu cầu, đề nghị
    prior_handling: Mapped[str | None] = mapped_column(Text)  # quá trình xem xét, giải quyết
    respondent: Mapped[str | None] = mapped_column(String(300))

    outcome: Mapped[str] = mapped_column(String(30))
    outcome_note: Mapped[str | None] = mapped_column(Text)  # what was explained, said, decided
    guided_to: Mapped[str | None] = mapped_column(String(300))
    transfer_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    transfer_to_name: Mapped[str | None] = mapped_column(String(300))
    refusal_ground: Mapped[str | None] = mapped_column(String(20))
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"), index=True)

    # First visit, or a repeat on a matter already brought (lần đầu / tái diễn).
    is_repeat: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    repeat_of_visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    repeat_of_petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"))
    repeat_of_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))

    # The answer owed to the citizen (Luật TCD Đ.28.1, rule `reception.reply`).
    reply_due: Mapped[date | None] = mapped_column(index=True)
    reply_rule_code: Mapped[str | None] = mapped_column(String(60))
    replied_on: Mapped[date | None] = mapped_column()
    reply_note: Mapped[str | None] = mapped_column(Text)

    # A recording of an online reception, stored like an attachment (app.storage.files).
    recording_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    recording_name: Mapped[str | None] = mapped_column(String(255))
    recording_type: Mapped[str | None] = mapped_column(String(100))
    recording_size: Mapped[int | None] = mapped_column()

    # A denunciation: the visitors' identity is encrypted and masked in lists and exports.
    is_protected: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    search_folded: Mapped[str | None] = mapped_column(Text)
    # SHA-256 of the desk form's one-time token: a second submit finds this visit.
    submission_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    agency: Mapped[Agency] = relationship(foreign_keys=[agency_id])
    officer = relationship("User", foreign_keys=[officer_id])
    category = relationship("ContentCategory")
    transfer_agency: Mapped[Agency | None] = relationship(foreign_keys=[transfer_agency_id])
    petition = relationship("Petition", foreign_keys=[petition_id])
    session: Mapped[ReceptionSession | None] = relationship(back_populates="visits")
    repeat_of_visit: Mapped[Visit | None] = relationship(remote_side=[id], foreign_keys=[repeat_of_visit_id])
    repeat_of_petition = relationship("Petition", foreign_keys=[repeat_of_petition_id])
    repeat_of_case = relationship("Case", foreign_keys=[repeat_of_case_id])
    visitors: Mapped[list[VisitVisitor]] = relationship(
        back_populates="visit", order_by="VisitVisitor.position", cascade="all, delete-orphan"
    )

    @property
    def register_number(self) -> str:
        """`12/2026`: the running number in the agency's register and its year."""
        return f"{self.number}/{self.year}"


class VisitVisitor(Base):
    """A person met at a visit: a link to `Person`, or (denunciation) an encrypted identity."""

    __tablename__ = "visit_visitors"
    __table_args__ = (
        CheckConstraint(enum_check("role", [r.value for r in VisitorRole]), name="role"),
        CheckConstraint("(person_id IS NULL) <> (ciphertext IS NULL)", name="person_or_protected"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    role: Mapped[str] = mapped_column(String(20), default=VisitorRole.VISITOR.value)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)

    visit: Mapped[Visit] = relationship(back_populates="visitors")
    person: Mapped[Person | None] = relationship()


# --- leaders' reception days -----------------------------------------------------------------

class DutyPeriod(str, enum.Enum):
    """The period a minimum number of reception days is counted over."""

    WEEK = "week"
    MONTH = "month"


class ReceptionDutyRule(TimestampMixin, Base):
    """How often the head of a kind of agency at a level must receive citizens in person.

    Data, not code: each row carries its legal source and the dates it is in force
    (Luật Tiếp công dân 2013 Đ.12.5, Đ.13.5, Đ.15.2.d, Đ.18.2; DOMAIN.md §4).
    NULL kind or level means "any".
    """

    __tablename__ = "reception_duty_rules"
    __table_args__ = (
        CheckConstraint(enum_check("period", [p.value for p in DutyPeriod]), name="period"),
        CheckConstraint("days >= 1", name="days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_kind: Mapped[str | None] = mapped_column(String(30))
    agency_level: Mapped[str | None] = mapped_column(String(10))
    days: Mapped[int] = mapped_column()
    period: Mapped[str] = mapped_column(String(10))
    delegation_allowed: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    effective_from: Mapped[date] = mapped_column()
    effective_to: Mapped[date | None] = mapped_column()
    legal_source: Mapped[str] = mapped_column(Text)
    unverified: Mapped[bool] = mapped_column(default=False, server_default=text("false"))


class SessionStatus(str, enum.Enum):
    """A reception day: scheduled, held, or cancelled."""

    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class SessionMode(str, enum.Enum):
    """The leader received in person, or delegated a deputy (ủy quyền)."""

    IN_PERSON = "in_person"
    DELEGATED = "delegated"


class ReceptionSession(TimestampMixin, Base):
    """A leader's reception day (buổi tiếp công dân định kỳ hoặc đột xuất)."""

    __tablename__ = "reception_sessions"
    __table_args__ = (
        CheckConstraint(enum_check("status", [s.value for s in SessionStatus]), name="status"),
        CheckConstraint(enum_check("mode", [m.value for m in SessionMode]), name="mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    leader_name: Mapped[str] = mapped_column(String(200))  # the head who must receive
    held_on: Mapped[date] = mapped_column(index=True)  # the planned, then actual, day
    start_time: Mapped[str | None] = mapped_column(String(5))  # "08:00"
    place: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(20), default=SessionMode.IN_PERSON.value)
    delegate_name: Mapped[str | None] = mapped_column(String(200))
    is_ad_hoc: Mapped[bool] = mapped_column(default=False, server_default=text("false"))  # đột xuất, Đ.18.3
    status: Mapped[str] = mapped_column(String(20), default=SessionStatus.SCHEDULED.value)
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    # The conclusion notice (thông báo kết luận) issued after the day.
    conclusion_number: Mapped[str | None] = mapped_column(String(50))
    conclusion_date: Mapped[date | None] = mapped_column()
    conclusion_summary: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    agency: Mapped[Agency] = relationship()
    leader = relationship("User", foreign_keys=[leader_id])
    visits: Mapped[list[Visit]] = relationship(back_populates="session", order_by="Visit.visited_at")
    tasks: Mapped[list[Directive]] = relationship(
        back_populates="session", order_by="Directive.position", cascade="all, delete-orphan"
    )


# --- online reception (Luật 136/2025/QH15) ---------------------------------------------------

class OnlineSlot(TimestampMixin, Base):
    """A time staff publish for online reception; a citizen asks for one."""

    __tablename__ = "online_slots"
    __table_args__ = (CheckConstraint("capacity >= 1", name="capacity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column()
    capacity: Mapped[int] = mapped_column(default=1)
    published: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    agency: Mapped[Agency] = relationship()


class OnlineRequestStatus(str, enum.Enum):
    """Where a request for online reception stands."""

    REQUESTED = "requested"  # the citizen asked for a slot
    PROPOSED = "proposed"  # staff proposed another slot; the citizen answers
    CONFIRMED = "confirmed"  # a slot is agreed, with the meeting link
    DECLINED = "declined"  # staff declined, with a reason
    CANCELLED = "cancelled"  # the citizen cancelled
    HELD = "held"  # recorded as a visit


class OnlineRequest(TimestampMixin, Base):
    """A citizen's request to be received online, followed by code and access key."""

    __tablename__ = "online_requests"
    __table_args__ = (
        CheckConstraint(enum_check("status", [s.value for s in OnlineRequestStatus]), name="status"),
        CheckConstraint(enum_check("kind", [k.value for k in PetitionKind]), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    access_key_hash: Mapped[str] = mapped_column(String(64))
    submission_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=OnlineRequestStatus.REQUESTED.value, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    # The requester; for a denunciation the identity is encrypted instead (protected_identity).
    full_name: Mapped[str | None] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(12))
    phone: Mapped[str | None] = mapped_column(String(15))
    email: Mapped[str | None] = mapped_column(String(254))
    protected_identity: Mapped[bytes | None] = mapped_column(LargeBinary)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("online_slots.id"), index=True)
    proposed_slot_id: Mapped[int | None] = mapped_column(ForeignKey("online_slots.id"))
    meeting_link: Mapped[str | None] = mapped_column(String(500))
    staff_note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    agency: Mapped[Agency] = relationship()
    slot: Mapped[OnlineSlot | None] = relationship(foreign_keys=[slot_id])
    proposed_slot: Mapped[OnlineSlot | None] = relationship(foreign_keys=[proposed_slot_id])

    __mapper_args__ = {"version_id_col": version_id}
