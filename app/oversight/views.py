"""Oversight (staff): the cases at risk of escalation, urging an overdue case, the urges and reports.

Scope: a case is found only inside the user's visible agencies (404 otherwise); urging needs
SUBTREE_URGE and a strict ancestor (app.cases.urging); a report is written by the case's agency.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.auth.scope import visible_agency_ids
from app.cases import escalation, urging
from app.cases.models import Case
from app.cases.services import CaseError
from app.cases.urge_models import CaseUrge
from app.extensions import db
from app.formatting import local_today
from app.formhelpers import show_service_error
from app.oversight.forms import ReportForm, UrgeForm

bp = Blueprint("oversight", __name__, url_prefix="/staff/oversight")

CASE_URL = "/staff/cases/{id}"  # the case page (another blueprint): a plain path


def _visible_case(case_id: int) -> Case:
    case = db.session.scalars(select(Case).where(Case.id == case_id,
                                                 Case.agency_id.in_(visible_agency_ids(current_user)))).first()
    if case is None:
        abort(404)
    return case



@bp.get("/at-risk")
@staff_required(Permission.CASE_READ, Permission.SUBTREE_READ)
def at_risk():
    today = local_today()
    rows = escalation.at_risk(current_user, today)
    return render_template("oversight/at_risk.html", rows=rows, today=today, weights=escalation.WEIGHTS,
                           signal_order=escalation.SIGNAL_ORDER, near_due_days=escalation.NEAR_DUE_DAYS,
                           case_url=CASE_URL, can_urge=current_user.can(Permission.SUBTREE_URGE))


@bp.get("/urges")
@staff_required(Permission.CASE_READ, Permission.SUBTREE_READ)
def urges():
    items = db.session.scalars(urging.urges_for(current_user).limit(200)).all()
    sent = [u for u in items if u.urging_agency_id == current_user.agency_id]
    received = [u for u in items if u.case.agency_id == current_user.agency_id]
    return render_template("oversight/urges.html", sent=sent, received=received, today=local_today(),
                           case_url=CASE_URL, can_report=current_user.can(Permission.CASE_WORK))


@bp.route("/cases/<int:case_id>/urge", methods=["GET", "POST"])
@staff_required(Permission.SUBTREE_URGE)
def urge(case_id: int):
    case = _visible_case(case_id)
    today = local_today()
    form = UrgeForm(data={"followup_received_on": today, "request_sent_on": today})
    status = 200
    if form.validate_on_submit():
        try:
            urging.urge(case, current_user, followup_received_on=form.followup_received_on.data,
                        request_sent_on=form.request_sent_on.data, note=form.note.data)
        except CaseError as exc:
            db.session.rollback()
            show_service_error(form, exc)
            status = 422
        else:
            db.session.commit()
            flash(_("Đã gửi đôn đốc. Cơ quan giải quyết phải báo cáo trong 5 ngày làm việc."), "success")
            return redirect(url_for("oversight.urges"))
    elif form.is_submitted():
        status = 422
    return render_template("oversight/urge_form.html", form=form, case=case, case_url=CASE_URL,
                           open_urge=urging.open_urge(case), today=today), status


@bp.route("/urges/<int:urge_id>/report", methods=["GET", "POST"])
@staff_required(Permission.CASE_WORK)
def report(urge_id: int):
    item = db.session.get(CaseUrge, urge_id)
    if item is None or item.case.agency_id != current_user.agency_id:
        abort(404)
    form = ReportForm(data={"received_on": local_today()})
    status = 200
    if form.validate_on_submit():
        try:
            urging.record_report(item, current_user, received_on=form.received_on.data, note=form.note.data)
        except CaseError as exc:
            db.session.rollback()
            show_service_error(form, exc)
            status = 422
        else:
            db.session.commit()
            flash(_("Đã ghi nhận báo cáo."), "success")
            return redirect(url_for("oversight.urges"))
    elif form.is_submitted():
        status = 422
    return render_template("oversight/report_form.html", form=form, item=item, case_url=CASE_URL,
                           today=local_today()), status
