"""The Petition, its petitioners, the protected identity of a denunciator, and attachments.

Statuses are strings with a CHECK constraint; the named state sets below drive predicates
and queries. The identity of a denunciator never sits in `petitioners`: it is encrypted in
`protected_identities` (Luật Tố cáo 2018 Đ.9.1.b, Đ.56).
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Index,
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.agencies.models import Agency, AdminUnit
from app.db import Base, TimestampMixin, enum_check, utcnow


class PetitionKind(str, enum.Enum):
    """The legal kind of a petition."""

    COMPLAINT = "complaint"  # khiếu nại, Luật Khiếu nại 2011 Đ.2
    DENUNCIATION = "denunciation"  # tố cáo, Luật Tố cáo 2018 Đ.2
    PROPOSAL = "proposal"  # kiến nghị, phản ánh, Luật Tiếp công dân 2013 Đ.2.2


class PetitionStatus(str, enum.Enum):
    """Triage states (DESIGN.md §4); only RECEIVED is reached by intake itself."""

    RECEIVED = "received"
    CLASSIFIED = "classified"
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    GUIDED = "guided"
    TRANSFERRED = "transferred"
    URGED = "urged"
    FILED = "filed"
    MERGED = "merged"
    SPLIT = "split"


OPEN_STATES = frozenset({PetitionStatus.RECEIVED, PetitionStatus.CLASSIFIED, PetitionStatus.PROPOSED})
CLOSED_STATES = frozenset(set(PetitionStatus) - OPEN_STATES)


class ProposedAction(str, enum.Enum):
    """What a handler proposes and a leader approves (DESIGN.md §4)."""

    ACCEPT = "accept"
    GUIDE = "guide"
    TRANSFER = "transfer"
    URGE = "urge"
    FILE = "file"
    MERGE = "merge"


# The state an approved proposal leads to.
PROPOSAL_OUTCOME = {
    ProposedAction.ACCEPT.value: PetitionStatus.ACCEPTED.value,
    ProposedAction.GUIDE.value: PetitionStatus.GUIDED.value,
    ProposedAction.TRANSFER.value: PetitionStatus.TRANSFERRED.value,
    ProposedAction.URGE.value: PetitionStatus.URGED.value,
    ProposedAction.FILE.value: PetitionStatus.FILED.value,
    ProposedAction.MERGE.value: PetitionStatus.MERGED.value,
}


class FileReason(str, enum.Enum):
    """Why a petition is filed without further handling (TT 07/2014 Đ.6, Đ.28; Luật TC Đ.24.3, Đ.25)."""

    INELIGIBLE = "ineligible"
    TIME_BARRED = "time_barred"
    FINALLY_DECIDED = "finally_decided"
    ILLEGIBLE = "illegible"
    SENT_TO_MANY = "sent_to_many"
    ALREADY_GUIDED = "already_guided"
    ANONYMOUS = "anonymous"


class ForwarderKind(str, enum.Enum):
    """Who forwarded a paper petition."""

    NATIONAL_ASSEMBLY = "national_assembly"
    PEOPLES_COUNCIL = "peoples_council"
    FATHERLAND_FRONT = "fatherland_front"
    PRESS = "press"
    HIGHER_BODY = "higher_body"
    OTHER = "other"


class Channel(str, enum.Enum):
    """How the petition reached the agency."""

    ONLINE = "online"
    WALK_IN = "walk_in"
    POST = "post"
    HAND = "hand"
    FORWARDED = "forwarded"


class ContentCategory(Base):
    """A content sub-class of a kind (DOMAIN.md §2), e.g. complaint → administrative → land."""

    __tablename__ = "content_categories"
    __table_args__ = (
        CheckConstraint(enum_check("kind", [k.value for k in PetitionKind]), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("content_categories.id"))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))


class Petition(TimestampMixin, Base):
    """One received document (đơn): online, at the desk, by post or forwarded."""

    __tablename__ = "petitions"
    __table_args__ = (
        CheckConstraint(enum_check("kind", [k.value for k in PetitionKind]), name="kind"),
        CheckConstraint(enum_check("status", [s.value for s in PetitionStatus]), name="status"),
        CheckConstraint(enum_check("channel", [c.value for c in Channel]), name="channel"),
        CheckConstraint("group_size IS NULL OR group_size >= 2", name="group_size"),
        CheckConstraint(
            "proposed_action IS NULL OR " + enum_check("proposed_action", [a.value for a in ProposedAction]),
            name="proposed_action"),
        # Tab counts and status filters within an agency scope: an index-only scan (queries.tab_counts).
        Index("ix_petitions_status_agency", "status", "agency_id"),
        # "Received in the period" within a scope — every report's figure — as an index-only range scan
        # (app/reports: Column.bounds); also every lookup by agency.
        Index("ix_petitions_agency_received", "agency_id", "received_at", "source_petition_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(30), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))  # indexed with received_at (above)
    # What the citizen chose; NULL when they did not know (then agency_id is the intake body).
    addressed_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=PetitionStatus.RECEIVED.value)
    channel: Mapped[str] = mapped_column(String(20))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("content_categories.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(Text)
    request: Mapped[str] = mapped_column(Text)
    respondent: Mapped[str] = mapped_column(String(300))
    previously_handled: Mapped[bool] = mapped_column(default=False)
    prior_handler: Mapped[str | None] = mapped_column(String(300))
    prior_date: Mapped[date | None] = mapped_column()
    prior_decision_number: Mapped[str | None] = mapped_column(String(100))
    is_group: Mapped[bool] = mapped_column(default=False)
    group_size: Mapped[int | None] = mapped_column(Integer)
    declared_truthful: Mapped[bool] = mapped_column(default=False)
    # The next legal deadline and the rule it comes from (see app.calendar.services.due_date).
    due_date: Mapped[date | None] = mapped_column(index=True)
    due_rule_code: Mapped[str | None] = mapped_column(String(60))
    access_key_hash: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the one-time form token: a second submit of the same form finds this row.
    submission_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    version_id: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    # Paper intake
    letter_date: Mapped[date | None] = mapped_column()
    forwarded_by_kind: Mapped[str | None] = mapped_column(String(30))
    forwarded_by_name: Mapped[str | None] = mapped_column(String(300))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # Triage (xử lý đơn)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    multi_signer: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    eligibility: Mapped[dict | None] = mapped_column(JSON)
    is_eligible: Mapped[bool | None] = mapped_column()
    within_jurisdiction: Mapped[bool | None] = mapped_column()
    proposed_action: Mapped[str | None] = mapped_column(String(20))
    proposal: Mapped[dict | None] = mapped_column(JSON)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    guide_to: Mapped[str | None] = mapped_column(String(300))
    transfer_to_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    transfer_to_name: Mapped[str | None] = mapped_column(String(300))
    urged_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    file_reason: Mapped[str | None] = mapped_column(String(30))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"))
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"))
    # A petition transferred in from another agency in the system: the original.
    source_petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # Retention of a filed petition (app.retention): kept until this day, then destroyed on approval.
    destroy_after: Mapped[date | None] = mapped_column(index=True)
    destroyed_at: Mapped[datetime | None] = mapped_column()
    # Title, content, respondent and (unprotected) names folded for diacritic-free search.
    search_folded: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Agency] = relationship(foreign_keys=[agency_id])
    addressed_agency: Mapped[Agency | None] = relationship(foreign_keys=[addressed_agency_id])
    category: Mapped[ContentCategory | None] = relationship()
    handler = relationship("User", foreign_keys=[handler_id])
    transfer_to_agency: Mapped[Agency | None] = relationship(foreign_keys=[transfer_to_agency_id])
    urged_agency: Mapped[Agency | None] = relationship(foreign_keys=[urged_agency_id])
    source_petition: Mapped[Petition | None] = relationship(remote_side=[id], foreign_keys=[source_petition_id])
    merged_into: Mapped[Petition | None] = relationship(remote_side=[id], foreign_keys=[merged_into_id])
    petitioners: Mapped[list[Petitioner]] = relationship(
        back_populates="petition", order_by="Petitioner.position", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="petition", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_denunciation(self) -> bool:
        """True for a tố cáo, whose denunciator's identity is protected."""
        return self.kind == PetitionKind.DENUNCIATION.value


class PetitionerRole(str, enum.Enum):
    """The person who filed, or another representative of a group."""

    PETITIONER = "petitioner"
    REPRESENTATIVE = "representative"


class Petitioner(Base):
    """A person who signed a petition. Empty of identity when `is_protected` (denunciator)."""

    __tablename__ = "petitioners"
    __table_args__ = (
        CheckConstraint(enum_check("role", [r.value for r in PetitionerRole]), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    role: Mapped[str] = mapped_column(String(20), default=PetitionerRole.PETITIONER.value)
    is_protected: Mapped[bool] = mapped_column(default=False)
    full_name: Mapped[str | None] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(12), index=True)
    phone: Mapped[str | None] = mapped_column(String(15), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(300))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))
    # The person known to the reception desk (app.reception), when the petition came through it.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)

    petition: Mapped[Petition] = relationship(back_populates="petitioners")
    province: Mapped[AdminUnit | None] = relationship(foreign_keys=[province_id])
    commune: Mapped[AdminUnit | None] = relationship(foreign_keys=[commune_id])
    protected_identity: Mapped[ProtectedIdentity | None] = relationship(
        back_populates="petitioner", cascade="all, delete-orphan", uselist=False
    )


class ProtectedIdentity(Base):
    """The denunciator's identity, encrypted at rest (mật). Decrypted only by app.crypto."""

    __tablename__ = "protected_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    petitioner_id: Mapped[int] = mapped_column(
        ForeignKey("petitioners.id", ondelete="CASCADE"), unique=True
    )
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    petitioner: Mapped[Petitioner] = relationship(back_populates="protected_identity")


class Attachment(Base):
    """A file attached to a petition, stored outside the web root under a random name."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    petition: Mapped[Petition] = relationship(back_populates="attachments")


class StagedUpload(Base):
    """A file uploaded with a form that failed validation, kept so the citizen need not re-pick it.

    Bound to the form's one-time token: only the same form can claim it.
    """

    __tablename__ = "staged_uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    form_token_hash: Mapped[str] = mapped_column(String(64), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
