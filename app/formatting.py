"""Display helpers: local time (Asia/Ho_Chi_Minh), dates as dd/mm/yyyy, Vietnamese numbers.

Numbers always use the Vietnamese style the official reports use (`1.391,1 triệu đồng`,
`88,8%`), whatever the interface language.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from flask import Flask

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def to_local(value: datetime) -> datetime:
    """Convert an aware UTC datetime to Viet Nam time."""
    return value.astimezone(LOCAL_TZ)


def local_today() -> date:
    """Today's date in Viet Nam."""
    return datetime.now(LOCAL_TZ).date()


def format_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy (a datetime is first converted to Viet Nam time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """HH:MM dd/mm/yyyy in Viet Nam time."""
    if value is None:
        return ""
    return to_local(value).strftime("%H:%M %d/%m/%Y")


def format_number(value, decimals: int = 0) -> str:
    """Vietnamese number style: `.` groups thousands, `,` marks decimals."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale="vi")


def format_million_vnd(value_vnd) -> str:
    """An amount in đồng shown in millions: 1391100000 -> `1.391,1 triệu đồng`."""
    if value_vnd is None:
        return ""
    return f"{format_number(value_vnd / 1_000_000, 1)} triệu đồng"


def days_phrase(due: date | None, today: date | None = None) -> str:
    """`còn N ngày` / `hạn cuối hôm nay` / `quá hạn N ngày` for a due date."""
    from flask_babel import gettext as _
    from flask_babel import ngettext

    if due is None:
        return ""
    delta = (due - (today or local_today())).days
    if delta > 0:
        return ngettext("còn %(num)s ngày", "còn %(num)s ngày", delta)
    if delta == 0:
        return _("hạn cuối hôm nay")
    return ngettext("quá hạn %(num)s ngày", "quá hạn %(num)s ngày", -delta)


def init_formatting(app: Flask) -> None:
    """Register the helpers as Jinja filters, and the label tables as globals."""
    from app.petitions.labels import init_labels
    from app.reception.labels import init_labels as init_reception_labels

    init_labels(app)
    init_reception_labels(app)
    app.add_template_filter(days_phrase, "days_left")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_million_vnd, "million_vnd")
