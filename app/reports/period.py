"""Report periods (kỳ báo cáo): a month, a quarter, the first 6 or 9 months, a year, or any range.

A period is a pair of local dates, both included. Timestamps (a visit's time, a petition's
receipt) are compared with the local day bounds converted to UTC (`bounds`).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.formatting import LOCAL_TZ, format_date

PERIOD_KINDS = {
    "month": _l("Tháng"),
    "quarter": _l("Quý"),
    "half": _l("6 tháng đầu năm"),
    "nine_months": _l("9 tháng đầu năm"),
    "year": _l("Năm"),
    "range": _l("Khoảng ngày tùy chọn"),
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MAX_RANGE_DAYS = 366 * 5


class PeriodError(ValueError):
    """A period that cannot be built from what was chosen; `field_name` names the input."""

    def __init__(self, message: str, field_name: str | None = None):
        super().__init__(message)
        self.field_name = field_name


@dataclass(frozen=True)
class Period:
    """A report period: first and last local day, its kind and its Vietnamese name."""

    start: date
    end: date
    kind: str = "range"
    year: int | None = None
    number: int | None = None

    @property
    def phrase(self) -> str:
        """How a report opens: `Trong 9 tháng đầu năm 2021`, `Trong thời gian từ … đến …`."""
        if self.kind == "range":
            return _("Trong thời gian %(period)s", period=self.label)
        return _("Trong %(period)s", period=self.label)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("tháng %(m)d năm %(y)d", m=self.number, y=self.year)
        if self.kind == "quarter":
            return _("quý %(q)s năm %(y)d", q=ROMAN[self.number], y=self.year)
        if self.kind == "half":
            return _("6 tháng đầu năm %(y)d", y=self.year)
        if self.kind == "nine_months":
            return _("9 tháng đầu năm %(y)d", y=self.year)
        if self.kind == "year":
            return _("năm %(y)d", y=self.year)
        return _("từ %(a)s đến %(b)s", a=format_date(self.start), b=format_date(self.end))

    def bounds(self) -> tuple[datetime, datetime]:
        """[start of the first day, start of the day after the last) in local time, for timestamps."""
        return (datetime.combine(self.start, time.min, tzinfo=LOCAL_TZ),
                datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=LOCAL_TZ))

    def args(self) -> dict:
        """The query-string arguments that rebuild this period (links to cells, exports)."""
        if self.kind == "range":
            return {"period": "range", "start": format_date(self.start), "end": format_date(self.end)}
        args = {"period": self.kind, "year": self.year}
        if self.number:
            args["number"] = self.number
        return args


def make_period(kind: str, year: int | None = None, number: int | None = None,
                start: date | None = None, end: date | None = None) -> Period:
    """Build a period from the picker's choices; PeriodError with the field at fault otherwise."""
    if kind not in PERIOD_KINDS:
        raise PeriodError(_("Hãy chọn loại kỳ báo cáo."), "period")
    if kind == "range":
        if start is None:
            raise PeriodError(_("Hãy nhập ngày bắt đầu (dd/mm/yyyy)."), "start")
        if end is None:
            raise PeriodError(_("Hãy nhập ngày kết thúc (dd/mm/yyyy)."), "end")
        if end < start:
            raise PeriodError(_("Ngày kết thúc phải từ ngày bắt đầu trở đi."), "end")
        if (end - start).days > MAX_RANGE_DAYS:
            raise PeriodError(_("Khoảng báo cáo tối đa 5 năm."), "end")
        return _recognise(start, end)
    if year is None or not 2000 <= year <= 2100:
        raise PeriodError(_("Hãy nhập năm báo cáo (từ 2000 đến 2100)."), "year")
    if kind == "month":
        if number is None or not 1 <= number <= 12:
            raise PeriodError(_("Hãy chọn tháng (1–12)."), "number")
        return Period(date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1]),
                      kind, year, number)
    if kind == "quarter":
        if number is None or not 1 <= number <= 4:
            raise PeriodError(_("Hãy chọn quý (I–IV)."), "number")
        last_month = number * 3
        return Period(date(year, last_month - 2, 1),
                      date(year, last_month, calendar.monthrange(year, last_month)[1]), kind, year, number)
    if kind == "half":
        return Period(date(year, 1, 1), date(year, 6, 30), kind, year)
    if kind == "nine_months":
        return Period(date(year, 1, 1), date(year, 9, 30), kind, year)
    return Period(date(year, 1, 1), date(year, 12, 31), kind, year)


def _recognise(start: date, end: date) -> Period:
    """A range that is exactly a month, quarter, half year, nine months or year is named as such."""
    if start.day == 1 and start.year == end.year:
        y = start.year
        candidates = [make_period("month", y, start.month), make_period("year", y),
                      make_period("half", y), make_period("nine_months", y)]
        if start.month in (1, 4, 7, 10):
            candidates.append(make_period("quarter", y, (start.month - 1) // 3 + 1))
        for period in candidates:
            if (period.start, period.end) == (start, end):
                return period
    return Period(start, end)


def parse_date(value: str | None) -> date | None:
    """dd/mm/yyyy or yyyy-mm-dd, or None."""
    value = (value or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def period_from_args(args) -> Period:
    """A period from a query string (the picker, a cell link, an export link)."""
    def as_int(name):
        try:
            return int(args.get(name, ""))
        except (TypeError, ValueError):
            return None

    start_raw, end_raw = args.get("start"), args.get("end")
    start, end = parse_date(start_raw), parse_date(end_raw)
    kind = args.get("period", "")
    if kind == "range":
        if start_raw and start is None:
            raise PeriodError(_("Ngày bắt đầu không đúng dạng dd/mm/yyyy."), "start")
        if end_raw and end is None:
            raise PeriodError(_("Ngày kết thúc không đúng dạng dd/mm/yyyy."), "end")
    return make_period(kind, as_int("year"), as_int("number"), start, end)
