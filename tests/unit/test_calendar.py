"""Working-day arithmetic (no database): weekends, Tết, substituted days, make-up Saturdays."""
from datetime import date

from app.calendar.services import WorkCalendar

CAL = WorkCalendar()


def test_event_day_not_counted_and_weekend_skipped():
    # Friday 27/11/2026 + 1 working day = Monday 30/11/2026.
    assert CAL.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)
    # + 10 working days from a Friday: two full weeks of weekdays.
    assert CAL.add_working_days(date(2026, 11, 27), 10) == date(2026, 12, 11)


def test_tet_2027_is_skipped():
    # Tết Đinh Mùi 2027: 04/02 (Thursday) to 10/02 (Wednesday) are days off.
    assert not CAL.is_working_day(date(2027, 2, 4))
    assert not CAL.is_working_day(date(2027, 2, 10))
    # Received Wednesday 03/02/2027: the next working day is Thursday 11/02/2027.
    assert CAL.add_working_days(date(2027, 2, 3), 1) == date(2027, 2, 11)
    # 7 working days (denunciation initial processing): 11, 12, 15, 16, 17, 18, 19 February.
    assert CAL.add_working_days(date(2027, 2, 3), 7) == date(2027, 2, 19)


def test_calendar_days_ending_in_tet_move_to_next_working_day():
    # 30 calendar days from 05/01/2027 end on Thursday 04/02/2027, inside Tết: moved to 11/02.
    assert CAL.add_calendar_days(date(2027, 1, 5), 30) == date(2027, 2, 11)
    # Ending on a Saturday moves to Monday.
    assert CAL.add_calendar_days(date(2026, 11, 27), 1) == date(2026, 11, 30)


def test_substituted_day_off_2026():
    # Monday 31/08/2026 is a day off substituted for a Saturday (the `holidays` package knows it).
    assert not CAL.is_working_day(date(2026, 8, 31))
    assert CAL.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)  # 31/8, 1/9, 2/9 off


def test_overrides_make_up_saturday_and_extra_day_off():
    cal = WorkCalendar(extra_days_off=frozenset({date(2026, 12, 1)}),
                       extra_working_days=frozenset({date(2026, 11, 28)}))
    assert cal.is_working_day(date(2026, 11, 28))  # a make-up Saturday counts
    assert not cal.is_working_day(date(2026, 12, 1))
    assert cal.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 28)
    assert cal.add_working_days(date(2026, 11, 27), 3) == date(2026, 12, 2)
