"""Nhiệm vụ, ý kiến chỉ đạo (`/staff/directives`): the list with its tabs and export, assigning,
the directive page with its progress notes, completion, reopening and deletion.

Each view: load within scope or 404, permission (staff_required, then the `can_*` predicate or
403), validate, one service call, one commit, redirect. Reopening and deleting have a
confirmation page.
"""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import listsearch
from app.audit.services import audit_now
from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.extensions import db
from app.formatting import format_date, local_today
from app.formhelpers import form_status, show_service_error
from app.oversight import directives as svc
from app.oversight.directive_forms import (
    CompleteForm,
    ConfirmForm,
    DirectiveFilterForm,
    DirectiveForm,
    NoteForm,
    ReopenForm,
)
from app.oversight.labels import DIRECTIVE_STATUS_LABELS, EVENT_LABELS, SOURCE_LABELS, TAB_LABELS

bp = Blueprint("directives", __name__, url_prefix="/staff/directives")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_context_processor
def _directive_helpers():
    """What any page showing a directive needs (the session page, the dashboard, these pages)."""
    return {"DIRECTIVE_STATUS_LABELS": DIRECTIVE_STATUS_LABELS, "DIRECTIVE_SOURCE_LABELS": SOURCE_LABELS,
            "directive_phrase": svc.status_phrase, "directive_source": svc.source_text}


@bp.context_processor
def _labels():
    """Label tables of the directive pages."""
    return {"TAB_LABELS": TAB_LABELS, "DIRECTIVE_EVENT_LABELS": EVENT_LABELS}


def _visible(directive_id: int):
    """A directive of the user's scope (404 otherwise: another agency's does not exist for them)."""
    directive = svc.get_for_user(current_user, directive_id)
    if directive is None:
        abort(404)
    return directive


def _allowed(check, directive) -> None:
    if not check(current_user, directive):
        abort(403)




# --- the list -----------------------------------------------------------------------------------

def _filter_form() -> DirectiveFilterForm:
    form = DirectiveFilterForm(listsearch.args())
    form.fill_choices(svc.assignee_filter_choices(current_user))
    form.validate()
    return form


def _tab() -> str:
    tab = request.args.get("tab", "all")
    return tab if tab in svc.TABS else "all"


def _filter_args() -> dict:
    """The query string without the page and the tab (the search as its handle `s`): for the tab
    links and the export."""
    return {k: v for k, v in request.args.items() if k not in ("page", "tab")}


@bp.route("/", methods=["GET", "POST"])
@staff_required(Permission.DIRECTIVE_READ)
@listsearch.searchable()
def index():
    """The directives of the scope: tabs by computed status with counts, filters, a search (by POST,
    app.listsearch), 25 a page."""
    form, tab, today = _filter_form(), _tab(), local_today()
    f = form.filters(tab, request.args.get("page", 1, type=int))
    return render_template("directives/index.html", form=form, tab=tab, today=today,
                           page=svc.directive_page(current_user, f, today),
                           counts=svc.tab_counts(current_user, f, today), filter_args=_filter_args(),
                           export_cap=svc.EXPORT_CAP, can_create=current_user.can(Permission.DIRECTIVE_MANAGE))


@bp.get("/export.xlsx")
@staff_required(Permission.DIRECTIVE_READ)
@listsearch.searchable(list_endpoint="directives.index")
def export():
    """The filtered list (the tab included) as an Excel workbook, at most EXPORT_CAP rows."""
    today = local_today()
    f = _filter_form().filters(_tab())
    rows, total = svc.directive_rows(current_user, f, today)
    audit_now("export.xlsx", detail={"what": "directives", "rows": len(rows), "total": total})
    data = svc.build_workbook(rows, agency_name=current_user.agency.name, today=today, f=f, total=total,
                              multi_agency=current_user.can(Permission.SUBTREE_READ))
    return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=svc.export_filename(today))


# --- assign and change --------------------------------------------------------------------------

def _directive_form(data=None) -> DirectiveForm:
    form = DirectiveForm(data=data)
    agency_id = current_user.agency_id
    form.fill_choices(svc.assignee_agencies(agency_id), svc.assignee_users(agency_id))
    return form


def _render_form(form, directive, status):
    return render_template("directives/form.html", form=form, directive=directive), status


@bp.route("/new", methods=["GET", "POST"])
@staff_required(Permission.DIRECTIVE_MANAGE)
def new():
    """Assign a directive from the user's agency to it or an agency below."""
    form = _directive_form(data={"issued_on": local_today()} if request.method == "GET" else None)
    if not form.validate_on_submit():
        return _render_form(form, None, form_status())
    try:
        directive = svc.create_directive(form.data_for_service(), actor=current_user, today=local_today())
    except svc.DirectiveError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return _render_form(form, None, 422)
    db.session.commit()
    flash(_("Đã giao nhiệm vụ, hạn %(day)s.", day=format_date(directive.due_on)), "success")
    return redirect(url_for("directives.show", directive_id=directive.id))


@bp.route("/<int:directive_id>/edit", methods=["GET", "POST"])
@staff_required(Permission.DIRECTIVE_MANAGE)
def edit(directive_id: int):
    """Change an open directive's details (a notice's item is changed on its session page)."""
    directive = _visible(directive_id)
    if directive.session_id is not None and svc.can_manage(current_user, directive):
        flash(_("Việc theo thông báo kết luận tiếp công dân được sửa tại trang buổi tiếp."), "info")
        return redirect(url_for("sessions.show", session_id=directive.session_id, _anchor=f"task-{directive.id}"))
    _allowed(svc.can_manage, directive)
    if directive.is_done:
        flash(_("Nhiệm vụ đã hoàn thành, không sửa được. Hãy mở lại nhiệm vụ nếu cần sửa."), "info")
        return redirect(url_for("directives.show", directive_id=directive.id))
    form = _directive_form(data={
        "source": directive.source, "source_name": directive.source_name, "document_number": directive.document_number,
        "issued_on": directive.issued_on, "content": directive.content, "is_key_task": directive.is_key_task,
        "assignee_agency": str(directive.assignee_agency_id), "assignee_user": str(directive.assignee_user_id or ""),
        "due_on": directive.due_on})
    if not form.validate_on_submit():
        return _render_form(form, directive, form_status())
    try:
        svc.update_directive(directive, form.data_for_service(), actor=current_user, today=local_today())
    except svc.DirectiveError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return _render_form(form, _visible(directive_id), 422)
    db.session.commit()
    flash(_("Đã lưu nhiệm vụ."), "success")
    return redirect(url_for("directives.show", directive_id=directive.id))


# --- the directive page -------------------------------------------------------------------------

def _show(directive, *, note_form=None, complete_form=None, status=200):
    today = local_today()
    user = current_user
    return render_template(
        "directives/show.html", directive=directive, today=today,
        status=directive.status_on(today).value, events=svc.directive_events(directive),
        note_form=note_form or NoteForm(formdata=None),
        complete_form=complete_form or CompleteForm(formdata=None, data={"done_on": today}),
        can_manage=svc.can_manage(user, directive), can_edit=svc.can_edit(user, directive),
        can_delete=svc.can_delete(user, directive),
        can_note=svc.can_note(user, directive), can_complete=svc.can_complete(user, directive),
        can_reopen=svc.can_reopen(user, directive),
        session_link=_session_visible(directive)), status


def _session_visible(directive) -> bool:
    """Link a conclusion item to its reception day only for those who may open that page."""
    from app.reception.sessions import get_for_user as session_for_user

    return (directive.session_id is not None and current_user.can(Permission.VISIT_READ)
            and session_for_user(current_user, directive.session_id) is not None)


@bp.get("/<int:directive_id>")
@staff_required(Permission.DIRECTIVE_READ)
def show(directive_id: int):
    """A directive: details, computed status, progress notes, and the actions the user may take."""
    return _show(_visible(directive_id))


@bp.post("/<int:directive_id>/notes")
@staff_required(Permission.DIRECTIVE_WORK, Permission.DIRECTIVE_MANAGE)
def add_note(directive_id: int):
    """Add a progress note, dated today."""
    directive = _visible(directive_id)
    _allowed(svc.can_work, directive)
    form = NoteForm()
    if not form.validate_on_submit():
        return _show(directive, note_form=form, status=422)
    try:
        svc.add_note(directive, form.note.data, actor=current_user, today=local_today())
    except svc.DirectiveError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return _show(_visible(directive_id), note_form=form, status=422)
    db.session.commit()
    flash(_("Đã ghi tiến độ."), "success")
    return redirect(url_for("directives.show", directive_id=directive.id, _anchor="h-notes"))


@bp.post("/<int:directive_id>/complete")
@staff_required(Permission.DIRECTIVE_WORK, Permission.DIRECTIVE_MANAGE)
def complete(directive_id: int):
    """Record the completion: the date and the result."""
    directive = _visible(directive_id)
    _allowed(svc.can_work, directive)
    form = CompleteForm()
    if not form.validate_on_submit():
        return _show(directive, complete_form=form, status=422)
    try:
        svc.complete_directive(directive, form.done_on.data, form.result_note.data, actor=current_user,
                               today=local_today())
    except svc.DirectiveError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return _show(_visible(directive_id), complete_form=form, status=422)
    db.session.commit()
    flash(_("Đã ghi nhận nhiệm vụ hoàn thành."), "success")
    return redirect(url_for("directives.show", directive_id=directive.id))


@bp.route("/<int:directive_id>/reopen", methods=["GET", "POST"])
@staff_required(Permission.DIRECTIVE_MANAGE)
def reopen(directive_id: int):
    """Reopen a completed directive, with the reason, after a confirmation page."""
    directive = _visible(directive_id)
    _allowed(svc.can_manage, directive)
    if not directive.is_done:
        flash(_("Nhiệm vụ chưa hoàn thành, không cần mở lại."), "info")
        return redirect(url_for("directives.show", directive_id=directive.id))
    form = ReopenForm()
    if not form.validate_on_submit():
        return render_template("directives/reopen.html", form=form, directive=directive), form_status()
    try:
        svc.reopen_directive(directive, form.reason.data, actor=current_user, today=local_today())
    except svc.DirectiveError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return render_template("directives/reopen.html", form=form, directive=_visible(directive_id)), 422
    db.session.commit()
    flash(_("Đã mở lại nhiệm vụ."), "success")
    return redirect(url_for("directives.show", directive_id=directive.id))


@bp.route("/<int:directive_id>/delete", methods=["GET", "POST"])
@staff_required(Permission.DIRECTIVE_MANAGE)
def delete(directive_id: int):
    """Delete a directive after a confirmation page (never a reception-day notice's item)."""
    directive = _visible(directive_id)
    _allowed(svc.can_manage, directive)
    form = ConfirmForm()
    context = dict(title=_("Xóa nhiệm vụ"), button=_("Xóa nhiệm vụ"), danger=True,
                   message=_("Xóa nhiệm vụ “%(content)s” (hạn %(day)s) cùng các ghi chép tiến độ? Không thể hoàn tác.",
                             content=directive.content[:200], day=format_date(directive.due_on)),
                   action=url_for("directives.delete", directive_id=directive.id),
                   cancel=url_for("directives.show", directive_id=directive.id), nav=None)
    if directive.session_id is not None and request.method == "GET":
        flash(_("Việc theo thông báo kết luận tiếp công dân được quản lý tại trang buổi tiếp."), "info")
        return redirect(url_for("directives.show", directive_id=directive.id))
    if not form.validate_on_submit():
        return render_template("staff/confirm.html", form=form, errors=[], **context), \
            (400 if request.method == "POST" else 200)
    try:
        svc.delete_directive(directive, actor=current_user)
    except svc.DirectiveError as exc:
        db.session.rollback()
        return render_template("staff/confirm.html", form=form, errors=[str(exc)], **context), 422
    db.session.commit()
    flash(_("Đã xóa nhiệm vụ."), "success")
    return redirect(url_for("directives.index"))
