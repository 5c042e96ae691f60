"""The working-day calendar and the one function that computes every due date.

Counting (DOMAIN.md "Read first"; Bộ luật Dân sự 2015 Đ.147–148):
- the day of the triggering event is not counted; counting starts the next day;
- working-day periods skip weekends, public holidays and substituted days off, and count
  make-up working days (ngày làm bù);
- a calendar-day period whose last day is not a working day ends on the next working day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit.services import record_event
from app.calendar.models import CalendarOverride, DayUnit, DeadlineRule, OverrideKind, RuleVariant
from app.extensions import db
from app.refcache import cached, forget_reference_data


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> dict[date, str]:
    """Viet Nam's public holidays of one year, from the `holidays` package (cached)."""
    return dict(holidays.country_holidays("VN", years=year))


@lru_cache(maxsize=64)
def _holiday_names(year: int, language: str) -> dict[date, str]:
    """The same holidays, named in a language the package knows ("vi", "en_US")."""
    return dict(holidays.country_holidays("VN", years=year, language=language))


class UnknownRule(LookupError):
    """No deadline rule with this code is in force on the given date."""


@dataclass(frozen=True)
class WorkCalendar:
    """Weekends, Vietnamese public holidays and the installation's overrides."""

    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    @classmethod
    def load(cls) -> WorkCalendar:
        """The calendar with the overrides stored in the database (kept per process: app/refcache.py)."""
        def read() -> WorkCalendar:
            rows = db.session.execute(select(CalendarOverride.day, CalendarOverride.kind)).all()
            off = frozenset(d for d, k in rows if k == OverrideKind.DAY_OFF.value)
            work = frozenset(d for d, k in rows if k == OverrideKind.WORKING_DAY.value)
            return cls(off, work)
        return cached("work_calendar", (CalendarOverride.__tablename__,), read)

    @staticmethod
    def public_holidays(year: int, language: str | None = None) -> dict[date, str]:
        """Viet Nam's public holidays of a year, Tết and substituted days included.

        `language` ("vi", "en_US") names them in that language; the dates are the same.
        """
        if language:
            return _holiday_names(year, language)
        return dict(_national_holidays(year))

    def is_holiday(self, day: date) -> bool:
        """A public holiday or an installation's extra day off."""
        return day in self.extra_days_off or day in _national_holidays(day.year)

    def is_working_day(self, day: date) -> bool:
        """Monday–Friday, not a holiday; or a make-up working day."""
        if day in self.extra_working_days:
            return True
        return day.weekday() < 5 and not self.is_holiday(day)

    def next_working_day(self, day: date) -> date:
        """The day itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (start itself not counted)."""
        day = start
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def add_calendar_days(self, start: date, days: int) -> date:
        """`days` calendar days after `start`, moved to the next working day if needed."""
        return self.next_working_day(start + timedelta(days=days))

    def add(self, start: date, days: int, unit: str) -> date:
        """Add a period in the given unit."""
        if unit == DayUnit.WORKING.value:
            return self.add_working_days(start, days)
        return self.add_calendar_days(start, days)


def _variant(complex_: bool, remote: bool) -> list[str]:
    """Variants to try, most specific first."""
    order = []
    if complex_ and remote:
        order.append(RuleVariant.REMOTE_COMPLEX.value)
    if remote:
        order.append(RuleVariant.REMOTE.value)
    if complex_:
        order.append(RuleVariant.COMPLEX.value)
    order.append(RuleVariant.STANDARD.value)
    return order


@dataclass(frozen=True)
class RuleTerms:
    """What counting needs of one rule row: which row, its variant, since when, how many days of what."""

    id: int
    variant: str
    effective_from: date
    days: int
    unit: str


def _rule_terms(code: str) -> list[RuleTerms]:
    """Every row of rule `code`, newest first; kept per process like the other reference data
    (app/refcache.py: an edit through this process is seen at once, elsewhere within a minute)."""
    def load() -> list[RuleTerms]:
        return [RuleTerms(r.id, r.variant, r.effective_from, r.days, r.unit) for r in db.session.execute(
            select(DeadlineRule.id, DeadlineRule.variant, DeadlineRule.effective_from, DeadlineRule.days,
                   DeadlineRule.unit).where(DeadlineRule.code == code)
            .order_by(DeadlineRule.effective_from.desc(), DeadlineRule.id.desc()))]
    return cached(("rule_terms", code), (DeadlineRule.__tablename__,), load)


def rule_terms(code: str, on: date, *, complex_: bool = False, remote: bool = False,
               variant: str | None = None) -> RuleTerms:
    """The terms of the rule with `code` in force on date `on`, in the most specific variant that exists."""
    candidates = [variant] if variant else _variant(complex_, remote)
    rows = [r for r in _rule_terms(code) if r.effective_from <= on]  # newest first
    for wanted in candidates:
        for rule in rows:
            if rule.variant == wanted:
                return rule
    raise UnknownRule(f"no rule {code!r} ({'/'.join(candidates)}) in force on {on.isoformat()}")


def find_rule(code: str, on: date, *, complex_: bool = False, remote: bool = False,
              variant: str | None = None) -> DeadlineRule:
    """The rule with `code` in force on date `on`, in the most specific variant that exists (the
    row, with its name and legal source, for showing; counting needs only `rule_terms`)."""
    terms = rule_terms(code, on, complex_=complex_, remote=remote, variant=variant)
    rule = db.session.get(DeadlineRule, terms.id)
    if rule is None:  # deleted by another process since it was read: read the rules again
        forget_reference_data({DeadlineRule.__tablename__})
        rule = db.session.get(DeadlineRule, rule_terms(code, on, complex_=complex_, remote=remote,
                                                       variant=variant).id)
    return rule


def due_date(code: str, start: date, *, complex_: bool = False, remote: bool = False,
             variant: str | None = None, calendar: WorkCalendar | None = None) -> date:
    """Every due date in the system comes from here: rule `code` counted from `start`."""
    rule = rule_terms(code, start, complex_=complex_, remote=remote, variant=variant)
    calendar = calendar or WorkCalendar.load()
    return calendar.add(start, rule.days, rule.unit)


def days_left(due: date, today: date) -> int:
    """Calendar days from today to the due date (negative when overdue)."""
    return (due - today).days


@dataclass(frozen=True)
class DueDate:
    """A computed due date and the rule it came from (for showing the legal source)."""

    rule: DeadlineRule
    due: date


def explain_due_date(code: str, start: date, *, complex_: bool = False, remote: bool = False) -> DueDate:
    """due_date() together with the rule that applied (UnknownRule if none is in force)."""
    rule = find_rule(code, start, complex_=complex_, remote=remote)
    return DueDate(rule, due_date(code, start, variant=rule.variant))


# --- installation overrides -------------------------------------------------------------------

class CalendarError(ValueError):
    """A calendar change the rules refuse; the message is for the user, `field` names the form field."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.field = field


def find_override(day: date) -> CalendarOverride | None:
    """The installation's override of a date, if any."""
    return db.session.scalars(select(CalendarOverride).where(CalendarOverride.day == day)).first()


def add_override(day: date, kind: str, reason: str, *, actor) -> CalendarOverride:
    """Add an extra day off or a make-up working day (one override per date)."""
    from app.formatting import format_date

    reason = (reason or "").strip()
    if kind not in {k.value for k in OverrideKind}:
        raise CalendarError(_l("Hãy chọn ngày nghỉ thêm hoặc ngày làm bù."), "kind")
    if not reason:
        raise CalendarError(_l("Hãy ghi lý do (ví dụ số quyết định, thông báo)."), "reason")
    existing = find_override(day)
    if existing is not None:
        raise CalendarError(_l("Ngày %(day)s đã có điều chỉnh (%(reason)s). Mỗi ngày chỉ có một điều chỉnh; "
                               "hãy xóa điều chỉnh cũ trước nếu muốn thay.", day=format_date(day),
                               reason=existing.reason), "day")
    national = WorkCalendar()
    if kind == OverrideKind.DAY_OFF.value and not national.is_working_day(day):
        raise CalendarError(_l("Ngày %(day)s vốn đã là ngày nghỉ (cuối tuần hoặc ngày lễ).", day=format_date(day)),
                            "day")
    if kind == OverrideKind.WORKING_DAY.value and national.is_working_day(day):
        raise CalendarError(_l("Ngày %(day)s vốn đã là ngày làm việc; ngày làm bù thường là một ngày thứ Bảy.",
                               day=format_date(day)), "day")
    row = CalendarOverride(day=day, kind=kind, reason=reason)
    db.session.add(row)
    db.session.flush()
    record_event("calendar_override", row.id, "created", actor_user_id=actor.id, actor_label=actor.full_name,
                 note=f"{day.isoformat()} {kind}: {reason}")
    return row


def delete_override(row: CalendarOverride, *, actor) -> None:
    """Remove an override; due dates computed from now on follow the national calendar that day."""
    record_event("calendar_override", row.id, "deleted", actor_user_id=actor.id, actor_label=actor.full_name,
                 note=f"{row.day.isoformat()} {row.kind}: {row.reason}")
    db.session.delete(row)
    db.session.flush()
