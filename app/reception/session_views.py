"""Lịch tiếp công dân của lãnh đạo (`/staff/reception/sessions`): the month's schedule, a reception
day and its conclusion notice with the tasks it sets, and the duty rules.

Each view: load within scope or 404, permission (staff_required), validate, one service call,
one commit, redirect. Changes are made only by SESSION_MANAGE users of the session's own agency
(another agency's day is a 404); cancelling and "held" have a confirmation page.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin.forms import AGENCY_KIND_LABELS, LEVEL_LABELS
from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.extensions import db
from app.formatting import format_date, local_today
from app.formhelpers import form_status, show_service_error
from app.reception import labels
from app.reception import sessions as svc
from app.reception.models import SessionStatus
from app.reception.session_forms import (
    CancelForm,
    ConclusionForm,
    ConfirmForm,
    RuleForm,
    ScheduleFilterForm,
    SessionForm,
    TaskDoneForm,
    TaskForm,
    parse_month,
)

bp = Blueprint("sessions", __name__, url_prefix="/staff/reception/sessions")


@bp.context_processor
def _labels():
    """Label tables of the session templates."""
    return {"SESSION_STATUS_LABELS": labels.SESSION_STATUS_LABELS, "SESSION_MODE_LABELS": labels.SESSION_MODE_LABELS,
            "PERIOD_LABELS": labels.PERIOD_LABELS,
            "OUTCOME_LABELS": labels.OUTCOME_LABELS, "AGENCY_KIND_LABELS": AGENCY_KIND_LABELS,
            "LEVEL_LABELS": LEVEL_LABELS, "MASKED": labels.MASKED}


def _or_404(obj):
    if obj is None:
        abort(404)
    return obj


def _to_int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None




def _manageable(session_id: int):
    """The user's own agency's session (404 otherwise: another agency's day does not exist for them)."""
    return _or_404(svc.get_manageable(current_user, session_id))


def _month_args(year: int, month: int, delta: int) -> str:
    index = year * 12 + (month - 1) + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# --- the schedule -------------------------------------------------------------------------------

@bp.get("/")
@staff_required(Permission.VISIT_READ)
def index():
    """The reception days of a month in the user's scope (agency filter for supervisors)."""
    form = ScheduleFilterForm(request.args)
    supervisor = current_user.can(Permission.SUBTREE_READ)
    form.agency.choices = [("", _("Tất cả cơ quan"))] + (
        [(str(a.id), a.name) for a in svc.visible_agencies(current_user)] if supervisor else [])
    form.validate()
    today = local_today()
    year, month = (parse_month(form.month.data) if not form.month.errors else None) or (today.year, today.month)
    if not form.month.errors:
        form.month.data = f"{year:04d}-{month:02d}"
    agency_id = _to_int(form.agency.data) if supervisor and not form.agency.errors else None
    page = svc.month_schedule(current_user, year, month, agency_id=agency_id,
                              page=request.args.get("page", 1, type=int))
    current = (year, month) == (today.year, today.month)
    warnings = svc.missing_reception_days(current_user, today) if current else []
    agency_arg = {"agency": str(agency_id)} if agency_id else {}
    return render_template("sessions/index.html", form=form, page=page, year=year, month=month,
                           first=date(year, month, 1), supervisor=supervisor, warnings=warnings, today=today,
                           prev_url=url_for("sessions.index", month=_month_args(year, month, -1), **agency_arg),
                           next_url=url_for("sessions.index", month=_month_args(year, month, 1), **agency_arg),
                           this_url=url_for("sessions.index", **agency_arg),
                           can_schedule=current_user.can(Permission.SESSION_MANAGE))


def _fill_session_choices(form: SessionForm, agency_id: int) -> None:
    form.leader.choices = [("", _("— Chọn lãnh đạo —"))] + [(str(u.id), u.full_name)
                                                            for u in svc.leaders_of(agency_id)]


def _session_data(form: SessionForm) -> svc.SessionData:
    return svc.SessionData(held_on=form.held_on.data, place=form.place.data, leader_id=_to_int(form.leader.data),
                           leader_name=form.leader_name.data, start_time=form.start_time.data,
                           mode=form.mode.data, delegate_name=form.delegate_name.data,
                           is_ad_hoc=bool(form.is_ad_hoc.data))


def _render_form(form, session, status):
    return render_template("sessions/form.html", form=form, session=session), status


@bp.route("/new", methods=["GET", "POST"])
@staff_required(Permission.SESSION_MANAGE)
def new():
    """Schedule a reception day of the user's agency."""
    form = SessionForm()
    _fill_session_choices(form, current_user.agency_id)
    if not form.validate_on_submit():
        return _render_form(form, None, form_status())
    try:
        session = svc.create_session(_session_data(form), actor=current_user, today=local_today())
    except svc.SessionError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return _render_form(form, None, 422)
    db.session.commit()
    flash(_("Đã lên lịch tiếp công dân ngày %(day)s.", day=format_date(session.held_on)), "success")
    return redirect(url_for("sessions.show", session_id=session.id))


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@staff_required(Permission.SESSION_MANAGE)
def edit(session_id: int):
    """Change a scheduled or held day (not a cancelled one)."""
    session = _manageable(session_id)
    if session.status == SessionStatus.CANCELLED.value:
        flash(_("Buổi tiếp đã hủy, không sửa được."), "info")
        return redirect(url_for("sessions.show", session_id=session.id))
    form = SessionForm(data={
        "leader": str(session.leader_id) if session.leader_id else "",
        "leader_name": "" if session.leader_id else session.leader_name, "held_on": session.held_on,
        "start_time": session.start_time, "place": session.place, "mode": session.mode,
        "delegate_name": session.delegate_name, "is_ad_hoc": session.is_ad_hoc})
    _fill_session_choices(form, session.agency_id)
    if not form.validate_on_submit():
        return _render_form(form, session, form_status())
    try:
        svc.update_session(session, _session_data(form), actor=current_user, today=local_today())
    except svc.SessionError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return _render_form(form, _manageable(session_id), 422)
    db.session.commit()
    flash(_("Đã lưu buổi tiếp ngày %(day)s.", day=format_date(session.held_on)), "success")
    return redirect(url_for("sessions.show", session_id=session.id))


# --- the session page ---------------------------------------------------------------------------

@bp.get("/<int:session_id>")
@staff_required(Permission.VISIT_READ)
def show(session_id: int):
    """A reception day: details, the visits recorded in it, the conclusion notice and its tasks."""
    session = _or_404(svc.get_for_user(current_user, session_id))
    visits = svc.session_visits(session, request.args.get("page", 1, type=int))
    manage = svc.can_manage(current_user, session)
    return render_template(
        "sessions/show.html", session=session, visits=visits, manage=manage, today=local_today(),
        can_log=current_user.agency_id == session.agency_id and current_user.can(Permission.VISIT_LOG)
        and session.status != SessionStatus.CANCELLED.value)


def _confirm(session, form, *, endpoint: str, title: str, message: str, button: str, danger: bool, errors=()):
    return render_template("staff/confirm.html", form=form, title=title, message=message, button=button,
                           danger=danger, errors=list(errors), nav="reception/_tabs.html",
                           action=url_for(endpoint, session_id=session.id),
                           cancel=url_for("sessions.show", session_id=session.id))


@bp.route("/<int:session_id>/cancel", methods=["GET", "POST"])
@staff_required(Permission.SESSION_MANAGE)
def cancel(session_id: int):
    """Cancel a scheduled day, with a reason, after a confirmation page."""
    session = _manageable(session_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return render_template("sessions/cancel.html", form=form, session=session), form_status()
    try:
        svc.cancel_session(session, form.reason.data, actor=current_user)
    except svc.SessionError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return render_template("sessions/cancel.html", form=form, session=_manageable(session_id)), 422
    db.session.commit()
    flash(_("Đã hủy buổi tiếp ngày %(day)s.", day=format_date(session.held_on)), "success")
    return redirect(url_for("sessions.show", session_id=session.id))


@bp.route("/<int:session_id>/held", methods=["GET", "POST"])
@staff_required(Permission.SESSION_MANAGE)
def held(session_id: int):
    """Record that the day took place, after a confirmation page."""
    session = _manageable(session_id)
    form = ConfirmForm()
    context = dict(endpoint="sessions.held", title=_("Ghi nhận đã tiếp công dân"), button=_("Ghi nhận đã tiếp"),
                   danger=False, message=_("Ghi nhận %(leader)s đã tiếp công dân ngày %(day)s tại %(place)s? Sau đó "
                                           "có thể ghi thông báo kết luận.", leader=session.leader_name,
                                           day=format_date(session.held_on), place=session.place))
    if not form.validate_on_submit():
        return _confirm(session, form, **context), (400 if request.method == "POST" else 200)
    try:
        svc.mark_held(session, actor=current_user, today=local_today())
    except svc.SessionError as exc:
        db.session.rollback()
        return _confirm(_manageable(session_id), form, errors=[str(exc)], **context), 422
    db.session.commit()
    flash(_("Đã ghi nhận buổi tiếp ngày %(day)s.", day=format_date(session.held_on)), "success")
    return redirect(url_for("sessions.show", session_id=session.id))


# --- the conclusion notice and its tasks ----------------------------------------------------------

@bp.route("/<int:session_id>/conclusion", methods=["GET", "POST"])
@staff_required(Permission.SESSION_MANAGE)
def conclusion(session_id: int):
    """Record or correct the conclusion notice of a held day."""
    session = _manageable(session_id)
    form = ConclusionForm(data={"number": session.conclusion_number, "issued_on": session.conclusion_date,
                                "summary": session.conclusion_summary})
    if session.status != SessionStatus.HELD.value:
        flash(_("Chỉ ban hành thông báo kết luận cho buổi tiếp đã diễn ra. Hãy ghi nhận đã tiếp trước."), "info")
        return redirect(url_for("sessions.show", session_id=session.id))
    if not form.validate_on_submit():
        return render_template("sessions/conclusion.html", form=form, session=session), form_status()
    try:
        svc.save_conclusion(session, svc.ConclusionData(form.number.data, form.issued_on.data, form.summary.data),
                            actor=current_user, today=local_today())
    except svc.SessionError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return render_template("sessions/conclusion.html", form=form, session=_manageable(session_id)), 422
    db.session.commit()
    flash(_("Đã lưu thông báo kết luận số %(number)s.", number=session.conclusion_number), "success")
    return redirect(url_for("sessions.show", session_id=session.id, _anchor="h-conclusion"))


def _fill_task_choices(form: TaskForm, session) -> None:
    form.assignee_agency.choices = [("", _("— Chọn cơ quan —"))] + [
        (str(a.id), a.name) for a in svc.assignee_agencies(session)]
    form.assignee_user.choices = [("", _("— Không chỉ định —"))] + [
        (str(u.id), f"{u.full_name} — {u.agency.name}") for u in svc.assignee_users(session)]


def _task_data(form: TaskForm) -> svc.TaskData:
    return svc.TaskData(content=form.content.data, assignee_agency_id=_to_int(form.assignee_agency.data),
                        due_on=form.due_on.data, assignee_user_id=_to_int(form.assignee_user.data))


def _task_page(form, session, task, status):
    return render_template("sessions/task_form.html", form=form, session=session, task=task), status


@bp.route("/<int:session_id>/tasks/new", methods=["GET", "POST"])
@staff_required(Permission.SESSION_MANAGE)
def task_new(session_id: int):
    """Add an item to the conclusion notice (one at a time; "save and add another")."""
    session = _manageable(session_id)
    form = TaskForm()
    _fill_task_choices(form, session)
    if session.conclusion_date is None:
        flash(_("Hãy ghi thông báo kết luận trước khi giao việc."), "info")
        return redirect(url_for("sessions.show", session_id=session.id))
    if not form.validate_on_submit():
        return _task_page(form, session, None, form_status())
    try:
        svc.add_task(session, _task_data(form), actor=current_user)
    except svc.SessionError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return _task_page(form, _manageable(session_id), None, 422)
    db.session.commit()
    flash(_("Đã thêm việc hạn %(day)s.", day=format_date(form.due_on.data)), "success")
    if request.form.get("another"):
        return redirect(url_for("sessions.task_new", session_id=session.id))
    return redirect(url_for("sessions.show", session_id=session.id, _anchor="h-tasks"))


@bp.route("/<int:session_id>/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@staff_required(Permission.SESSION_MANAGE)
def task_edit(session_id: int, task_id: int):
    """Change an open item."""
    session = _manageable(session_id)
    task = _or_404(svc.get_task(session, task_id))
    form = TaskForm(data={"content": task.content, "assignee_agency": str(task.assignee_agency_id),
                          "assignee_user": str(task.assignee_user_id or ""), "due_on": task.due_on})
    _fill_task_choices(form, session)
    if task.is_done:
        flash(_("Việc đã hoàn thành, không sửa được."), "info")
        return redirect(url_for("sessions.show", session_id=session.id, _anchor="h-tasks"))
    if not form.validate_on_submit():
        return _task_page(form, session, task, form_status())
    try:
        svc.update_task(task, _task_data(form), actor=current_user)
    except svc.SessionError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        session = _manageable(session_id)
        return _task_page(form, session, svc.get_task(session, task_id), 422)
    db.session.commit()
    flash(_("Đã lưu việc."), "success")
    return redirect(url_for("sessions.show", session_id=session.id, _anchor="h-tasks"))


@bp.route("/<int:session_id>/tasks/<int:task_id>/done", methods=["GET", "POST"])
@staff_required(Permission.SESSION_MANAGE)
def task_done(session_id: int, task_id: int):
    """Mark an item done: the date and what was done."""
    session = _manageable(session_id)
    task = _or_404(svc.get_task(session, task_id))
    if task.is_done:
        flash(_("Việc này đã được ghi nhận hoàn thành."), "info")
        return redirect(url_for("sessions.show", session_id=session.id, _anchor="h-tasks"))
    form = TaskDoneForm(data={"done_on": local_today()})
    if not form.validate_on_submit():
        return render_template("sessions/task_done.html", form=form, session=session, task=task), form_status()
    try:
        svc.complete_task(task, form.done_on.data, form.result_note.data, actor=current_user, today=local_today())
    except svc.SessionError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        session = _manageable(session_id)
        return render_template("sessions/task_done.html", form=form, session=session,
                               task=svc.get_task(session, task_id)), 422
    db.session.commit()
    flash(_("Đã ghi nhận việc hoàn thành."), "success")
    return redirect(url_for("sessions.show", session_id=session.id, _anchor="h-tasks"))


# --- duty rules ---------------------------------------------------------------------------------

@bp.get("/rules")
@staff_required(Permission.VISIT_READ, Permission.CALENDAR_MANAGE)
def rules():
    """How often each kind of head must receive citizens, with the legal source."""
    return render_template("sessions/rules.html", rules=svc.all_rules())


@bp.route("/rules/<int:rule_id>/edit", methods=["GET", "POST"])
@staff_required(Permission.CALENDAR_MANAGE)
def rule_edit(rule_id: int):
    """Change a rule's days, period, delegation or unverified flag (administrators)."""
    rule = _or_404(svc.get_rule(rule_id))
    form = RuleForm(obj=rule)
    if not form.validate_on_submit():
        return render_template("sessions/rule_form.html", form=form, rule=rule), form_status()
    try:
        svc.update_rule(rule, svc.RuleData(form.days.data, form.period.data, form.delegation_allowed.data,
                                           form.unverified.data), actor=current_user)
    except svc.SessionError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return render_template("sessions/rule_form.html", form=form, rule=svc.get_rule(rule_id)), 422
    db.session.commit()
    flash(_("Đã lưu quy định tiếp công dân."), "success")
    return redirect(url_for("sessions.rules"))

