"""Staff petition screens: inbox, paper intake, the petition page, one view per triage action."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,

    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import listsearch
from app.audit.services import audit_now
from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.extensions import db
from app.petitions import queries, services, triage, workflow
from app.petitions.forms import (
    ClassifyForm,
    DecisionForm,
    InboxFilterForm,
    PaperPetitionForm,
    ProposeForm,
    RevealForm,
    SplitForm,
)
from app.petitions.models import Attachment
from app.petitions.page import (
    action_forms,
    build_paper_draft,
    fill_filter_choices,
    filters_from_form,
    propose_kwargs,
    render_detail,
    render_paper_form,
    split_parts,
)
from app.portal.intake import collect_uploads
from app.storage import files

bp = Blueprint("petitions", __name__, url_prefix="/staff/petitions")


def _load(petition_id: int):
    """The petition within the user's scope, or 404 (never 403: existence is not revealed)."""
    petition = queries.get_for_user(current_user, petition_id)
    if petition is None:
        abort(404)
    return petition


@bp.route("/", methods=["GET", "POST"])
@staff_required(Permission.PETITION_READ)
@listsearch.searchable()
def inbox():
    """The agency's inbox: tabs, filters, search (by POST, app.listsearch), sort, pagination."""
    form = InboxFilterForm(listsearch.args())
    fill_filter_choices(form, current_user)
    form.validate()
    page = queries.inbox(current_user, filters_from_form(form, request.args.get("page", 1, type=int)))
    return render_template("petitions/inbox.html", form=form, page=page, counts=queries.tab_counts(current_user),
                           tab=form.tab.data or "open")


@bp.route("/new", methods=["GET", "POST"])
@staff_required(Permission.PETITION_REGISTER)
def register():
    """Register a petition received on paper (post, by hand, forwarded)."""
    form = PaperPetitionForm()
    if request.method == "GET":
        form.form_token.data = services.new_form_token()
        return render_paper_form(form, [], [])
    token = form.form_token.data
    if not services.is_form_token(token):
        abort(400)
    services.discard_staged(token, request.form.getlist("remove_staged"))
    checked, file_errors = collect_uploads(token)
    if form.add_person.data:
        form.people.append_entry()
        services.stage_files(token, checked)
        db.session.commit()
        return render_paper_form(form, services.staged_uploads(token), file_errors, validate=False)
    if not form.validate() or file_errors:
        services.stage_files(token, checked)
        db.session.commit()
        return render_paper_form(form, services.staged_uploads(token), file_errors, status=422)
    written: list[str] = []
    try:
        with services.files_removed_on_failure(written):
            result = services.register_paper_petition(build_paper_draft(form), user=current_user,
                                                      form_token=token, new_files=checked, written_keys=written)
            db.session.commit()
        petition = result.petition
    except IntegrityError:
        # The same form sent twice at the same moment: show the one that was registered.
        db.session.rollback()
        petition = services.find_by_form_token(token)
        if petition is None:
            raise
    except services.IntakeError as exc:
        db.session.rollback()
        return render_paper_form(form, services.staged_uploads(token), [str(exc)], status=422)
    session["staff_receipt_token"] = token
    flash(_("Đã vào sổ đơn %(code)s.", code=petition.tracking_code), "success")
    return redirect(url_for("petitions.paper_receipt", petition_id=petition.id))


@bp.get("/<int:petition_id>/receipt")
@staff_required(Permission.PETITION_REGISTER)
def paper_receipt(petition_id: int):
    """The receipt to print and hand over; the access key shows only right after registering."""
    petition = _load(petition_id)
    token = session.get("staff_receipt_token")
    key = None
    if token and services.find_by_form_token(token) is petition:
        from app.petitions.tracking import derive_access_key

        key = derive_access_key(token)
    return render_template("petitions/paper_receipt.html", petition=petition, access_key=key,
                           rule=services.intake_rule(petition))


@bp.get("/<int:petition_id>")
@staff_required(Permission.PETITION_READ)
def detail(petition_id: int):
    """Everything about the petition, its timeline, duplicates, and the actions allowed now."""
    return render_detail(_load(petition_id))


def _act(petition_id: int, action: str, form_class, run):
    """Shared shape of a triage action: load, validate, call the service, commit, redirect."""
    petition = _load(petition_id)
    form = form_class(prefix=action)
    forms = action_forms(petition, current_user, **{action: form})
    if not form.validate():
        return render_detail(petition, forms=forms, errors=[], status=422, active=action)
    try:
        created = run(petition, form)
        db.session.commit()
    except triage.StaleState as exc:
        db.session.rollback()
        return render_detail(_reload(petition), errors=[str(exc)], status=409)
    except StaleDataError:
        db.session.rollback()
        return render_detail(_reload(petition), errors=[_("Đơn vừa được người khác thay đổi. Hãy kiểm tra "
                                                          "thông tin mới nhất rồi thực hiện lại.")], status=409)
    except (triage.TriageError, workflow.InvalidTransition) as exc:
        db.session.rollback()
        return render_detail(_reload(petition), forms=forms, errors=[str(exc)], status=422, active=action)
    flash(_("Đã cập nhật đơn %(code)s.", code=petition.tracking_code), "success")
    if created is not None and not isinstance(created, list):
        flash(_("Đơn đã đến hộp đơn của %(agency)s với mã %(code)s.", agency=created.agency.name,
                code=created.tracking_code), "success")
    return redirect(url_for("petitions.detail", petition_id=petition.id))


def _reload(petition):
    db.session.expire_all()
    return _load(petition.id)


@bp.post("/<int:petition_id>/classify")
@staff_required(Permission.PETITION_TRIAGE)
def classify(petition_id: int):
    """Classify and run the eligibility checklist."""
    def run(petition, form):
        checks = {item.code: bool(request.form.get(f"check_{item.code}")) for item in triage.ELIGIBILITY_ITEMS}
        triage.classify(petition, current_user, version=form.version.data, kind=form.kind.data,
                        category_id=int(form.category.data) if form.category.data else None,
                        multi_signer=form.multi_signer.data, checks=checks,
                        within_jurisdiction=form.within_jurisdiction.data == "yes", note=form.note.data)
    return _act(petition_id, "classify", ClassifyForm, run)


@bp.post("/<int:petition_id>/propose")
@staff_required(Permission.PETITION_TRIAGE)
def propose(petition_id: int):
    """Propose accept, guide, transfer, urge, file or merge."""
    def run(petition, form):
        triage.propose(petition, current_user, version=form.version.data, **propose_kwargs(form, current_user))
    return _act(petition_id, "propose", ProposeForm, run)


@bp.post("/<int:petition_id>/withdraw")
@staff_required(Permission.PETITION_TRIAGE)
def withdraw(petition_id: int):
    """Take back one's proposal."""
    return _act(petition_id, "withdraw_proposal", DecisionForm,
                lambda p, f: triage.withdraw_proposal(p, current_user, version=f.version.data, note=f.note.data))


@bp.post("/<int:petition_id>/approve")
@staff_required(Permission.PETITION_APPROVE)
def approve(petition_id: int):
    """The leader approves the proposal (one click)."""
    return _act(petition_id, "approve", DecisionForm,
                lambda p, f: triage.approve(p, current_user, version=f.version.data, note=f.note.data))


@bp.post("/<int:petition_id>/return")
@staff_required(Permission.PETITION_APPROVE)
def return_proposal(petition_id: int):
    """The leader returns the proposal with a reason."""
    return _act(petition_id, "return", DecisionForm,
                lambda p, f: triage.return_proposal(p, current_user, version=f.version.data, note=f.note.data))


@bp.post("/<int:petition_id>/split")
@staff_required(Permission.PETITION_TRIAGE)
def split(petition_id: int):
    """Split a petition that mixes kinds into one petition per kind."""
    return _act(petition_id, "split", SplitForm,
                lambda p, f: triage.split(p, current_user, version=f.version.data, parts=split_parts(f),
                                          note=f.note.data))


@bp.post("/<int:petition_id>/identity")
@staff_required(Permission.PETITION_READ)
def reveal_identity(petition_id: int):
    """Show the denunciator's identity to the resolver or the leader; the reveal is logged."""
    petition = _load(petition_id)
    form = RevealForm(prefix="reveal")
    if not form.validate() or not triage.can_reveal_identity(current_user, petition):
        abort(403)
    identities = triage.reveal_identity(petition, current_user, ip_address=request.remote_addr)
    db.session.commit()
    return render_detail(petition, revealed=identities)


@bp.get("/<int:petition_id>/attachments/<int:attachment_id>")
@staff_required(Permission.PETITION_ATTACHMENT_READ)
def attachment(petition_id: int, attachment_id: int):
    """Download an attachment with its real content type (never rendered inline unless an image)."""
    petition = _load(petition_id)
    att = db.session.get(Attachment, attachment_id)
    if att is None or att.petition_id != petition.id:
        abort(404)
    inline = att.content_type in ("image/jpeg", "image/png")  # re-encoded by the upload check; never SVG
    audit_now("download.attachment", subject_type="petition", subject_id=petition.id,
              detail={"attachment_id": att.id})
    return send_file(files.path_for(att.storage_key), mimetype=att.content_type, as_attachment=not inline,
                     download_name=att.original_name, max_age=0)


