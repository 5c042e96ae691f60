"""due_date(): the rules in the database, their variants, the calendar and its overrides."""
from __future__ import annotations

from datetime import date

import pytest

from app.calendar.models import CalendarOverride, DeadlineRule
from app.calendar.services import UnknownRule, due_date
from app.extensions import db


def test_denunciation_initial_across_tet_2027(app):
    # Received Wednesday 03/02/2027, the day before Tết: 7 working days end Friday 19/02/2027.
    assert due_date("denunciation.initial", date(2027, 2, 3)) == date(2027, 2, 19)
    assert due_date("denunciation.initial", date(2027, 2, 3), variant="extended") == date(2027, 2, 24)


def test_complaint_accept_is_ten_working_days(app):
    # Friday 27/11/2026 + 10 working days = Friday 11/12/2026.
    assert due_date("complaint.accept", date(2026, 11, 27)) == date(2026, 12, 11)


@pytest.mark.parametrize("complex_,remote,expected", [
    (False, False, date(2027, 1, 4)),   # 30 days from 05/12/2026 = Mon 04/01/2027
    (True, False, date(2027, 1, 19)),   # 45
    (False, True, date(2027, 1, 19)),   # 45 (remote)
    (True, True, date(2027, 2, 3)),     # 60
])
def test_complaint_first_level_variants(app, complex_, remote, expected):
    assert due_date("complaint.first.resolve", date(2026, 12, 5), complex_=complex_, remote=remote) == expected


def test_calendar_period_ending_in_tet_moves_on(app):
    # 30 calendar days from 05/01/2027 end Thursday 04/02/2027 (Tết): the deadline is 11/02/2027.
    assert due_date("denunciation.resolve", date(2027, 1, 5)) == date(2027, 2, 11)


def test_second_level_remote_complex(app):
    # 70 days from 01/12/2026 end Tuesday 09/02/2027, inside Tết: the deadline is 11/02/2027.
    assert due_date("complaint.second.resolve", date(2026, 12, 1), complex_=True, remote=True) == date(2027, 2, 11)


def test_overrides_change_the_count(app):
    # Friday 27/11/2026 + 5 working days = Friday 04/12/2026 with the national calendar.
    assert due_date("denunciation.transfer", date(2026, 11, 27)) == date(2026, 12, 4)
    db.session.add(CalendarOverride(day=date(2026, 11, 28), kind="working_day", reason="Làm bù"))
    db.session.flush()
    # A make-up Saturday counts: 28, 30, 1, 2, 3.
    assert due_date("denunciation.transfer", date(2026, 11, 27)) == date(2026, 12, 3)
    db.session.add(CalendarOverride(day=date(2026, 12, 2), kind="day_off", reason="Nghỉ thêm"))
    db.session.flush()
    # An extra day off does not: 28, 30, 1, 3, 4.
    assert due_date("denunciation.transfer", date(2026, 11, 27)) == date(2026, 12, 4)


def test_newer_rule_takes_over_from_its_effective_date(app):
    db.session.add(DeadlineRule(code="complaint.accept", variant="standard", name="Thụ lý (mới)", days=7,
                                unit="working", counts_from="receipt", effective_from=date(2027, 1, 1),
                                legal_source="thử nghiệm"))
    db.session.flush()
    assert due_date("complaint.accept", date(2026, 12, 31)) == date(2027, 1, 15)  # old rule: 10 wd
    assert due_date("complaint.accept", date(2027, 1, 4)) == date(2027, 1, 13)  # new rule: 7 wd


def test_unknown_rule(app):
    with pytest.raises(UnknownRule):
        due_date("no.such.rule", date(2026, 1, 1))
