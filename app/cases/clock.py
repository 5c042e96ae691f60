"""The legal clock of a case: the due date from the rule, stopped by pauses, moved by extensions.

Pure computation over the case's history (no database writes), so that the due date shown
anywhere is always recomputed the same way from the same facts:

- the base due date comes from the deadline rule (app.calendar.services.due_date), counted
  from the acceptance day, in the complex / remote variant when they apply;
- a pause (tạm đình chỉ, giám định) stops the clock: the time from its start to its end is not
  counted (Luật Tố cáo 2018 Đ.34.2 for a suspension, Đ.31.4 for an expert assessment: "không
  tính vào thời hạn"; DOMAIN.md treats suspensions of complaints alike). The days left when it started are counted again, in the
  rule's unit, from the day it ends. While a pause is open the case has no due date;
- an extension (gia hạn) adds the extension rule's days to the due date in force when it is
  decided (Luật Tố cáo 2018 Đ.30.2–3: once for a complex matter, twice for an especially
  complex one, each at most 30 days).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app.calendar.models import DayUnit
from app.calendar.services import WorkCalendar, find_rule

# How many extensions a denunciation may have, by complexity (Luật Tố cáo 2018 Đ.30.2–3).
# The number of days of each extension is data: rule `denunciation.extension`.
MAX_EXTENSIONS = {"standard": 0, "complex": 1, "especially_complex": 2}


class ClockError(ValueError):
    """A pause or an extension that the law or the facts do not allow."""


@dataclass(frozen=True)
class Pause:
    """The clock stopped from `started_on` to `ended_on` (None: still stopped)."""

    started_on: date
    ended_on: date | None = None


@dataclass(frozen=True)
class Extension:
    """An extension decided on `decided_on` (the number of days comes from the rule)."""

    decided_on: date


@dataclass
class ClockState:
    """Where the clock stands: the due date (None while paused), and how it got there."""

    due: date | None
    base_due: date
    paused: bool = False
    days_left_at_pause: int | None = None  # in the rule's unit
    unit: str = DayUnit.CALENDAR.value
    extensions_used: int = 0
    steps: list[tuple[str, date, date | None]] = field(default_factory=list)  # (what, on, due after)


def complexity(criteria_met: int) -> str:
    """Nghị định 31/2019/NĐ-CP Đ.3: one criterion → complex, two or more → especially complex."""
    if criteria_met >= 2:
        return "especially_complex"
    return "complex" if criteria_met == 1 else "standard"


def _span(calendar: WorkCalendar, start: date, end: date, unit: str) -> int:
    """Days from `start` (excluded) to `end` (included) in the unit; 0 when end is not after start."""
    if end <= start:
        return 0
    if unit == DayUnit.WORKING.value:
        return sum(1 for n in range(1, (end - start).days + 1) if calendar.is_working_day(start + timedelta(days=n)))
    return (end - start).days


def compute(rule_code: str, accepted_on: date, *, complex_: bool = False, remote: bool = False,
            pauses: list[Pause] = (), extensions: list[Extension] = (), level: str | None = None,
            extension_rule: str = "denunciation.extension", calendar: WorkCalendar | None = None) -> ClockState:
    """The due date of a case from its rule, its acceptance day, its pauses and its extensions.

    `level` ("standard" / "complex" / "especially_complex") limits the extensions; a further
    one raises ClockError. Pauses and extensions are applied in date order.
    """
    calendar = calendar or WorkCalendar.load()
    rule = find_rule(rule_code, accepted_on, complex_=complex_, remote=remote)
    due = calendar.add(accepted_on, rule.days, rule.unit)
    state = ClockState(due=due, base_due=due, unit=rule.unit)
    events = sorted([(p.started_on, 0, p) for p in pauses] + [(e.decided_on, 1, e) for e in extensions],
                    key=lambda t: (t[0], t[1]))
    allowed = MAX_EXTENSIONS.get(level or "standard", 0)
    for on, _order, item in events:
        if on < accepted_on:
            raise ClockError("a pause or an extension before the case was accepted")
        if isinstance(item, Pause):
            if state.paused:
                raise ClockError("a pause while the clock is already stopped")
            left = _span(calendar, item.started_on, state.due, rule.unit)
            if item.ended_on is None:
                state.due, state.paused, state.days_left_at_pause = None, True, left
                state.steps.append(("paused", on, None))
                continue
            if item.ended_on < item.started_on:
                raise ClockError("a pause that ends before it starts")
            state.due = calendar.add(item.ended_on, left, rule.unit) if left else calendar.next_working_day(
                item.ended_on)
            state.steps.append(("resumed", item.ended_on, state.due))
        else:
            if state.paused:
                raise ClockError("an extension while the clock is stopped")
            if state.extensions_used >= allowed:
                raise ClockError(f"no more extensions allowed ({allowed} for a {level or 'standard'} matter)")
            ext = find_rule(extension_rule, on)
            state.due = calendar.add(state.due, ext.days, ext.unit)
            state.extensions_used += 1
            state.steps.append(("extended", on, state.due))
    return state


def appeal_window_closes(first_level_due: date, decision_received_on: date | None, *, remote: bool = False,
                         calendar: WorkCalendar | None = None) -> date:
    """The last day a first-level decision can be appealed (khiếu nại lần hai; rule
    `complaint.second.window`, Luật Khiếu nại 2011 Đ.33.1): counted from the later of the day the
    decision was received and the first-level due date (DOMAIN.md §9.11 — never earlier than the
    article's own start), in the remote-area variant where it applies. After it, the decision is final."""
    start = max(first_level_due, decision_received_on) if decision_received_on else first_level_due
    rule = find_rule("complaint.second.window", start, remote=remote)
    return (calendar or WorkCalendar.load()).add(start, rule.days, rule.unit)


@dataclass(frozen=True)
class UrgeDeadlines:
    """Luật Tố cáo 2018 Đ.38: the superior asks for a report, the resolver reports."""

    request_due: date  # the superior's written request, from the follow-up denunciation (Đ.38.2)
    report_due: date | None  # the resolver's report, from the day the request is received (Đ.38.3)


def urge_deadlines(followup_received_on: date, request_received_on: date | None = None, *,
                   calendar: WorkCalendar | None = None) -> UrgeDeadlines:
    """The two five-working-day steps of urging an overdue denunciation (rules are data)."""
    calendar = calendar or WorkCalendar.load()
    ask = find_rule("denunciation.overdue.request", followup_received_on)
    request_due = calendar.add(followup_received_on, ask.days, ask.unit)
    report_due = None
    if request_received_on is not None:
        rep = find_rule("denunciation.overdue.report", request_received_on)
        report_due = calendar.add(request_received_on, rep.days, rep.unit)
    return UrgeDeadlines(request_due, report_due)
