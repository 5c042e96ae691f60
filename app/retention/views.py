"""`/staff/retention`: petitions due for destruction, proposals, and the leader's decision."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.extensions import db
from app.formatting import local_today
from app.retention import labels, queries, services
from app.retention.forms import ApproveForm, ProposeForm, RejectForm, WithdrawForm
from app.storage import files

bp = Blueprint("retention", __name__, url_prefix="/staff/retention")


@bp.app_context_processor
def _labels():
    """Labels of the retention templates (also the banner on the petition page)."""
    return {"FILE_REASON_LABELS": labels.FILE_REASON_LABELS,
            "DESTRUCTION_STATUS_LABELS": labels.DESTRUCTION_STATUS_LABELS}


def _load(request_id: int):
    """A destruction request of the user's agency, or 404."""
    row = queries.get_request(current_user.agency_id, request_id)
    if row is None:
        abort(404)
    return row


def _render_index(form: ProposeForm, *, status: int = 200):
    tab = request.args.get("tab", "due")
    if tab not in ("due", "requests"):
        tab = "due"
    page_no = request.args.get("page", 1, type=int)
    today = local_today()
    context = {"tab": tab, "form": form, "today": today, "waiting": queries.waiting_count(current_user.agency_id)}
    if tab == "due":
        page = queries.due_page(current_user.agency_id, today, page_no)
        context.update(page=page, taken=queries.open_requests_by_petition([p.id for p in page.items]),
                       total_due=page.total)
    else:
        context.update(page=queries.requests_page(current_user.agency_id, page_no),
                       total_due=queries.due_count(current_user.agency_id, today))
    return render_template("retention/index.html", **context), status


@bp.get("/")
@staff_required(Permission.PETITION_TRIAGE, Permission.PETITION_APPROVE)
def index():
    """Hồ sơ đến hạn tiêu hủy: the agency's due petitions (to propose), and the proposals."""
    return _render_index(ProposeForm(formdata=None))


@bp.post("/propose")
@staff_required(Permission.PETITION_TRIAGE)
def propose():
    """A handler proposes the ticked petitions for destruction."""
    form = ProposeForm()
    if not form.validate():
        return _render_index(form, status=422)
    try:
        row = services.propose(current_user, form.petitions.data or [], note=form.note.data, today=local_today())
        db.session.commit()
    except services.RetentionError as exc:
        db.session.rollback()
        (getattr(form, exc.field).errors if exc.field else form.form_errors).append(str(exc))
        return _render_index(form, status=422)
    flash(_("Đã gửi đề xuất tiêu hủy số %(n)s (%(count)s đơn) để lãnh đạo quyết định.", n=row.id,
            count=len(row.items)), "success")
    return redirect(url_for("retention.show", request_id=row.id))


def _render_request(row, *, reject_form=None, errors=None, status: int = 200):
    can_approve = current_user.can(Permission.PETITION_APPROVE) and row.is_open
    return render_template(
        "retention/request.html", row=row, errors=errors or [],
        can_approve=can_approve and row.proposed_by_id != current_user.id,
        is_proposer_leader=can_approve and row.proposed_by_id == current_user.id,
        can_withdraw=row.is_open and row.proposed_by_id == current_user.id,
        reject_form=reject_form or RejectForm(formdata=None), withdraw_form=WithdrawForm(formdata=None),
    ), status


@bp.get("/requests/<int:request_id>")
@staff_required(Permission.PETITION_TRIAGE, Permission.PETITION_APPROVE)
def show(request_id: int):
    """A proposal: its petitions, who proposed it, and the decision."""
    return _render_request(_load(request_id))


@bp.route("/requests/<int:request_id>/approve", methods=["GET", "POST"])
@staff_required(Permission.PETITION_APPROVE)
def approve(request_id: int):
    """The leader's confirmation page (GET), then the destruction (POST)."""
    row = _load(request_id)
    try:
        services.check_can_approve(row, current_user)
    except services.RetentionError as exc:
        return _render_request(row, errors=[str(exc)], status=403 if row.is_open else 409)
    form = ApproveForm()
    if request.method == "GET" or not form.validate():
        return render_template("retention/approve.html", row=row, form=form), \
            200 if request.method == "GET" else 422
    try:
        keys = services.approve(row, current_user, note=form.note.data, today=local_today())
        db.session.commit()
    except services.RetentionError as exc:
        db.session.rollback()
        return _render_request(_load(request_id), errors=[str(exc)], status=409)
    except StaleDataError:
        db.session.rollback()
        return _render_request(_load(request_id), errors=[_("Đề xuất vừa được người khác xử lý. Hãy xem lại.")],
                               status=409)
    # The rows are gone with the commit; the files go now (a crash here leaves orphans for the sweep).
    for key in keys:
        files.delete(key)
    flash(_("Đã tiêu hủy %(count)s đơn theo đề xuất số %(n)s.", count=len(row.items), n=row.id), "success")
    return redirect(url_for("retention.show", request_id=row.id))


@bp.post("/requests/<int:request_id>/reject")
@staff_required(Permission.PETITION_APPROVE)
def reject(request_id: int):
    """The leader refuses the proposal, with a reason."""
    row = _load(request_id)
    form = RejectForm()
    if not form.validate():
        return _render_request(row, reject_form=form, status=422)
    try:
        services.reject(row, current_user, note=form.note.data)
        db.session.commit()
    except services.RetentionError as exc:
        db.session.rollback()
        (form.note.errors if exc.field == "note" else form.form_errors).append(str(exc))
        return _render_request(_load(request_id), reject_form=form, status=422)
    except StaleDataError:
        db.session.rollback()
        return _render_request(_load(request_id), errors=[_("Đề xuất vừa được người khác xử lý. Hãy xem lại.")],
                               status=409)
    flash(_("Đã ghi nhận: không đồng ý tiêu hủy theo đề xuất số %(n)s.", n=row.id), "success")
    return redirect(url_for("retention.show", request_id=row.id))


@bp.post("/requests/<int:request_id>/withdraw")
@staff_required(Permission.PETITION_TRIAGE)
def withdraw(request_id: int):
    """The proposer takes the proposal back."""
    row = _load(request_id)
    form = WithdrawForm()
    if not form.validate():
        abort(400)
    try:
        services.withdraw(row, current_user)
        db.session.commit()
    except services.RetentionError as exc:
        db.session.rollback()
        return _render_request(_load(request_id), errors=[str(exc)], status=422)
    except StaleDataError:
        db.session.rollback()
        return _render_request(_load(request_id), errors=[_("Đề xuất vừa được người khác xử lý. Hãy xem lại.")],
                               status=409)
    flash(_("Đã rút đề xuất tiêu hủy số %(n)s.", n=row.id), "success")
    return redirect(url_for("retention.index", tab="requests"))
