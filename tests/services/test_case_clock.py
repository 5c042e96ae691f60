"""The legal clock of a case (app.cases.clock): variants, pauses, extensions, Tết — on both databases,
since the rules are read from the deadline-rule table."""
from __future__ import annotations

from datetime import date

import pytest

from app.cases.clock import (
    ClockError,
    Extension,
    Pause,
    appeal_window_closes,
    complexity,
    compute,
    urge_deadlines,
)


def test_first_level_complaint_variants(app):
    accepted = date(2026, 3, 2)  # Monday
    assert compute("complaint.first.resolve", accepted).due == date(2026, 4, 1)  # 30 days
    assert compute("complaint.first.resolve", accepted, complex_=True).due == date(2026, 4, 16)  # 45
    assert compute("complaint.first.resolve", accepted, remote=True).due == date(2026, 4, 16)  # 45
    assert compute("complaint.first.resolve", accepted, remote=True, complex_=True).due == date(2026, 5, 4)  # 60 → 01/05 holiday … Mon 04/05
    assert compute("complaint.second.resolve", accepted, remote=True, complex_=True).due == date(2026, 5, 11)  # 70


def test_a_due_date_in_tet_moves_to_the_first_working_day_after(app):
    # 05/01/2027 + 30 days = 04/02/2027, the 29th of the lunar year: Tết runs to 10/02/2027.
    assert compute("denunciation.resolve", date(2027, 1, 5)).due == date(2027, 2, 11)


def test_a_suspension_stops_the_clock_and_resuming_continues_it(app):
    accepted = date(2026, 3, 2)
    plain = compute("denunciation.resolve", accepted)
    assert plain.due == date(2026, 4, 1)
    # Stopped on 10/03 with 22 days left; resumed on 20/03: 20/03 + 22 = 11/04 (Saturday) → Monday 13/04.
    state = compute("denunciation.resolve", accepted, pauses=[Pause(date(2026, 3, 10), date(2026, 3, 20))])
    assert state.due == date(2026, 4, 13) and not state.paused
    open_ = compute("denunciation.resolve", accepted, pauses=[Pause(date(2026, 3, 10))])
    assert open_.due is None and open_.paused and open_.days_left_at_pause == 22


def test_a_pause_on_a_working_day_rule_counts_working_days(app):
    # complaint.accept: 10 working days from Monday 02/03/2026 → Monday 16/03/2026.
    accepted = date(2026, 3, 2)
    assert compute("complaint.accept", accepted).due == date(2026, 3, 16)
    # Stopped on Wednesday 04/03 (8 working days left), resumed Monday 09/03 → 8 working days → 19/03.
    state = compute("complaint.accept", accepted, pauses=[Pause(date(2026, 3, 4), date(2026, 3, 9))])
    assert state.due == date(2026, 3, 19)


@pytest.mark.parametrize("criteria, allowed", [(0, 0), (1, 1), (2, 2), (3, 2)])
def test_extensions_by_complexity_and_the_next_one_refused(app, criteria, allowed):
    level = complexity(criteria)
    accepted = date(2026, 3, 2)
    extensions = [Extension(date(2026, 3, 25)), Extension(date(2026, 4, 20))][:allowed]
    state = compute("denunciation.resolve", accepted, level=level, extensions=extensions)
    # Each extension adds 30 days to the due date in force: 01/04 → 01/05 is Labour Day, so 04/05
    # (after the weekend) → 03/06.
    expected = [date(2026, 4, 1), date(2026, 5, 4), date(2026, 6, 3)][allowed]
    assert state.due == expected and state.extensions_used == allowed
    with pytest.raises(ClockError):
        compute("denunciation.resolve", accepted, level=level,
                extensions=extensions + [Extension(date(2026, 6, 1))])


def test_pause_and_extension_together_apply_in_date_order(app):
    accepted = date(2026, 3, 2)
    state = compute("denunciation.resolve", accepted, level="complex",
                    pauses=[Pause(date(2026, 3, 10), date(2026, 3, 20))], extensions=[Extension(date(2026, 4, 1))])
    # Resumed due 13/04; extended by 30 days → 13/05/2026 (Wednesday).
    assert state.due == date(2026, 5, 13)
    assert [s[0] for s in state.steps] == ["resumed", "extended"]


@pytest.mark.parametrize("pauses, extensions", [
    ([Pause(date(2026, 3, 1), date(2026, 3, 5))], []),  # before acceptance
    ([Pause(date(2026, 3, 10), date(2026, 3, 5))], []),  # ends before it starts
    ([Pause(date(2026, 3, 10))], [Extension(date(2026, 3, 12))]),  # extension while stopped
    ([Pause(date(2026, 3, 10)), Pause(date(2026, 3, 12), date(2026, 3, 14))], []),  # pause while stopped
])
def test_impossible_histories_are_refused(app, pauses, extensions):
    with pytest.raises(ClockError):
        compute("denunciation.resolve", date(2026, 3, 2), level="complex", pauses=pauses, extensions=extensions)


def test_the_appeal_window(app):
    first_due = date(2026, 4, 1)
    # No decision by the due date: 30 days from it.
    assert appeal_window_closes(first_due, None) == date(2026, 5, 4)  # 01/05 holiday, weekend → 04/05
    # A decision received late: from its receipt; remote areas: 45 days.
    assert appeal_window_closes(first_due, date(2026, 4, 10)) == date(2026, 5, 11)  # 10/05 Sunday
    assert appeal_window_closes(first_due, date(2026, 4, 10), remote=True) == date(2026, 5, 25)
    # A decision received early never shortens the window below the due date's.
    assert appeal_window_closes(first_due, date(2026, 3, 20)) == date(2026, 5, 4)


def test_urging_an_overdue_denunciation_takes_five_plus_five_working_days(app):
    # Follow-up denunciation received Friday 24/04/2026: five working days skip Monday 27/04 (Hùng
    # Kings' day, moved from Sunday 26/04), 30/04 and 01/05 → Wednesday 06/05.
    steps = urge_deadlines(date(2026, 4, 24))
    assert steps.request_due == date(2026, 5, 6) and steps.report_due is None
    steps = urge_deadlines(date(2026, 4, 24), date(2026, 5, 7))
    assert steps.report_due == date(2026, 5, 14)
