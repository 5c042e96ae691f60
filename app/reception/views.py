"""The reception desk (bàn tiếp công dân): log a visit, look a person up, the visit page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.queries import timeline
from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.auth.scope import visible_agency_ids
from app.documents.builders import available_documents, can_print
from app.extensions import db
from app.formatting import local_today
from app.petitions import services as petition_services
from app.portal.intake import collect_uploads
from app.reception import history as history_queries
from app.reception import services
from app.reception.forms import MAX_VISITORS, ReplyForm, RevealVisitForm, VisitForm
from app.reception.models import Visit
from app.reception.page import (
    apply_pick,
    build_draft,
    check_choices,
    fill_choices,
    prefill,
    render_desk,
)

bp = Blueprint("reception", __name__, url_prefix="/staff/reception")


@bp.get("/")
@staff_required(Permission.VISIT_READ)
def index():
    """The desk's start: the visit form for those who log visits, the register for others."""
    if current_user.can(Permission.VISIT_LOG):
        return redirect(url_for("reception.new_visit"))
    return redirect(url_for("register.index"))


@bp.route("/visits/new", methods=["GET", "POST"])
@staff_required(Permission.VISIT_LOG)
def new_visit():
    """Log a visit; a received letter becomes a walk-in petition in the triage inbox."""
    form = VisitForm()
    fill_choices(form, current_user)
    if request.method == "GET":
        context = prefill(form, current_user, last_place=session.get("desk_place"),
                          session_id=request.args.get("session_id"),
                          online_request_id=request.args.get("online_request"))
        form.form_token.data = petition_services.new_form_token()
        return render_desk(form, current_user, validate=False, context=context)
    token = form.form_token.data
    if not petition_services.is_form_token(token):
        abort(400)
    petition_services.discard_staged(token, request.form.getlist("remove_staged"))
    checked, file_errors = collect_uploads(token)

    def keep_files_and_render(**kwargs):
        petition_services.stage_files(token, checked)
        db.session.commit()
        return render_desk(form, current_user, **kwargs)

    picked = request.form.get("pick_person")
    if form.do_lookup.data or picked:
        if picked and not apply_pick(form, picked):
            file_errors.append(_("Không thêm được người đã chọn (đã đủ %(n)s người).", n=MAX_VISITORS))
        people = history_queries.find_people(form.lookup_q.data, current_user) if form.do_lookup.data else None
        return keep_files_and_render(extra_errors=file_errors, validate=False, people=people,
                                     focus=None if form.do_lookup.data else "kind-0")
    if form.add_person.data:
        if len(form.visitors.entries) < MAX_VISITORS:
            form.visitors.append_entry()
        return keep_files_and_render(extra_errors=file_errors, validate=False,
                                     focus=f"visitors-{len(form.visitors.entries) - 1}-full_name")
    valid = form.validate()
    valid = check_choices(form) and valid
    if not valid or file_errors:
        return keep_files_and_render(extra_errors=file_errors, status=422)
    written: list[str] = []
    try:
        with petition_services.files_removed_on_failure(written):
            result = services.log_visit(build_draft(form, current_user), user=current_user, form_token=token,
                                        new_files=checked, written_keys=written)
            if result.created and result.visit.online_request_id:
                _mark_online_held(result.visit)
            db.session.commit()
        visit = result.visit
    except IntegrityError:
        # The same form sent twice at the same moment: show the visit that was logged.
        db.session.rollback()
        visit = services.find_by_form_token(token)
        if visit is None:
            raise
    except services.VisitError as exc:
        db.session.rollback()
        target = _error_field(form, exc.field_name)
        if target is not None:
            target.errors = list(target.errors) + [str(exc)]
            return keep_files_and_render(status=422)
        return keep_files_and_render(extra_errors=[str(exc)], status=422)
    except services.NameConflict as exc:
        db.session.rollback()
        return keep_files_and_render(status=422, clashes=exc.clashes, extra_errors=[
            _("Số CCCD đã có trong hồ sơ với họ tên khác. Hãy kiểm tra giấy tờ và chọn giữ tên trong hồ sơ "
              "hoặc sửa theo tên vừa nhập.")])
    session["desk_receipt_token"] = token
    session["desk_place"] = visit.place
    flash(_("Đã ghi sổ lượt tiếp số %(n)s.", n=visit.register_number), "success")
    return redirect(url_for("reception.visit", visit_id=visit.id))


def _mark_online_held(visit: Visit) -> None:
    """Close the online request this visit recorded (app.reception.online)."""
    from app.reception import online
    from app.reception.models import OnlineRequest

    req = db.session.get(OnlineRequest, visit.online_request_id)
    if req is not None and req.agency_id == visit.agency_id:
        online.mark_held(req, visit)


def _error_field(form, name: str | None):
    """The form field a service error belongs to."""
    mapping = {"visitors": form.visitors.entries[0].form.full_name, "transfer_agency": form.transfer_agency,
               "request": form.request_text}
    if name in mapping:
        return mapping[name]
    return getattr(form, name, None) if name else None


@bp.post("/people")
@staff_required(Permission.VISIT_LOG)
def people():
    """Look-up as you type: people by ID number, phone, or name with or without diacritics (a fragment).

    POST, so that what is typed (a name, an ID number) never lands in a URL or an access log."""
    q = request.form.get("q", "")
    return render_template("reception/_people.html", people=history_queries.find_people(q, current_user), q=q)


@bp.post("/history")
@staff_required(Permission.VISIT_LOG)
def history():
    """The history panel of the people typed so far (a fragment of the desk form); POST like the look-up."""
    found = history_queries.person_history(current_user, id_numbers=request.form.getlist("id_number"),
                                           phones=request.form.getlist("phone"),
                                           person_ids=request.form.getlist("person_id"))
    return render_template("reception/_history.html", history=found, selected_ref=request.form.get("selected", ""))


def _load(visit_id: int) -> Visit:
    """A visit within the user's scope, or 404."""
    visit = db.session.scalars(select(Visit).where(Visit.id == visit_id,
                                                   Visit.agency_id.in_(visible_agency_ids(current_user)))).first()
    if visit is None:
        abort(404)
    return visit


def _render_visit(visit: Visit, *, reply_form=None, identities=None, status: int = 200):
    documents = available_documents(visit) if can_print(current_user, visit) else []
    token = session.get("desk_receipt_token")
    just_logged = bool(token) and services.find_by_form_token(token) is visit
    if identities is None and not visit.is_protected:
        identities = services.visitor_identities(visit, current_user, log=False)
    reply_form = reply_form or ReplyForm(formdata=None, replied_on=local_today())
    return render_template(
        "reception/visit.html", visit=visit, identities=identities, documents=documents,
        reply_form=reply_form, reveal_form=RevealVisitForm(),
        can_reveal=visit.is_protected and services.can_see_identity(current_user, visit),
        can_reply=current_user.can(Permission.VISIT_LOG) and visit.agency_id == current_user.agency_id,
        events=timeline("visit", visit.id, public_only=False), just_logged=just_logged, today=local_today(),
    ), status


@bp.get("/visits/<int:visit_id>")
@staff_required(Permission.VISIT_READ)
def visit(visit_id: int):
    """Everything about a visit: people, matter, outcome, the reply owed, documents to print."""
    return _render_visit(_load(visit_id))


@bp.post("/visits/<int:visit_id>/reply")
@staff_required(Permission.VISIT_LOG)
def reply(visit_id: int):
    """Record the answer given to the citizen (Luật TCD Đ.28.1)."""
    visit = _load(visit_id)
    if visit.agency_id != current_user.agency_id:
        abort(404)
    form = ReplyForm()
    if not form.validate():
        return _render_visit(visit, reply_form=form, status=422)
    try:
        services.record_reply(visit, user=current_user, replied_on=form.replied_on.data, note=form.note.data,
                              today=local_today())
    except services.VisitError as exc:
        db.session.rollback()
        target = getattr(form, exc.field_name or "", None) or form.note
        target.errors = list(target.errors) + [str(exc)]
        return _render_visit(visit, reply_form=form, status=422)
    db.session.commit()
    flash(_("Đã ghi nhận trả lời công dân."), "success")
    return redirect(url_for("reception.visit", visit_id=visit.id))


@bp.post("/visits/<int:visit_id>/identity")
@staff_required(Permission.VISIT_READ)
def reveal(visit_id: int):
    """Show a denunciator's identity to the officer who received them or a leader (logged)."""
    visit = _load(visit_id)
    if not (visit.is_protected and services.can_see_identity(current_user, visit)):
        abort(403)
    identities = services.visitor_identities(visit, current_user, ip_address=request.remote_addr)
    db.session.commit()
    return _render_visit(visit, identities=identities)
