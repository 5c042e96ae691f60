"""Administrative units (from `vietnam-provinces`, with validity dates) and the agency tree."""
from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, TimestampMixin, enum_check


class UnitLevel(str, enum.Enum):
    """Level of an administrative unit. Districts existed until 30/6/2025 and stay for history."""

    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


class AdminUnit(Base):
    """A province, a (former) district or a commune, valid over an interval of dates.

    A unit abolished by a reform keeps its row with `valid_to` set and a link to its
    successor, so that an old case in a former district stays reportable.
    """

    __tablename__ = "admin_units"
    __table_args__ = (
        UniqueConstraint("level", "code", "valid_from"),
        CheckConstraint(enum_check("level", [u.value for u in UnitLevel]), name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(120))
    division_type: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)
    valid_from: Mapped[date] = mapped_column()
    valid_to: Mapped[date | None] = mapped_column()
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))

    parent: Mapped[AdminUnit | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id]
    )

    def __repr__(self) -> str:
        return f"<AdminUnit {self.level} {self.code} {self.name}>"


class AgencyKind(str, enum.Enum):
    """What kind of body an agency is."""

    PEOPLES_COMMITTEE = "peoples_committee"
    INSPECTORATE = "inspectorate"
    RECEPTION_BOARD = "reception_board"
    DEPARTMENT = "department"
    OTHER = "other"


class Agency(TimestampMixin, Base):
    """A public body in the tree (province People's Committee → inspectorate, communes …).

    `code` prefixes the tracking codes of the petitions the agency receives.
    """

    __tablename__ = "agencies"
    __table_args__ = (
        CheckConstraint(enum_check("kind", [k.value for k in AgencyKind]), name="kind"),
        CheckConstraint(enum_check("level", [u.value for u in UnitLevel]), name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))
    accepts_online: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    # Petitions addressed to "I don't know" go to the agency with this flag (the reception board).
    is_default_intake: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))

    parent: Mapped[Agency | None] = relationship(remote_side=[id])
    admin_unit: Mapped[AdminUnit | None] = relationship()

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"
