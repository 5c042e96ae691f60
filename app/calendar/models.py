"""Deadline rules and calendar overrides: data with their legal source, never constants in code."""
from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, TimestampMixin, enum_check


class DayUnit(str, enum.Enum):
    """Working days skip weekends and holidays; calendar days are the law's plain "ngày"."""

    WORKING = "working"
    CALENDAR = "calendar"


class RuleVariant(str, enum.Enum):
    """Variants where the law gives a different limit."""

    STANDARD = "standard"
    COMPLEX = "complex"
    REMOTE = "remote"
    REMOTE_COMPLEX = "remote_complex"
    EXTENDED = "extended"


class DeadlineRule(TimestampMixin, Base):
    """One legal time limit: `days` in `unit`, counted from `counts_from`, since `effective_from`."""

    __tablename__ = "deadline_rules"
    __table_args__ = (
        UniqueConstraint("code", "variant", "effective_from"),
        CheckConstraint(enum_check("unit", [u.value for u in DayUnit]), name="unit"),
        CheckConstraint(enum_check("variant", [v.value for v in RuleVariant]), name="variant"),
        CheckConstraint("days > 0", name="days_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), index=True)
    variant: Mapped[str] = mapped_column(String(20), default=RuleVariant.STANDARD.value)
    name: Mapped[str] = mapped_column(String(200))
    days: Mapped[int] = mapped_column()
    unit: Mapped[str] = mapped_column(String(10))
    counts_from: Mapped[str] = mapped_column(String(60))
    effective_from: Mapped[date] = mapped_column()
    legal_source: Mapped[str] = mapped_column(Text)
    unverified: Mapped[bool] = mapped_column(default=False, server_default=text("false"))


class OverrideKind(str, enum.Enum):
    """An extra day off, or a make-up working day (ngày làm bù, usually a Saturday)."""

    DAY_OFF = "day_off"
    WORKING_DAY = "working_day"


class CalendarOverride(TimestampMixin, Base):
    """An installation's correction to the national calendar, edited by administrators."""

    __tablename__ = "calendar_overrides"
    __table_args__ = (
        CheckConstraint(enum_check("kind", [k.value for k in OverrideKind]), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(300))
