"""Operations on cases: every change of state through the workflow table, the clock recomputed from
the case's pauses and extensions, the decision and its figures, the second-level appeal.

Services flush, never commit: the view (or the CLI) commits once. Every change writes an event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from app.agencies.models import Agency
from app.audit.services import record_event
from app.auth.permissions import Permission
from app.calendar.services import due_date
from app.cases import clock, workflow
from app.cases.models import OUTCOMES_BY_KIND, Case, CaseExtension, CaseKind, CasePause, PauseKind
from app.extensions import db
from app.notifications.citizen import notify_case_event


class CaseError(ValueError):
    """A change the law, the facts or the user's rights do not allow; the message is for the user."""

    def __init__(self, message, field_name: str | None = None):
        super().__init__(str(message))
        self.field_name = field_name


def _actor(user) -> dict:
    return {"actor_user_id": user.id, "actor_label": user.full_name}


def _check_scope(case: Case, user) -> None:
    if case.agency_id != user.agency_id:
        raise CaseError(_l("Vụ việc không thuộc cơ quan của bạn."))


def recompute_due(case: Case) -> None:
    """Set the case's due date from its rule, pauses and extensions (None while the clock stands)."""
    if not case.due_rule_code:
        return
    state = clock.compute(
        case.due_rule_code, case.accepted_on, complex_=case.is_complex, remote=case.is_remote,
        pauses=[clock.Pause(p.started_on, p.ended_on) for p in case.pauses],
        extensions=[clock.Extension(e.decided_on) for e in case.extensions],
        level=case.complexity_level,
    )
    case.due_date = state.due


def apply(case: Case, action: str, user, *, note: str | None = None, own_agency: bool = True) -> str:
    """Change the state (the only place that does) and write the event; return the new state.

    `own_agency=False` only for an appeal, which the superior body records on the lower body's case."""
    if own_agency:
        _check_scope(case, user)
    try:
        transition = workflow.check(case.kind, case.status, action, user)
        after = workflow.target_state(case.kind, case.status, action, case.suspended_from)
    except workflow.InvalidTransition as exc:
        raise CaseError(str(exc)) from exc
    before = case.status
    if action == "suspend":
        case.suspended_from = before
    elif action == "resume":
        case.suspended_from = None
    case.status = after
    record_event("case", case.id, action, from_status=before, to_status=after, note=note,
                 is_public=transition.public, **_actor(user))
    db.session.flush()
    return after


def set_complexity(case: Case, criteria: list[str], user) -> None:
    """The Nghị định 31/2019 Đ.3 criteria met: one → complex, two or more → especially complex."""
    _check_scope(case, user)
    case.complexity_criteria = sorted(set(criteria))
    case.complexity_level = clock.complexity(len(case.complexity_criteria))
    case.is_complex = case.complexity_level != "standard"
    record_event("case", case.id, "complexity", note=case.complexity_level, **_actor(user))
    _recompute_or_refuse(case)


def suspend(case: Case, user, *, started_on: date, reason: str, decision_number: str | None = None) -> None:
    """Tạm đình chỉ: the state and the clock stop until resumed."""
    if not reason.strip():
        raise CaseError(_l("Hãy ghi lý do tạm đình chỉ."), "reason")
    apply(case, "suspend", user, note=reason)
    _pause(case, user, PauseKind.SUSPENSION.value, started_on, reason, decision_number)


def resume(case: Case, user, *, ended_on: date) -> None:
    """Tiếp tục giải quyết: the clock runs again with the days it had left."""
    apply(case, "resume", user)
    _end_pause(case, PauseKind.SUSPENSION.value, ended_on)


def start_assessment(case: Case, user, *, started_on: date, reason: str) -> None:
    """Giám định: the clock stops (Luật Tố cáo Đ.31.4); the state does not change."""
    _check_scope(case, user)
    if not reason.strip():
        raise CaseError(_l("Hãy ghi nội dung cần giám định."), "reason")
    _pause(case, user, PauseKind.ASSESSMENT.value, started_on, reason, None)
    record_event("case", case.id, "assessment_started", note=reason, **_actor(user))


def end_assessment(case: Case, user, *, ended_on: date) -> None:
    """The assessment's result is in: the clock runs again."""
    _check_scope(case, user)
    _end_pause(case, PauseKind.ASSESSMENT.value, ended_on)
    record_event("case", case.id, "assessment_ended", **_actor(user))


def _pause(case, user, kind, started_on, reason, decision_number) -> None:
    if any(p.ended_on is None for p in case.pauses):
        raise CaseError(_l("Thời hạn giải quyết đang tạm dừng."))
    if started_on < case.accepted_on:
        raise CaseError(_l("Ngày tạm dừng không thể trước ngày thụ lý."), "started_on")
    case.pauses.append(CasePause(kind=kind, started_on=started_on, reason=reason.strip(),
                                 decision_number=(decision_number or "").strip() or None, created_by_id=user.id))
    _recompute_or_refuse(case)


def _end_pause(case, kind, ended_on) -> None:
    open_ = next((p for p in case.pauses if p.ended_on is None and p.kind == kind), None)
    if open_ is None:
        raise CaseError(_l("Không có thời gian tạm dừng nào đang mở."))
    if ended_on < open_.started_on:
        raise CaseError(_l("Ngày tiếp tục không thể trước ngày tạm dừng."), "ended_on")
    open_.ended_on = ended_on
    _recompute_or_refuse(case)


def extend(case: Case, user, *, decided_on: date, decision_number: str, reason: str) -> CaseExtension:
    """Gia hạn (Luật Tố cáo Đ.30): a leader's decision with number, date and reason; the limit by complexity."""
    _check_scope(case, user)
    if case.kind != CaseKind.DENUNCIATION.value:
        raise CaseError(_l("Chỉ gia hạn giải quyết tố cáo."))
    if not user.can(Permission.CASE_APPROVE):
        raise CaseError(_l("Chỉ lãnh đạo quyết định gia hạn."))
    if not decision_number.strip() or not reason.strip():
        raise CaseError(_l("Gia hạn phải có số quyết định và lý do."), "decision_number")
    if workflow.CaseState(case.status) in workflow.END_STATES:
        raise CaseError(_l("Vụ việc đã kết thúc."))
    allowed = clock.MAX_EXTENSIONS.get(case.complexity_level, 0)
    if len(case.extensions) >= allowed:
        raise CaseError(_l("Vụ việc %(level)s chỉ được gia hạn %(n)s lần (Luật Tố cáo, Điều 30).",
                           level=LEVEL_LABELS.get(case.complexity_level, case.complexity_level), n=allowed))
    ext = CaseExtension(decided_on=decided_on, decision_number=decision_number.strip(), reason=reason.strip(),
                        due_after=case.due_date or decided_on, decided_by_id=user.id)
    case.extensions.append(ext)
    _recompute_or_refuse(case)
    ext.due_after = case.due_date
    record_event("case", case.id, "extended", note=f"{ext.decision_number}: {ext.reason}", is_public=True,
                 **_actor(user))
    db.session.flush()
    notify_case_event(case, "extended")  # the citizen's e-mail, in this transaction (app.notifications)
    return ext


def _recompute_or_refuse(case: Case) -> None:
    try:
        recompute_due(case)
    except clock.ClockError as exc:
        raise CaseError(_l("Không thể ghi nhận: %(why)s.", why=str(exc))) from exc


LEVEL_LABELS = {
    "standard": _l("không phức tạp"),
    "complex": _l("phức tạp"),
    "especially_complex": _l("đặc biệt phức tạp"),
}


@dataclass
class Decision:
    """A decision (complaint) or conclusion (denunciation) or answer (proposal)."""

    outcome: str
    number: str
    decided_on: date
    signer: str
    received_on: date | None = None  # by the complainant, for the appeal window


DECIDING_ACTION = {"complaint_first": "decide", "complaint_second": "decide", "denunciation": "conclude",
                   "proposal": "answer"}


def decide(case: Case, user, decision: Decision) -> None:
    """Record the decision and move the case on; a first-level complaint gets its appeal window."""
    allowed = {o.value for o in OUTCOMES_BY_KIND[case.kind]}
    if decision.outcome not in allowed:
        raise CaseError(_l("Hãy chọn kết quả giải quyết."), "outcome")
    if not decision.number.strip() or not decision.signer.strip():
        raise CaseError(_l("Hãy ghi số văn bản và người ký."), "number")
    if decision.decided_on < case.accepted_on:
        raise CaseError(_l("Ngày ban hành không thể trước ngày thụ lý."), "decided_on")
    apply(case, DECIDING_ACTION[case.kind], user, note=decision.number)
    case.outcome, case.decision_number = decision.outcome, decision.number.strip()
    case.decision_date, case.decision_signer = decision.decided_on, decision.signer.strip()
    case.decision_received_on = decision.received_on
    if case.kind == CaseKind.COMPLAINT_FIRST.value:
        case.appeal_window_closes = clock.appeal_window_closes(
            case.due_date or decision.decided_on, decision.received_on or decision.decided_on, remote=case.is_remote)
    db.session.flush()
    notify_case_event(case, "decided")


FIGURES = ("money_recommended", "money_recovered", "land_recommended", "land_recovered", "money_returned",
           "land_returned", "people_disciplined", "officials_disciplined", "referred_to_investigation")


def record_figures(case: Case, user, **figures) -> None:
    """The figures of the decision or its enforcement (VND, m², people); none may be negative."""
    _check_scope(case, user)
    for name, value in figures.items():
        if name not in FIGURES:
            raise CaseError(f"unknown figure {name}")
        if value is not None and value < 0:
            raise CaseError(_l("Số liệu không được âm."), name)
    if (figures.get("officials_disciplined") or 0) > (figures.get("people_disciplined") or 0):
        raise CaseError(_l("Số cán bộ, công chức không thể nhiều hơn số người bị kiến nghị xử lý."),
                        "officials_disciplined")
    for name, value in figures.items():
        setattr(case, name, value)
    record_event("case", case.id, "figures", **_actor(user))
    db.session.flush()


def open_second_level(first: Case, user, *, received_on: date) -> Case:
    """The complainant appeals: a second-level case at the superior body, linked both ways."""
    if first.kind != CaseKind.COMPLAINT_FIRST.value:
        raise CaseError(_l("Chỉ quyết định giải quyết khiếu nại lần đầu mới bị khiếu nại lần hai."))
    if first.appeal_window_closes and received_on > first.appeal_window_closes:
        raise CaseError(_l("Đã hết thời hạn khiếu nại lần hai (đến %(d)s): quyết định lần đầu đã có hiệu lực.",
                           d=first.appeal_window_closes.strftime("%d/%m/%Y")), "received_on")
    superior = db.session.get(Agency, first.agency.parent_id) if first.agency.parent_id else None
    if superior is None:
        raise CaseError(_l("Cơ quan giải quyết lần đầu không có cơ quan cấp trên trong hệ thống."))
    if user.agency_id != superior.id:
        raise CaseError(_l("Khiếu nại lần hai do cơ quan cấp trên trực tiếp thụ lý."))
    apply(first, "appeal", user, note=superior.name, own_agency=False)
    second = Case(kind=CaseKind.COMPLAINT_SECOND.value, agency_id=superior.id, title=first.title,
                  accepted_on=received_on, due_rule_code="complaint.second.resolve",
                  is_remote=first.is_remote, parent_case_id=first.id)
    second.due_date = due_date("complaint.second.resolve", received_on, remote=first.is_remote)
    db.session.add(second)
    db.session.flush()
    record_event("case", second.id, "opened", to_status=second.status, note=f"appeal of case {first.id}",
                 is_public=True, **_actor(user))
    return second


# Enforcement follow-up (theo dõi thi hành): after the decision is final (complaints) or the conclusion issued
# (denunciations), the planned date of its execution and the day it was done. The amounts recovered later
# keep going through `record_figures`.
ENFORCEMENT_STATES = {
    "complaint_first": frozenset({"final", "enforcing"}),
    "complaint_second": frozenset({"final", "enforcing"}),
    "denunciation": frozenset({"concluded", "handled"}),
}


def can_follow_enforcement(case: Case) -> bool:
    """Whether the case's kind and state allow recording its enforcement."""
    return case.status in ENFORCEMENT_STATES.get(case.kind, frozenset())


def _check_enforcement(case: Case, user) -> None:
    _check_scope(case, user)
    if not user.can(Permission.CASE_WORK):
        raise CaseError(_l("Bạn không có quyền theo dõi thi hành."))
    if not can_follow_enforcement(case):
        raise CaseError(_l("Chỉ theo dõi thi hành khi quyết định đã có hiệu lực pháp luật hoặc đã có kết luận."))
    if case.enforced_on is not None:
        raise CaseError(_l("Đã ghi nhận thi hành xong ngày %(d)s.", d=case.enforced_on.strftime("%d/%m/%Y")))


def plan_enforcement(case: Case, user, *, due: date, note: str) -> None:
    """The date by which the decision or conclusion is to be carried out (may be moved until it is done)."""
    _check_enforcement(case, user)
    if due is None:
        raise CaseError(_l("Hãy nhập hạn thi hành."), "due")
    if case.decision_date and due < case.decision_date:
        raise CaseError(_l("Hạn thi hành không thể trước ngày ban hành quyết định (%(d)s).",
                           d=case.decision_date.strftime("%d/%m/%Y")), "due")
    case.enforcement_due = due
    case.enforcement_note = (note or "").strip() or case.enforcement_note
    record_event("case", case.id, "enforcement_planned", note=f"{due.strftime('%d/%m/%Y')}"
                 + (f": {note.strip()}" if (note or "").strip() else ""), **_actor(user))
    db.session.flush()


def record_enforced(case: Case, user, *, done_on: date, note: str, today: date | None = None) -> None:
    """The decision or conclusion has been carried out on `done_on` (not before it, not in the future)."""
    from app.formatting import local_today

    _check_enforcement(case, user)
    today = today or local_today()
    if done_on is None:
        raise CaseError(_l("Hãy nhập ngày thi hành xong."), "done_on")
    if case.decision_date and done_on < case.decision_date:
        raise CaseError(_l("Ngày thi hành xong không thể trước ngày ban hành quyết định (%(d)s).",
                           d=case.decision_date.strftime("%d/%m/%Y")), "done_on")
    if done_on > today:
        raise CaseError(_l("Ngày thi hành xong không thể sau hôm nay."), "done_on")
    case.enforced_on = done_on
    case.enforcement_note = (note or "").strip() or case.enforcement_note
    record_event("case", case.id, "enforced", note=f"{done_on.strftime('%d/%m/%Y')}"
                 + (f": {note.strip()}" if (note or "").strip() else ""), **_actor(user))
    db.session.flush()


def assign(case: Case, user, *, resolver_id: int | None, leader_id: int | None, verification_team: str,
           is_remote: bool) -> None:
    """A leader assigns the resolver and the approving leader (both of the agency), names the
    verification team and sets the remote-area flag (which changes the time limit's variant)."""
    from app.auth.models import User
    from app.auth.permissions import Role

    _check_scope(case, user)
    if not user.can(Permission.CASE_APPROVE):
        raise CaseError(_l("Chỉ lãnh đạo phân công giải quyết vụ việc."))
    if workflow.CaseState(case.status) in workflow.END_STATES:
        raise CaseError(_l("Vụ việc đã kết thúc."))
    for field_name, uid, roles in (("resolver", resolver_id, (Role.HANDLER.value, Role.LEADER.value)),
                                   ("leader", leader_id, (Role.LEADER.value,))):
        if uid is None:
            continue
        person = db.session.get(User, uid)
        if person is None or person.agency_id != case.agency_id or not person.active or person.role not in roles:
            raise CaseError(_l("Người được chọn không thuộc cơ quan giải quyết hoặc không có vai trò phù hợp."),
                            field_name)
    case.resolver_id, case.leader_id = resolver_id, leader_id
    case.verification_team = verification_team.strip() or None
    remote_changed = bool(case.is_remote) != bool(is_remote)
    case.is_remote = bool(is_remote)
    if remote_changed:
        _recompute_or_refuse(case)
    record_event("case", case.id, "assigned", **_actor(user))
    db.session.flush()


def attach_decision_file(case: Case, user, *, filename: str, data: bytes, written_keys: list[str]) -> None:
    """Keep the signed decision (PDF, image or DOCX, checked by content) with the case; a newer file
    replaces the older one, which is removed once the change is committed by the caller."""
    from app.petitions.services import _safe_name
    from app.storage import files
    from app.storage.inspect import UploadRejected, check_upload

    _check_scope(case, user)
    if not case.decision_number:
        raise CaseError(_l("Hãy ghi quyết định hoặc kết luận trước khi đính kèm bản đã ký."), "signed_file")
    if not data:
        raise CaseError(_l("Hãy chọn tệp quyết định đã ký."), "signed_file")
    try:
        checked = check_upload(data)
    except UploadRejected as exc:
        raise CaseError(str(exc), "signed_file") from exc
    key = files.save_bytes(checked.data)
    written_keys.append(key)
    replaced = case.decision_file_key
    case.decision_file_key, case.decision_file_name = key, _safe_name(filename)
    case.decision_file_type = checked.content_type
    record_event("case", case.id, "decision_file", note=case.decision_file_name, **_actor(user))
    db.session.flush()
    return replaced
