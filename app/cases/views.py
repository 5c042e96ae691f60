"""Staff case screens: the list with its tabs, the case page, one POST per action."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import listsearch
from app.audit.services import audit_now
from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.cases import clock, queries, services
from app.cases.labels import CASE_KIND_LABELS, template_labels
from app.cases.page import SPECS, action_forms, attach_error, available, make_form, render_detail
from app.extensions import db
from app.storage import files

bp = Blueprint("cases", __name__, url_prefix="/staff/cases")


def _load(case_id: int):
    """The case within the user's scope, or 404 (never 403: existence is not revealed)."""
    case = queries.get_for_user(current_user, case_id)
    if case is None:
        abort(404)
    return case


@bp.route("/", methods=["GET", "POST"])
@staff_required(Permission.CASE_READ)
@listsearch.searchable()
def index():
    """The cases of the user's scope: tabs, a kind filter, a search (by POST, app.listsearch), pages of 25."""
    tab = request.args.get("tab", "all")
    if tab not in queries.TABS or (tab == "approval" and not current_user.can(Permission.CASE_APPROVE)):
        tab = "all"
    kind = request.args.get("kind") or None
    if kind not in CASE_KIND_LABELS:
        kind = None
    q = (listsearch.args().get("q") or "").strip()[:200] or None
    page = queries.case_list(current_user, tab=tab, kind=kind, q=q, page=request.args.get("page", 1, type=int))
    return render_template("cases/index.html", page=page, tab=tab, kind=kind, q=q,
                           counts=queries.tab_counts(current_user), **template_labels())


@bp.get("/<int:case_id>")
@staff_required(Permission.CASE_READ)
def detail(case_id: int):
    """Everything about the case, its clock, its timeline, and the actions allowed now."""
    return render_detail(_load(case_id), current_user)


@bp.post("/<int:case_id>/<action>")
@staff_required(Permission.CASE_READ)
def act(case_id: int, action: str):
    """One action on the case: validate the form, call the service, commit, back to the page."""
    case = _load(case_id)
    if action not in SPECS:
        abort(404)
    if action not in available(case, current_user):
        abort(403)
    form = make_form(action, case, posted=True)
    if not form.validate():
        return render_detail(case, current_user, forms=action_forms(case, current_user, **{action: form}),
                             status=422, active=action)
    try:
        created = SPECS[action].run(case, current_user, form)
        db.session.commit()
    except (services.CaseError, clock.ClockError) as exc:
        db.session.rollback()
        for key in getattr(g, "case_written_keys", []):  # a stored upload whose change did not commit
            files.delete(key)
        db.session.expire_all()
        case = _load(case_id)
        if not isinstance(exc, services.CaseError):
            exc = services.CaseError(_("Không thể ghi nhận: %(why)s.", why=str(exc)))
        attach_error(form, exc)
        forms = action_forms(case, current_user, **{action: form})
        forms.setdefault(action, form)  # keep the refused form on the page even if no longer offered
        return render_detail(case, current_user, forms=forms, status=422, active=action)
    if getattr(g, "case_replaced_key", None):
        files.delete(g.case_replaced_key)
    if created is not None and hasattr(created, "kind") and created.id != case.id:
        flash(_("Đã thụ lý khiếu nại lần hai: vụ việc số %(id)s.", id=created.id), "success")
        return redirect(url_for("cases.detail", case_id=created.id))
    flash(_("Đã cập nhật vụ việc số %(id)s.", id=case.id), "success")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.get("/<int:case_id>/decision-file")
@staff_required(Permission.CASE_READ)
def decision_file(case_id: int):
    """Download the signed decision of a case in the user's scope."""
    case = _load(case_id)
    if not case.decision_file_key:
        abort(404)
    audit_now("download.decision_file", subject_type="case", subject_id=case.id)
    return send_file(files.path_for(case.decision_file_key), mimetype=case.decision_file_type, as_attachment=True,
                     download_name=case.decision_file_name or "quyet-dinh", max_age=0)
