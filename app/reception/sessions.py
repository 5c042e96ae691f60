"""Leaders' reception days (buổi tiếp công dân của lãnh đạo), their conclusion notices and tasks,
the duty rules, and the warnings when a leader has not received citizens as often as the law asks.

Write side: operations that check their rules, change rows, write a "session" event and flush —
the view commits once. Each refusal raises `SessionError`, naming the form field it concerns.
Read side: the month's schedule, the session page, the dashboard's lists, always scoped in SQL to
what the user may see (`app.auth.scope`).

Luật Tiếp công dân 2013: Đ.12.5 (Chủ tịch UBND tỉnh, 1 ngày/tháng), Đ.15.2.d (Chủ tịch UBND xã,
1 ngày/tuần), Đ.18.2 (người đứng đầu cơ quan hành chính, 1 ngày/tháng), Đ.18.3 (tiếp đột xuất).
After the day the head issues a conclusion notice (thông báo kết luận) saying what each body must
do by when: each item is a `Directive`.
"""
from __future__ import annotations

import calendar as pycalendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from app.agencies.models import Agency, AgencyKind
from app.audit.services import record_event
from app.auth.models import User
from app.auth.permissions import Permission, Role
from app.auth.scope import subtree_ids, visible_agency_ids
from app.calendar.services import WorkCalendar
from app.extensions import db
from app.petitions.queries import Page
from app.formatting import LOCAL_TZ, format_date
from app.oversight.models import Directive, DirectiveSource
from app.reception.models import (
    DutyPeriod,
    ReceptionDutyRule,
    ReceptionSession,
    SessionMode,
    SessionStatus,
    Visit,
)

PAGE_SIZE = 50  # sessions a page on the schedule (a province's communes: 4–5 each a month)
VISITS_PAGE_SIZE = 25
TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:hH.]([0-5]\d)$")

# Kinds whose head is the head of an administrative agency (Luật TCD Đ.18.2): a rule with no
# kind ("any") applies to them. The reception board organises the reception, its head is not
# the head who must receive; "other" bodies (courts, Party bodies, mass organisations …) have
# their own duties outside this law's Đ.12–18. Either is checked only if a rule names its kind.
ADMINISTRATIVE_KINDS = frozenset({AgencyKind.PEOPLES_COMMITTEE.value, AgencyKind.DEPARTMENT.value,
                                  AgencyKind.INSPECTORATE.value})


class SessionError(ValueError):
    """A change the rules refuse; the message is for the user, `field` names the form field."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.field = field


def _actor(actor) -> dict:
    return {"actor_user_id": actor.id, "actor_label": actor.full_name}


def _event(session: ReceptionSession, action: str, actor, note: str | None = None, *,
           from_status: str | None = None, to_status: str | None = None) -> None:
    record_event("session", session.id, action, note=note, from_status=from_status, to_status=to_status,
                 **_actor(actor))


def _changes(obj, values: dict) -> str:
    """`name: old -> new; …` for the fields that change (the note of an "updated" event)."""
    return "; ".join(f"{k}: {getattr(obj, k)!r} -> {v!r}" for k, v in values.items() if getattr(obj, k) != v)


def can_manage(user, session: ReceptionSession) -> bool:
    """Schedule, change, cancel, conclude: SESSION_MANAGE, and only for one's own agency."""
    return user.can(Permission.SESSION_MANAGE) and session.agency_id == user.agency_id


def normalize_time(value: str | None) -> str | None:
    """`8:00`, `08h00`, `8.30` → `08:00`, `08:30`; empty → None; anything else raises ValueError."""
    if value is None or not value.strip():
        return None
    match = TIME_RE.match(value.strip())
    if not match:
        raise ValueError(value)
    return f"{int(match.group(1)):02d}:{match.group(2)}"


# --- duty rules -------------------------------------------------------------------------------

def _in_force(rule: ReceptionDutyRule, on: date) -> bool:
    return rule.effective_from <= on and (rule.effective_to is None or rule.effective_to >= on)


def _best_rule(rules, kind: str, level: str, on: date) -> ReceptionDutyRule | None:
    """The most specific rule in force: kind+level, then kind, then level, then neither.

    Among rows of the same specificity, the one that took effect last wins.
    """
    for want_kind, want_level in ((kind, level), (kind, None), (None, level), (None, None)):
        rows = [r for r in rules if r.agency_kind == want_kind and r.agency_level == want_level and _in_force(r, on)]
        if rows:
            return max(rows, key=lambda r: (r.effective_from, r.id))
    return None


def duty_rule_for(agency: Agency, on: date) -> ReceptionDutyRule | None:
    """The rule saying how often the head of `agency` must receive citizens, in force on `on`."""
    rules = db.session.scalars(select(ReceptionDutyRule).where(
        or_(ReceptionDutyRule.agency_kind.is_(None), ReceptionDutyRule.agency_kind == agency.kind),
        or_(ReceptionDutyRule.agency_level.is_(None), ReceptionDutyRule.agency_level == agency.level),
    )).all()
    return _best_rule(rules, agency.kind, agency.level, on)


def _applicable_rule(rules, agency: Agency, on: date) -> ReceptionDutyRule | None:
    """The rule to check the agency against, or None when its head has no such duty.

    An agency outside ADMINISTRATIVE_KINDS is checked only by a rule naming its kind.
    """
    rule = _best_rule(rules, agency.kind, agency.level, on)
    if rule is None or (rule.agency_kind is None and agency.kind not in ADMINISTRATIVE_KINDS):
        return None
    return rule


@dataclass(frozen=True)
class DutyWarning:
    """A period in which the head of an agency received citizens fewer days than the rule asks."""

    agency: Agency
    period_start: date
    period_end: date
    period: str  # DutyPeriod value
    required: int
    found: int
    legal_source: str
    unverified: bool
    is_current: bool  # the period is still running (scheduled days count)


def month_bounds(day: date) -> tuple[date, date]:
    """First and last day of the month of `day`."""
    return day.replace(day=1), day.replace(day=pycalendar.monthrange(day.year, day.month)[1])


def duty_periods(period: str, today: date) -> list[tuple[date, date]]:
    """The periods of the current month up to and including the one holding `today`.

    Weekly: the Monday–Sunday weeks overlapping the month (the first may start in the month
    before). Monthly: the month.
    """
    first, last = month_bounds(today)
    if period == DutyPeriod.MONTH.value:
        return [(first, last)]
    start = first - timedelta(days=first.weekday())
    periods = []
    while start <= today:
        periods.append((start, start + timedelta(days=6)))
        start += timedelta(days=7)
    return periods


def _working_days(cal: WorkCalendar, start: date, end: date) -> int:
    return sum(1 for i in range((end - start).days + 1) if cal.is_working_day(start + timedelta(days=i)))


def missing_reception_days(user, today: date, *, calendar: WorkCalendar | None = None) -> list[DutyWarning]:
    """Periods of the current month in which a head in the user's scope falls short of the rule.

    Checked: the active agencies the user may see whose head has a duty — People's Committees
    (Chủ tịch UBND tỉnh, xã: Đ.12.5, Đ.15.2.d), and departments and inspectorates as heads of
    administrative agencies under the "any kind" rule (Đ.18.2); reception boards and "other"
    bodies only when a rule names their kind (see ADMINISTRATIVE_KINDS).

    What counts: sessions not cancelled and not ad hoc (đột xuất is "ngoài việc tiếp định kỳ",
    Đ.18.3, so it does not stand in for a regular day), and delegated ones only when the rule
    allows delegation. A period entirely in the past counts only held sessions; the current one
    also counts those scheduled. A period with fewer working days than the rule asks (a Tết
    week) asks only for as many as it has.
    """
    cal = calendar or WorkCalendar.load()
    rules = db.session.scalars(select(ReceptionDutyRule)).all()
    agencies = db.session.scalars(
        select(Agency).where(Agency.id.in_(visible_agency_ids(user)), Agency.active.is_(True)).order_by(Agency.name)
    ).all()
    checks = [(a, r) for a in agencies if (r := _applicable_rule(rules, a, today)) is not None]
    if not checks:
        return []
    periods = {p: duty_periods(p, today) for p in {r.period for _a, r in checks}}
    lo = min(ps[0][0] for ps in periods.values())
    hi = max(ps[-1][1] for ps in periods.values())
    rows = db.session.execute(
        select(ReceptionSession.agency_id, ReceptionSession.held_on, ReceptionSession.status, ReceptionSession.mode)
        .where(ReceptionSession.agency_id.in_([a.id for a, _r in checks]),
               ReceptionSession.held_on >= lo, ReceptionSession.held_on <= hi,
               ReceptionSession.status != SessionStatus.CANCELLED.value,
               ReceptionSession.is_ad_hoc.is_(False))
    ).all()
    by_agency: dict[int, list] = {}
    for row in rows:
        by_agency.setdefault(row.agency_id, []).append(row)

    warnings = []
    for agency, rule in checks:
        for start, end in periods[rule.period]:
            current = end >= today
            counted = {SessionStatus.HELD.value} | ({SessionStatus.SCHEDULED.value} if current else set())
            days = {r.held_on for r in by_agency.get(agency.id, [])
                    if start <= r.held_on <= end and r.status in counted
                    and (rule.delegation_allowed or r.mode == SessionMode.IN_PERSON.value)}
            required = min(rule.days, _working_days(cal, start, end))
            if len(days) < required:
                warnings.append(DutyWarning(agency, start, end, rule.period, required, len(days),
                                            rule.legal_source, rule.unverified, current))
    return warnings


@dataclass
class RuleData:
    """What the rule form gives."""

    days: int
    period: str
    delegation_allowed: bool
    unverified: bool


def update_rule(rule: ReceptionDutyRule, data: RuleData, *, actor) -> ReceptionDutyRule:
    """Change a duty rule's number of days, period, delegation and the unverified flag."""
    if data.period not in {p.value for p in DutyPeriod}:
        raise SessionError(_l("Kỳ tính không hợp lệ."), "period")
    limit = 7 if data.period == DutyPeriod.WEEK.value else 31
    if not 1 <= data.days <= limit:
        raise SessionError(_l("Số ngày từ 1 đến %(n)s trong một kỳ.", n=limit), "days")
    values = {"days": data.days, "period": data.period, "delegation_allowed": bool(data.delegation_allowed),
              "unverified": bool(data.unverified)}
    note = _changes(rule, values)
    for key, value in values.items():
        setattr(rule, key, value)
    db.session.flush()
    record_event("duty_rule", rule.id, "updated", note=note or None, **_actor(actor))
    return rule


def all_rules() -> list[ReceptionDutyRule]:
    """Every duty rule, the "any" rows last, newest first within a kind and level."""
    return list(db.session.scalars(select(ReceptionDutyRule).order_by(
        ReceptionDutyRule.agency_kind.is_(None), ReceptionDutyRule.agency_kind, ReceptionDutyRule.agency_level,
        ReceptionDutyRule.effective_from.desc(), ReceptionDutyRule.id)))


# --- sessions: write side -----------------------------------------------------------------------

@dataclass
class SessionData:
    """What the schedule form gives (shaped by the form)."""

    held_on: date
    place: str
    leader_id: int | None = None
    leader_name: str | None = None
    start_time: str | None = None
    mode: str = SessionMode.IN_PERSON.value
    delegate_name: str | None = None
    is_ad_hoc: bool = False


def leaders_of(agency_id: int) -> list[User]:
    """Active accounts with the leader role in the agency (who may hold its reception days)."""
    return list(db.session.scalars(select(User).where(
        User.agency_id == agency_id, User.role == Role.LEADER.value, User.active.is_(True)).order_by(User.full_name)))


def _check_session(agency: Agency, data: SessionData, *, status: str, today: date,
                   cal: WorkCalendar) -> dict:
    """Check the schedule form against the rules; return the column values to set."""
    leader_name = (data.leader_name or "").strip()
    leader = None
    if data.leader_id is not None:
        leader = db.session.get(User, data.leader_id)
        if (leader is None or leader.agency_id != agency.id or leader.role != Role.LEADER.value
                or not leader.active):
            raise SessionError(_l("Lãnh đạo đã chọn không thuộc cơ quan này."), "leader")
        if leader_name and leader_name != leader.full_name:
            raise SessionError(_l("Hãy chọn lãnh đạo trong danh sách hoặc gõ họ tên, không dùng cả hai."),
                               "leader_name")
        leader_name = leader.full_name
    if not leader_name:
        raise SessionError(_l("Hãy chọn lãnh đạo tiếp công dân hoặc gõ họ tên người đứng đầu."), "leader")
    if len(leader_name) > 200:
        raise SessionError(_l("Họ tên tối đa 200 ký tự."), "leader_name")
    if data.held_on is None:
        raise SessionError(_l("Hãy nhập ngày tiếp."), "held_on")
    if not cal.is_working_day(data.held_on):
        raise SessionError(_l("Ngày %(day)s không phải ngày làm việc (thứ Bảy, Chủ nhật, ngày lễ, Tết hoặc ngày "
                              "nghỉ theo lịch của cơ quan). Hãy chọn một ngày làm việc.",
                              day=format_date(data.held_on)), "held_on")
    if status == SessionStatus.HELD.value and data.held_on > today:
        raise SessionError(_l("Buổi tiếp đã diễn ra: ngày tiếp không thể ở tương lai."), "held_on")
    place = (data.place or "").strip()
    if not place:
        raise SessionError(_l("Hãy nhập địa điểm tiếp."), "place")
    try:
        start_time = normalize_time(data.start_time)
    except ValueError:
        raise SessionError(_l("Giờ bắt đầu có dạng giờ:phút, ví dụ 07:30."), "start_time") from None
    if data.mode not in {m.value for m in SessionMode}:
        raise SessionError(_l("Hãy chọn hình thức tiếp."), "mode")
    delegate = (data.delegate_name or "").strip() or None
    if data.mode == SessionMode.DELEGATED.value:
        if not delegate:
            raise SessionError(_l("Hãy ghi họ tên, chức vụ cấp phó được ủy quyền tiếp."), "delegate_name")
        rule = duty_rule_for(agency, data.held_on)
        if rule is not None and not rule.delegation_allowed:
            raise SessionError(_l("Quy định áp dụng cho cơ quan này không cho phép ủy quyền cấp phó tiếp thay "
                                  "(%(source)s).", source=rule.legal_source), "mode")
    else:
        delegate = None
    return {"leader_id": leader.id if leader else None, "leader_name": leader_name, "held_on": data.held_on,
            "start_time": start_time, "place": place, "mode": data.mode, "delegate_name": delegate,
            "is_ad_hoc": bool(data.is_ad_hoc)}


def create_session(data: SessionData, *, actor, today: date, calendar: WorkCalendar | None = None
                   ) -> ReceptionSession:
    """Put a reception day on the schedule of the actor's agency."""
    agency = db.session.get(Agency, actor.agency_id)
    values = _check_session(agency, data, status=SessionStatus.SCHEDULED.value, today=today,
                            cal=calendar or WorkCalendar.load())
    session = ReceptionSession(agency_id=agency.id, status=SessionStatus.SCHEDULED.value,
                               created_by_id=actor.id, **values)
    db.session.add(session)
    db.session.flush()
    _event(session, "created", actor, note=f"{format_date(session.held_on)} {session.leader_name}",
           to_status=session.status)
    return session


def update_session(session: ReceptionSession, data: SessionData, *, actor, today: date,
                   calendar: WorkCalendar | None = None) -> ReceptionSession:
    """Change a scheduled or held day (a cancelled one stays as it was)."""
    if session.status == SessionStatus.CANCELLED.value:
        raise SessionError(_l("Buổi tiếp đã hủy, không sửa được."))
    values = _check_session(session.agency, data, status=session.status, today=today,
                            cal=calendar or WorkCalendar.load())
    if session.conclusion_date is not None and values["held_on"] > session.conclusion_date:
        raise SessionError(_l("Ngày tiếp không thể sau ngày ban hành thông báo kết luận (%(day)s).",
                              day=format_date(session.conclusion_date)), "held_on")
    note = _changes(session, values)
    for key, value in values.items():
        setattr(session, key, value)
    db.session.flush()
    _event(session, "updated", actor, note=note or None)
    return session


def cancel_session(session: ReceptionSession, reason: str, *, actor) -> ReceptionSession:
    """Cancel a scheduled day, with the reason."""
    if session.status != SessionStatus.SCHEDULED.value:
        raise SessionError(_l("Chỉ hủy được buổi tiếp đang ở trạng thái đã lên lịch."))
    reason = (reason or "").strip()
    if not reason:
        raise SessionError(_l("Hãy ghi lý do hủy."), "reason")
    if len(reason) > 300:
        raise SessionError(_l("Lý do tối đa 300 ký tự."), "reason")
    if session.visits:
        raise SessionError(_l("Buổi tiếp đã có lượt tiếp được ghi sổ, không hủy được. Nếu buổi tiếp đã diễn ra, "
                              "hãy ghi nhận đã tiếp."))
    old = session.status
    session.status = SessionStatus.CANCELLED.value
    session.cancel_reason = reason
    db.session.flush()
    _event(session, "cancelled", actor, note=reason, from_status=old, to_status=session.status)
    return session


def mark_held(session: ReceptionSession, *, actor, today: date) -> ReceptionSession:
    """Record that the scheduled day took place (its date cannot be in the future)."""
    if session.status != SessionStatus.SCHEDULED.value:
        raise SessionError(_l("Chỉ ghi nhận được buổi tiếp đang ở trạng thái đã lên lịch."))
    if session.held_on > today:
        raise SessionError(_l("Buổi tiếp ngày %(day)s chưa đến, chưa thể ghi nhận đã tiếp.",
                              day=format_date(session.held_on)))
    old = session.status
    session.status = SessionStatus.HELD.value
    db.session.flush()
    _event(session, "held", actor, from_status=old, to_status=session.status)
    return session


@dataclass
class ConclusionData:
    """The conclusion notice (thông báo kết luận) of a held day."""

    number: str
    issued_on: date
    summary: str


def save_conclusion(session: ReceptionSession, data: ConclusionData, *, actor, today: date) -> ReceptionSession:
    """Record or correct the conclusion notice of a held day."""
    if session.status != SessionStatus.HELD.value:
        raise SessionError(_l("Chỉ ban hành thông báo kết luận cho buổi tiếp đã diễn ra."))
    number = (data.number or "").strip()
    summary = (data.summary or "").strip()
    if not number:
        raise SessionError(_l("Hãy nhập số thông báo."), "number")
    if len(number) > 50:
        raise SessionError(_l("Số thông báo tối đa 50 ký tự."), "number")
    if data.issued_on is None:
        raise SessionError(_l("Hãy nhập ngày ban hành."), "issued_on")
    if data.issued_on < session.held_on:
        raise SessionError(_l("Ngày ban hành không thể trước ngày tiếp (%(day)s).",
                              day=format_date(session.held_on)), "issued_on")
    if data.issued_on > today:
        raise SessionError(_l("Ngày ban hành không thể ở tương lai."), "issued_on")
    early = [t for t in session.tasks if t.due_on <= data.issued_on]
    if early:
        raise SessionError(_l("Có việc hạn %(day)s không sau ngày ban hành: hạn của mỗi việc phải sau ngày ban "
                              "hành thông báo.", day=format_date(min(t.due_on for t in early))), "issued_on")
    if not summary:
        raise SessionError(_l("Hãy tóm tắt nội dung kết luận."), "summary")
    values = {"conclusion_number": number, "conclusion_date": data.issued_on, "conclusion_summary": summary}
    action = "conclusion_issued" if session.conclusion_date is None else "conclusion_updated"
    note = _changes(session, values)
    for key, value in values.items():
        setattr(session, key, value)
    for task in session.tasks:  # the notice's items are directives issued by it
        task.issued_on, task.document_number = data.issued_on, number
    db.session.flush()
    _event(session, action, actor, note=note or None)
    return session


@dataclass
class TaskData:
    """One item of the conclusion notice."""

    content: str
    assignee_agency_id: int | None
    due_on: date | None
    assignee_user_id: int | None = None


def assignee_agencies(session: ReceptionSession) -> list[Agency]:
    """Bodies the notice may task: the session's agency and the active agencies below it."""
    return list(db.session.scalars(select(Agency).where(
        Agency.id.in_(subtree_ids(session.agency_id)), Agency.active.is_(True)).order_by(Agency.name)))


def assignee_users(session: ReceptionSession) -> list[User]:
    """Active staff of those bodies (a task may name one person)."""
    return list(db.session.scalars(select(User).join(Agency, User.agency_id == Agency.id).where(
        User.agency_id.in_(subtree_ids(session.agency_id)), User.active.is_(True), Agency.active.is_(True),
        User.role != Role.ADMIN.value).order_by(Agency.name, User.full_name)))


def _check_task(session: ReceptionSession, data: TaskData) -> dict:
    if session.conclusion_date is None:
        raise SessionError(_l("Hãy ghi thông báo kết luận trước khi giao việc."))
    content = (data.content or "").strip()
    if not content:
        raise SessionError(_l("Hãy ghi nội dung việc phải làm."), "content")
    allowed = {a.id for a in assignee_agencies(session)}
    if data.assignee_agency_id not in allowed:
        raise SessionError(_l("Cơ quan được giao phải là cơ quan này hoặc một cơ quan trực thuộc đang hoạt động."),
                           "assignee_agency")
    if data.assignee_user_id is not None:
        user = db.session.get(User, data.assignee_user_id)
        if user is None or not user.active or user.agency_id != data.assignee_agency_id:
            raise SessionError(_l("Người được giao phải là cán bộ của cơ quan được giao."), "assignee_user")
    if data.due_on is None:
        raise SessionError(_l("Hãy nhập hạn hoàn thành."), "due_on")
    if data.due_on <= session.conclusion_date:
        raise SessionError(_l("Hạn hoàn thành phải sau ngày ban hành thông báo kết luận (%(day)s).",
                              day=format_date(session.conclusion_date)), "due_on")
    return {"content": content, "assignee_agency_id": data.assignee_agency_id,
            "assignee_user_id": data.assignee_user_id, "due_on": data.due_on}


def add_task(session: ReceptionSession, data: TaskData, *, actor) -> Directive:
    """Add an item to the conclusion notice: what a body must do, by when."""
    values = _check_task(session, data)
    position = max((t.position for t in session.tasks), default=0) + 1
    task = Directive(session=session, position=position, source=DirectiveSource.RECEPTION_SESSION.value,
                     issuer_agency_id=session.agency_id, source_name=session.leader_name,
                     document_number=session.conclusion_number, issued_on=session.conclusion_date,
                     created_by_id=getattr(actor, "id", None), **values)
    db.session.add(task)
    db.session.flush()
    _event(session, "task_added", actor, note=f"#{task.id} {format_date(task.due_on)}: {task.content[:200]}")
    return task


def update_task(task: Directive, data: TaskData, *, actor) -> Directive:
    """Change an open item (a done one stays as recorded)."""
    if task.is_done:
        raise SessionError(_l("Việc đã hoàn thành, không sửa được."))
    values = _check_task(task.session, data)
    note = _changes(task, values)
    for key, value in values.items():
        setattr(task, key, value)
    db.session.flush()
    _event(task.session, "task_updated", actor, note=f"#{task.id} {note}" if note else f"#{task.id}")
    return task


def complete_task(task: Directive, done_on: date | None, result_note: str, *, actor, today: date) -> Directive:
    """Mark an item done, on a date, with what was done."""
    if task.is_done:
        raise SessionError(_l("Việc này đã được ghi nhận hoàn thành."))
    if done_on is None:
        raise SessionError(_l("Hãy nhập ngày hoàn thành."), "done_on")
    if done_on > today:
        raise SessionError(_l("Ngày hoàn thành không thể ở tương lai."), "done_on")
    if task.session.conclusion_date and done_on < task.session.conclusion_date:
        raise SessionError(_l("Ngày hoàn thành không thể trước ngày ban hành thông báo kết luận (%(day)s).",
                              day=format_date(task.session.conclusion_date)), "done_on")
    note = (result_note or "").strip()
    if not note:
        raise SessionError(_l("Hãy ghi kết quả thực hiện."), "result_note")
    task.done_on = done_on
    task.result_note = note
    db.session.flush()
    _event(task.session, "task_done", actor, note=f"#{task.id} {format_date(done_on)}: {note[:200]}",
           from_status="open", to_status="done")
    return task


# --- read side ----------------------------------------------------------------------------------

def scoped(user) -> Select:
    """Sessions the user may see: their agency's, or the subtree's for a supervisor."""
    return select(ReceptionSession).where(ReceptionSession.agency_id.in_(visible_agency_ids(user)))


def get_for_user(user, session_id: int) -> ReceptionSession | None:
    """A session the user may see, or None (404)."""
    return db.session.scalars(scoped(user).where(ReceptionSession.id == session_id)).first()


def get_manageable(user, session_id: int) -> ReceptionSession | None:
    """A session of the user's own agency, or None (404): nobody changes another agency's days."""
    return db.session.scalars(select(ReceptionSession).where(
        ReceptionSession.id == session_id, ReceptionSession.agency_id == user.agency_id)).first()


def get_task(session: ReceptionSession, task_id: int) -> Directive | None:
    """A task of this session, or None (404)."""
    return db.session.scalars(select(Directive).where(
        Directive.id == task_id, Directive.session_id == session.id)).first()


def get_rule(rule_id: int) -> ReceptionDutyRule | None:
    """A duty rule, or None (404)."""
    return db.session.get(ReceptionDutyRule, rule_id)


def session_for_visit(user, session_id: int | None) -> ReceptionSession | None:
    """The session a desk visit may be recorded in: the user's own agency's, not cancelled."""
    if session_id is None:
        return None
    return db.session.scalars(select(ReceptionSession).where(
        ReceptionSession.id == session_id, ReceptionSession.agency_id == user.agency_id,
        ReceptionSession.status != SessionStatus.CANCELLED.value)).first()


def visible_agencies(user) -> list[Agency]:
    """The agencies of the user's scope (for the supervisor's filter)."""
    return list(db.session.scalars(select(Agency).where(Agency.id.in_(visible_agency_ids(user))).order_by(
        Agency.name)))


def _visit_counts():
    return (select(Visit.session_id, func.count().label("n")).where(Visit.session_id.is_not(None))
            .group_by(Visit.session_id).subquery())


def month_schedule(user, year: int, month: int, *, agency_id: int | None = None, page: int = 1) -> Page:
    """The reception days of one month in the user's scope, with the number of visits recorded.

    Items are (session, visit count) pairs, by date and time.
    """
    first = date(year, month, 1)
    _first, last = month_bounds(first)
    counts = _visit_counts()
    stmt = (select(ReceptionSession, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.session_id == ReceptionSession.id)
            .where(ReceptionSession.agency_id.in_(visible_agency_ids(user)),
                   ReceptionSession.held_on >= first, ReceptionSession.held_on <= last))
    if agency_id is not None:
        stmt = stmt.where(ReceptionSession.agency_id == agency_id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = max(1, page)
    rows = db.session.execute(
        stmt.options(selectinload(ReceptionSession.agency))
        .order_by(ReceptionSession.held_on, ReceptionSession.start_time, ReceptionSession.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return Page([(s, n) for s, n in rows], total, page, per_page=PAGE_SIZE)


def session_visits(session: ReceptionSession, page: int = 1) -> Page:
    """The visits recorded within the session, in order."""
    stmt = select(Visit).where(Visit.session_id == session.id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = max(1, page)
    items = db.session.scalars(stmt.order_by(Visit.visited_at, Visit.id).limit(VISITS_PAGE_SIZE)
                               .offset((page - 1) * VISITS_PAGE_SIZE)).all()
    return Page(list(items), total, page, per_page=VISITS_PAGE_SIZE)


def upcoming_sessions(user, today: date, limit: int = 5) -> list[ReceptionSession]:
    """The next scheduled reception days in the user's scope."""
    return list(db.session.scalars(scoped(user).where(
        ReceptionSession.status == SessionStatus.SCHEDULED.value, ReceptionSession.held_on >= today)
        .options(selectinload(ReceptionSession.agency))
        .order_by(ReceptionSession.held_on, ReceptionSession.start_time, ReceptionSession.id).limit(limit)))


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The aware instants starting `day` and the next day in Viet Nam time."""
    start = datetime.combine(day, time.min, tzinfo=LOCAL_TZ)
    return start, start + timedelta(days=1)


@dataclass(frozen=True)
class DeskCounts:
    """The reception figures of the dashboard."""

    visits_today: int
    awaiting_reply: int
    reply_overdue: int


def desk_counts(user, today: date) -> DeskCounts:
    """Visits logged today, and answers owed to citizens (Luật TCD Đ.28.1) in the user's scope."""
    scope = visible_agency_ids(user)
    start, end = local_day_bounds(today)
    visits_today = db.session.scalar(select(func.count()).select_from(Visit).where(
        Visit.agency_id.in_(scope), Visit.visited_at >= start, Visit.visited_at < end))
    owed = select(Visit.id).where(Visit.agency_id.in_(scope), Visit.reply_due.is_not(None),
                                  Visit.replied_on.is_(None))
    awaiting = db.session.scalar(select(func.count()).select_from(owed.subquery()))
    overdue = db.session.scalar(select(func.count()).select_from(owed.where(Visit.reply_due < today).subquery()))
    return DeskCounts(visits_today or 0, awaiting or 0, overdue or 0)
