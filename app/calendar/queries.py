"""Read side of the calendar: the rule list, and a year's holidays with the installation's overrides."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.calendar.models import CalendarOverride, DeadlineRule, RuleVariant
from app.calendar.services import WorkCalendar
from app.extensions import db

# The interface language → the language the `holidays` package names the days in.
HOLIDAY_LANGUAGES = {"vi": "vi", "en": "en_US"}
VARIANT_ORDER = {v.value: i for i, v in enumerate(RuleVariant)}


def rule_choices() -> list[tuple[str, str]]:
    """(code, name) of every rule code, the standard variant's name when there is one."""
    names: dict[str, str] = {}
    for rule in db.session.scalars(select(DeadlineRule).order_by(DeadlineRule.code,
                                                                 DeadlineRule.effective_from)):
        if rule.code not in names or rule.variant == RuleVariant.STANDARD.value:
            names[rule.code] = rule.name
    return sorted(names.items())


def all_rules() -> list[DeadlineRule]:
    """Every rule: by code, then variant (standard first), newest first."""
    rules = list(db.session.scalars(select(DeadlineRule)))
    return sorted(rules, key=lambda r: (r.code, VARIANT_ORDER.get(r.variant, 99), -r.effective_from.toordinal()))


@dataclass(frozen=True)
class YearDay:
    """A day of the holiday list: a national holiday, or an override with its reason."""

    day: date
    kind: str  # "holiday", "day_off" or "working_day"
    label: str
    override: CalendarOverride | None = None


def year_days(year: int, lang: str = "vi") -> list[YearDay]:
    """National holidays of `year` and the installation's overrides, by date."""
    names = WorkCalendar.public_holidays(year, language=HOLIDAY_LANGUAGES.get(lang, "vi"))
    days = [YearDay(d, "holiday", name) for d, name in names.items()]
    overrides = db.session.scalars(select(CalendarOverride).where(
        CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31)))
    days += [YearDay(o.day, o.kind, o.reason, o) for o in overrides]
    return sorted(days, key=lambda d: (d.day, d.override is not None))


def get_override(override_id: int) -> CalendarOverride | None:
    """An override by id, or None."""
    return db.session.get(CalendarOverride, override_id)
