"""Urging (đôn đốc) an overdue case: a superior body asks, the resolving body reports.

Luật Tố cáo 2018 Đ.38: when a denunciation is overdue, the superior body asks the resolver in
writing within five working days of the follow-up denunciation (or of the day it noticed), and the
resolver reports within five working days of receiving the request (rules
`denunciation.overdue.request` / `denunciation.overdue.report`, app.cases.clock.urge_deadlines).
The same two steps are applied to an overdue case of any kind. The request is taken as received the
day it is sent (the system delivers it at once).

Events on the case: "urged", "urge_late" (the request itself later than its five days),
"urge_report", "urge_report_late". Services flush, never commit.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.audit.services import record_event
from app.auth.permissions import Permission
from app.auth.scope import subtree_ids
from app.cases import clock
from app.cases.models import Case
from app.cases.services import CaseError
from app.cases.urge_models import CaseUrge
from app.cases.workflow import END_STATES, CaseState
from app.extensions import db


def _actor(user) -> dict:
    return {"actor_user_id": user.id, "actor_label": user.full_name}


def is_superior_of(user, case: Case) -> bool:
    """The user's agency is a strict ancestor of the case's agency (in SQL, through the agency tree)."""
    if case.agency_id == user.agency_id:
        return False
    return case.agency_id in subtree_ids(user.agency_id)


def can_urge(user, case: Case, on: date) -> bool:
    """Whether `urge` would accept this user and case on this day (for offering the form)."""
    return (user.can(Permission.SUBTREE_URGE) and CaseState(case.status) not in END_STATES
            and case.due_date is not None and case.due_date < on and is_superior_of(user, case))


def open_urge(case: Case) -> CaseUrge | None:
    """The urge of the case still waiting for its report, if any."""
    return db.session.scalars(select(CaseUrge).where(CaseUrge.case_id == case.id,
                                                     CaseUrge.report_received_on.is_(None))).first()


def urge(case: Case, user, *, followup_received_on: date, request_sent_on: date, note: str | None = None) -> CaseUrge:
    """The superior body urges an overdue case of a subordinate body; returns the urge."""
    if not user.can(Permission.SUBTREE_URGE):
        raise CaseError(_l("Bạn không có quyền đôn đốc."))
    if not is_superior_of(user, case):
        raise CaseError(_l("Chỉ cơ quan cấp trên mới đôn đốc vụ việc của cơ quan cấp dưới."))
    if CaseState(case.status) in END_STATES:
        raise CaseError(_l("Vụ việc đã kết thúc."))
    if case.due_date is None or case.due_date >= request_sent_on:
        raise CaseError(_l("Vụ việc chưa quá hạn giải quyết."), "request_sent_on")
    if request_sent_on < followup_received_on:
        raise CaseError(_l("Ngày gửi yêu cầu không thể trước ngày nhận tố cáo tiếp."), "request_sent_on")
    if open_urge(case) is not None:
        raise CaseError(_l("Vụ việc đang được đôn đốc, chờ báo cáo."))
    deadlines = clock.urge_deadlines(followup_received_on, request_sent_on)
    item = CaseUrge(case_id=case.id, urging_agency_id=user.agency_id, urged_by_id=user.id,
                    followup_received_on=followup_received_on, request_sent_on=request_sent_on,
                    request_due=deadlines.request_due, report_due=deadlines.report_due,
                    request_note=(note or "").strip() or None)
    db.session.add(item)
    db.session.flush()
    record_event("case", case.id, "urged", note=item.request_note or user.agency.name, **_actor(user))
    if item.request_late:
        record_event("case", case.id, "urge_late",
                     note=f"{request_sent_on.isoformat()} > {item.request_due.isoformat()}", **_actor(user))
    return item


def record_report(item: CaseUrge, user, *, received_on: date, note: str) -> CaseUrge:
    """The resolving body's report on an urge; late after five working days from the request."""
    case = item.case
    if not user.can(Permission.CASE_WORK) or user.agency_id != case.agency_id:
        raise CaseError(_l("Chỉ cơ quan đang giải quyết vụ việc mới báo cáo."))
    if item.report_received_on is not None:
        raise CaseError(_l("Đã có báo cáo cho lần đôn đốc này."))
    if received_on < item.request_sent_on:
        raise CaseError(_l("Ngày báo cáo không thể trước ngày nhận yêu cầu."), "received_on")
    if not (note or "").strip():
        raise CaseError(_l("Hãy ghi nội dung báo cáo."), "note")
    item.report_received_on, item.report_note, item.reported_by_id = received_on, note.strip(), user.id
    record_event("case", case.id, "urge_report", note=item.report_note, **_actor(user))
    if item.report_late:
        record_event("case", case.id, "urge_report_late",
                     note=f"{received_on.isoformat()} > {item.report_due.isoformat()}", **_actor(user))
    db.session.flush()
    return item


def urges_for(user):
    """SELECT of the urges sent by the user's agency or about its cases, newest first."""
    return (select(CaseUrge).join(Case, Case.id == CaseUrge.case_id)
            .options(joinedload(CaseUrge.case).joinedload(Case.agency), joinedload(CaseUrge.urging_agency))
            .where(or_(CaseUrge.urging_agency_id == user.agency_id, Case.agency_id == user.agency_id))
            .order_by(CaseUrge.request_sent_on.desc(), CaseUrge.id.desc()))
