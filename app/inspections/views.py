"""Inspections (`/staff/inspections`): the list, recording an inspection, its page with the
conclusion, the recoveries and the follow-up of its recommendations.

Each view: load within scope or 404, permission (staff_required), validate, one service call, one
commit, redirect. Changes are made only by INSPECTION_MANAGE users of the inspection's own agency
(for anyone else the inspection does not exist for a change: 404); supervisors read the subtree.
Deleting an inspection or a recovery has a confirmation page.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import listsearch
from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.extensions import db
from app.formatting import format_date, local_today
from app.formhelpers import form_status, show_service_error
from app.inspections import queries
from app.inspections import services as svc
from app.inspections.forms import (
    ConclusionForm,
    ConfirmForm,
    FilterForm,
    FollowUpDoneForm,
    FollowUpForm,
    InspectionForm,
    RecoveryForm,
)
from app.inspections.labels import KIND_LABELS, STATE_LABELS, TOPIC_LABELS, template_labels

bp = Blueprint("inspections", __name__, url_prefix="/staff/inspections")


@bp.context_processor
def _labels():
    """Label tables and number formats of the inspection templates."""
    return {**template_labels(), "format_money": svc.format_money, "format_land": svc.format_land}


def _or_404(obj):
    if obj is None:
        abort(404)
    return obj




def _visible(inspection_id: int):
    return _or_404(queries.get_for_user(current_user, inspection_id))


def _manageable(inspection_id: int):
    return _or_404(queries.get_manageable(current_user, inspection_id))


def _back(inspection, anchor: str | None = None):
    return redirect(url_for("inspections.show", inspection_id=inspection.id, _anchor=anchor))


# --- the list -----------------------------------------------------------------------------------

def _filters(form: FilterForm, years: list[int]) -> queries.InspectionFilters:
    """The filters as typed; a value that is not one of the choices is ignored."""
    year = int(form.year.data) if form.year.data and form.year.data.isdigit() else None
    return queries.InspectionFilters(
        year=year if year in years else None,
        kind=form.kind.data if form.kind.data in KIND_LABELS else None,
        topic=form.topic.data if form.topic.data in TOPIC_LABELS else None,
        state=form.state.data if form.state.data in STATE_LABELS else None,
        q=form.q.data if not form.q.errors else None,
        page=request.args.get("page", 1, type=int))


@bp.route("/", methods=["GET", "POST"])
@staff_required(Permission.INSPECTION_READ)
@listsearch.searchable()
def index():
    """The inspections of the user's scope, with filters, a search (by POST, app.listsearch), pages of 25."""
    today = local_today()
    form = FilterForm(listsearch.args())
    years = queries.years(current_user, today)
    form.year.choices = [("", _("Tất cả"))] + [(str(y), str(y)) for y in years]
    form.validate()
    page = queries.inspection_list(current_user, _filters(form, years), today=today)
    return render_template("inspections/index.html", form=form, page=page, today=today,
                           supervisor=current_user.can(Permission.SUBTREE_READ),
                           can_create=current_user.can(Permission.INSPECTION_MANAGE))


# --- record and change --------------------------------------------------------------------------

def _inspection_data(form: InspectionForm) -> svc.InspectionData:
    return svc.InspectionData(kind=form.kind.data, topic=form.topic.data, title=form.title.data,
                              subject=form.subject.data, decision_number=form.decision_number.data,
                              decision_date=form.decision_date.data, started_on=form.started_on.data,
                              ended_on=form.ended_on.data, conclusion_due=form.conclusion_due.data)


@bp.route("/new", methods=["GET", "POST"])
@staff_required(Permission.INSPECTION_MANAGE)
def new():
    """Record an inspection of the user's agency."""
    form = InspectionForm()
    if not form.validate_on_submit():
        return render_template("inspections/form.html", form=form, inspection=None), form_status()
    try:
        inspection = svc.create_inspection(_inspection_data(form), actor=current_user, today=local_today())
    except svc.InspectionError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return render_template("inspections/form.html", form=form, inspection=None), 422
    db.session.commit()
    flash(_("Đã ghi cuộc thanh tra theo quyết định số %(number)s.", number=inspection.decision_number), "success")
    return _back(inspection)


@bp.route("/<int:inspection_id>/edit", methods=["GET", "POST"])
@staff_required(Permission.INSPECTION_MANAGE)
def edit(inspection_id: int):
    """Change the decision, subject and dates of an inspection."""
    inspection = _manageable(inspection_id)
    form = InspectionForm(obj=inspection)
    if not form.validate_on_submit():
        return render_template("inspections/form.html", form=form, inspection=inspection), form_status()
    try:
        svc.update_inspection(inspection, _inspection_data(form), actor=current_user, today=local_today())
    except svc.InspectionError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return render_template("inspections/form.html", form=form, inspection=_manageable(inspection_id)), 422
    db.session.commit()
    flash(_("Đã lưu cuộc thanh tra."), "success")
    return _back(inspection)


@bp.route("/<int:inspection_id>/delete", methods=["GET", "POST"])
@staff_required(Permission.INSPECTION_MANAGE)
def delete(inspection_id: int):
    """Delete a whole inspection with its recoveries and follow-ups, after a confirmation page."""
    inspection = _manageable(inspection_id)
    form = ConfirmForm()
    context = dict(
        title=_("Xóa cuộc thanh tra"), button=_("Xóa cuộc thanh tra"), danger=True, nav=None,
        message=_("Xóa cuộc thanh tra “%(title)s” (quyết định số %(number)s) cùng %(recoveries)s khoản thu hồi và "
                  "%(followups)s kiến nghị theo dõi? Số liệu của cuộc thanh tra sẽ không còn trong các báo cáo. "
                  "Không thể hoàn tác; nhật ký vẫn giữ nội dung đã xóa.",
                  title=inspection.title, number=inspection.decision_number,
                  recoveries=len(inspection.recoveries), followups=len(inspection.followups)),
        action=url_for("inspections.delete", inspection_id=inspection.id),
        cancel=url_for("inspections.show", inspection_id=inspection.id))
    if not form.validate_on_submit():
        return render_template("staff/confirm.html", form=form, errors=[], **context), \
            (400 if request.method == "POST" else 200)
    number = inspection.decision_number  # the row is gone after the commit
    try:
        svc.delete_inspection(inspection, actor=current_user)
    except svc.InspectionError as exc:
        db.session.rollback()
        return render_template("staff/confirm.html", form=form, errors=[str(exc)], **context), 422
    db.session.commit()
    flash(_("Đã xóa cuộc thanh tra theo quyết định số %(number)s.", number=number), "success")
    return redirect(url_for("inspections.index"))


# --- the inspection page ------------------------------------------------------------------------

def _conclusion_form(inspection) -> ConclusionForm:
    """The conclusion form filled with what is recorded (empty before the conclusion)."""
    if inspection.concluded_on is None:
        return ConclusionForm(formdata=None)
    return ConclusionForm(formdata=None, data={
        "number": inspection.conclusion_number, "concluded_on": inspection.concluded_on,
        "money_violation": inspection.money_violation, "money_recommended": inspection.money_recommended,
        "land_violation": inspection.land_violation, "land_recommended": inspection.land_recommended,
        "people_recommended_discipline": inspection.people_recommended_discipline,
        "cases_to_investigation": inspection.cases_to_investigation,
        "other_recommendations": inspection.other_recommendations})


def _page(inspection, *, status: int = 200, active: str | None = None, **forms):
    """The inspection page; `forms` replaces the blank forms by the one just refused."""
    manage = svc.can_manage(current_user, inspection)
    today = local_today()
    context = {"inspection": inspection, "progress": queries.recovery_progress(inspection), "manage": manage,
               "today": today, "late": inspection.conclusion_late(today), "active": active}
    if manage:
        context["conclusion_form"] = forms.get("conclusion_form") or _conclusion_form(inspection)
        context["recovery_form"] = forms.get("recovery_form") or RecoveryForm(formdata=None)
        context["followup_form"] = forms.get("followup_form") or FollowUpForm(formdata=None)
    return render_template("inspections/show.html", **context), status


@bp.get("/<int:inspection_id>")
@staff_required(Permission.INSPECTION_READ)
def show(inspection_id: int):
    """An inspection: details, conclusion and figures, recoveries with progress, follow-up."""
    return _page(_visible(inspection_id))


@bp.post("/<int:inspection_id>/conclusion")
@staff_required(Permission.INSPECTION_MANAGE)
def conclude(inspection_id: int):
    """Record or correct the conclusion and its figures."""
    inspection = _manageable(inspection_id)
    form = ConclusionForm()
    if not form.validate_on_submit():
        return _page(inspection, status=422, active="conclusion", conclusion_form=form)
    try:
        svc.record_conclusion(inspection, svc.ConclusionData(
            number=form.number.data, concluded_on=form.concluded_on.data,
            money_violation=form.money_violation.data, money_recommended=form.money_recommended.data,
            land_violation=form.land_violation.data, land_recommended=form.land_recommended.data,
            people_recommended_discipline=form.people_recommended_discipline.data,
            cases_to_investigation=form.cases_to_investigation.data,
            other_recommendations=form.other_recommendations.data), actor=current_user, today=local_today())
    except svc.InspectionError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return _page(_manageable(inspection_id), status=422, active="conclusion", conclusion_form=form)
    db.session.commit()
    if inspection.conclusion_late(local_today()):
        flash(_("Đã lưu kết luận số %(number)s. Kết luận ban hành chậm so với hạn %(due)s.",
                number=inspection.conclusion_number, due=format_date(inspection.conclusion_due)), "warning")
    else:
        flash(_("Đã lưu kết luận số %(number)s.", number=inspection.conclusion_number), "success")
    return _back(inspection, "h-conclusion")


@bp.post("/<int:inspection_id>/recoveries")
@staff_required(Permission.INSPECTION_MANAGE)
def add_recovery(inspection_id: int):
    """Record money and/or land recovered on a day."""
    inspection = _manageable(inspection_id)
    form = RecoveryForm()
    if not form.validate_on_submit():
        return _page(inspection, status=422, active="recovery", recovery_form=form)
    try:
        svc.add_recovery(inspection, svc.RecoveryData(
            recovered_on=form.recovered_on.data, money=form.money.data, land=form.land.data,
            document=form.document.data, note=form.note.data), actor=current_user, today=local_today())
    except svc.InspectionError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return _page(_manageable(inspection_id), status=422, active="recovery", recovery_form=form)
    db.session.commit()
    flash(_("Đã ghi kết quả thu hồi ngày %(day)s.", day=format_date(form.recovered_on.data)), "success")
    return _back(inspection, "h-recovery")


@bp.route("/<int:inspection_id>/recoveries/<int:recovery_id>/delete", methods=["GET", "POST"])
@staff_required(Permission.INSPECTION_MANAGE)
def delete_recovery(inspection_id: int, recovery_id: int):
    """Remove a recovery recorded by mistake, after a confirmation page."""
    inspection = _manageable(inspection_id)
    recovery = _or_404(svc.get_recovery(inspection, recovery_id))
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("inspections/delete_recovery.html", form=form, inspection=inspection,
                               recovery=recovery), (400 if request.method == "POST" else 200)
    day = recovery.recovered_on
    svc.delete_recovery(recovery, actor=current_user)
    db.session.commit()
    flash(_("Đã xóa khoản thu hồi ngày %(day)s.", day=format_date(day)), "success")
    return _back(inspection, "h-recovery")


@bp.post("/<int:inspection_id>/followups")
@staff_required(Permission.INSPECTION_MANAGE)
def add_followup(inspection_id: int):
    """Add another recommendation of the conclusion to follow."""
    inspection = _manageable(inspection_id)
    form = FollowUpForm()
    if not form.validate_on_submit():
        return _page(inspection, status=422, active="followup", followup_form=form)
    try:
        svc.add_followup(inspection, form.recommendation.data, form.due_on.data, actor=current_user)
    except svc.InspectionError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return _page(_manageable(inspection_id), status=422, active="followup", followup_form=form)
    db.session.commit()
    flash(_("Đã thêm kiến nghị cần theo dõi."), "success")
    return _back(inspection, "h-followups")


@bp.route("/<int:inspection_id>/followups/<int:followup_id>/done", methods=["GET", "POST"])
@staff_required(Permission.INSPECTION_MANAGE)
def followup_done(inspection_id: int, followup_id: int):
    """Record that a recommendation was carried out: the date and the result."""
    inspection = _manageable(inspection_id)
    followup = _or_404(svc.get_followup(inspection, followup_id))
    if followup.done_on is not None:
        flash(_("Kiến nghị này đã được ghi nhận thực hiện xong."), "info")
        return _back(inspection, "h-followups")
    form = FollowUpDoneForm(data={"done_on": local_today()})
    if not form.validate_on_submit():
        return render_template("inspections/followup_done.html", form=form, inspection=inspection,
                               followup=followup), form_status()
    try:
        svc.complete_followup(followup, form.done_on.data, form.result_note.data, actor=current_user,
                              today=local_today())
    except svc.InspectionError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        inspection = _manageable(inspection_id)
        return render_template("inspections/followup_done.html", form=form, inspection=inspection,
                               followup=svc.get_followup(inspection, followup_id)), 422
    db.session.commit()
    flash(_("Đã ghi nhận kiến nghị đã thực hiện."), "success")
    return _back(inspection, "h-followups")
