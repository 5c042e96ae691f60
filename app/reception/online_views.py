"""Tiếp công dân trực tuyến, staff screens: slots, the requests of the agency, recordings of online visits.

Each view loads within the user's agency (404 otherwise), validates, calls one service of
app.reception.online, commits once and redirects.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.fields import SelectChoice

from app.audit.queries import timeline
from app.audit.services import audit_now
from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.db import utcnow
from app.extensions import db
from app.formatting import local_today
from app.petitions.services import files_removed_on_failure
from app.reception import online
from app.reception.labels import MASKED, ONLINE_STATUS_LABELS
from app.reception.online_forms import (
    ConfirmForm,
    DeclineForm,
    ProposeForm,
    RecordingForm,
    RevealForm,
    SlotForm,
)
from app.storage import files

bp = Blueprint("online", __name__, url_prefix="/staff/reception/online")

TABS_NAV = "reception/_tabs.html"
# What a recording request may carry beyond the file itself (the form's other fields).
FORM_OVERHEAD_BYTES = 1024 * 1024


def max_recording_bytes() -> int:
    """MAX_RECORDING_BYTES from the configuration (200 MB when unset)."""
    return int(current_app.config.get("MAX_RECORDING_BYTES", online.DEFAULT_MAX_RECORDING_BYTES))


@bp.context_processor
def _labels():
    return {"ONLINE_STATUS_LABELS": ONLINE_STATUS_LABELS, "ONLINE_EVENT_LABELS": online.EVENT_LABELS,
            "MASKED_REQUESTER": MASKED, "slot_label": online.slot_label, "TAB_LABELS": online.TAB_LABELS}


@bp.app_template_global("can_read_recording")
def _can_read_recording(visit) -> bool:
    """For templates/online/_recording.html, included in the desk's visit page."""
    return current_user.is_authenticated and current_user.can(Permission.VISIT_READ) \
        and online.can_read_recording(current_user, visit)


@bp.url_value_preprocessor
def _raise_body_limit_for_recordings(endpoint, values):
    """Let a recording upload exceed MAX_CONTENT_LENGTH (sized for ten 10 MB attachments).

    URL value preprocessors run before every before_request function, so this is the last
    moment to raise the limit: CSRFProtect reads (and so parses) the form in its
    before_request. Only signed-in staff who may attach recordings get the larger limit.
    """
    if endpoint == "online.upload_recording" and current_user.is_authenticated \
            and current_user.can(Permission.ONLINE_MANAGE):
        request.max_content_length = max_recording_bytes() + FORM_OVERHEAD_BYTES


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    """A recording larger than the limit: say so in its own words (not the attachments' limit)."""
    if request.endpoint != "online.upload_recording":  # no other form here carries a file
        return render_template("errors/error.html", code=413, title=_("Dữ liệu gửi lên quá lớn"),
                               message=_("Biểu mẫu gửi lên vượt quá giới hạn cho phép. Hãy quay lại và thử lại.")), 413
    return render_template("errors/error.html", code=413, title=_("Tệp bản ghi quá lớn"),
                           message=_("Bản ghi lớn hơn %(size)s nên chưa được tải lên. Hãy nén hoặc cắt bản ghi "
                                     "rồi thử lại, hoặc đề nghị quản trị viên tăng giới hạn MAX_RECORDING_BYTES.",
                                     size=online.size_label(max_recording_bytes()))), 413


# --- requests ---------------------------------------------------------------------------------

def _load(request_id: int):
    req = online.load_request(current_user, request_id)
    if req is None:
        abort(404)
    return req


@bp.get("/")
@staff_required(Permission.ONLINE_MANAGE)
def index():
    """The agency's requests, one tab per status, oldest meeting first."""
    tab = request.args.get("tab", "requested")
    if tab not in online.TABS:
        tab = "requested"
    page = online.list_requests(current_user, tab=tab, page=request.args.get("page", 1, type=int))
    return render_template("online/index.html", page=page, tab=tab, counts=online.tab_counts(current_user),
                           tabs=online.TABS)


def _action_forms(req, **given):
    """The forms of the request page, each bound to the request's version; the posted one kept as typed."""
    forms = {
        "confirm": given.get("confirm") or ConfirmForm(prefix="confirm", formdata=None),
        "propose": given.get("propose") or ProposeForm(prefix="propose", formdata=None),
        "decline": given.get("decline") or DeclineForm(prefix="decline", formdata=None),
    }
    for name, form in forms.items():
        if name not in given:
            form.version.data = str(req.version_id)
    if "confirm" not in given and req.meeting_link:
        forms["confirm"].meeting_link.data = req.meeting_link
    forms["propose"].slot.choices = [SelectChoice("", _("— Chọn khung giờ —"))] + [
        SelectChoice(str(s.id), _("%(slot)s (còn %(n)s chỗ)", slot=online.slot_label(s), n=room))
        for s, room in online.proposable_slots(req)
    ]
    return forms


def render_request(req, *, forms=None, errors=(), status=200, identity=None, active=None):
    """The request page: who, what, when, its timeline, and the actions allowed now."""
    forms = forms or _action_forms(req)
    return render_template(
        "online/request.html", req=req, forms=forms, errors=list(errors), identity=identity, active=active,
        who=online.requester(req),  # None for a denunciation: masked
        can_reveal=req.protected_identity is not None and online.can_see_identity(current_user, req),
        reveal_form=RevealForm(prefix="reveal"), events=timeline("online_request", req.id, public_only=False),
        visit=online.visit_of(req),
        allowed={a for a in online.STAFF_ACTIONS if req.status in online.TRANSITIONS[a][0]},
        can_record=req.status == online.S.CONFIRMED.value and req.slot is not None
        and req.slot.starts_at <= utcnow(),
    ), status


@bp.get("/requests/<int:request_id>")
@staff_required(Permission.ONLINE_MANAGE)
def request_detail(request_id: int):
    """One request and what can be done with it."""
    return render_request(_load(request_id))


def _act(request_id: int, name: str, form_class, run):
    """Shared shape of an action: load, validate, call the service, commit, redirect."""
    req = _load(request_id)
    form = form_class(prefix=name)
    forms = _action_forms(req, **{name: form})
    if not form.validate():
        return render_request(req, forms=forms, status=422, active=name)
    try:
        run(req, form)
        db.session.commit()
    except (online.StaleRequest, StaleDataError):
        db.session.rollback()
        db.session.expire_all()
        req = _load(request_id)
        return render_request(req, errors=[_("Yêu cầu %(code)s vừa được thay đổi (có thể công dân vừa trả lời). "
                                             "Hãy xem thông tin mới nhất rồi thực hiện lại.", code=req.code)],
                              status=409)
    except online.OnlineError as exc:
        db.session.rollback()
        target = getattr(form, exc.field_name, None) if exc.field_name else None
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + [str(exc)]
            return render_request(req, forms=forms, status=422, active=name)
        return render_request(req, forms=forms, errors=[str(exc)], status=422, active=name)
    flash(_("Đã cập nhật yêu cầu %(code)s.", code=req.code), "success")
    return redirect(url_for("online.request_detail", request_id=req.id))


@bp.post("/requests/<int:request_id>/confirm")
@staff_required(Permission.ONLINE_MANAGE)
def confirm(request_id: int):
    """Confirm the citizen's slot with the meeting link."""
    return _act(request_id, "confirm", ConfirmForm, lambda req, f: online.confirm_request(
        req, current_user, version=f.version_number(), meeting_link=f.meeting_link.data, note=f.note.data))


@bp.post("/requests/<int:request_id>/propose")
@staff_required(Permission.ONLINE_MANAGE)
def propose(request_id: int):
    """Propose another slot; the citizen answers on the status page."""
    return _act(request_id, "propose", ProposeForm, lambda req, f: online.propose_slot(
        req, current_user, version=f.version_number(), slot_id=f.slot.data, note=f.note.data))


@bp.post("/requests/<int:request_id>/decline")
@staff_required(Permission.ONLINE_MANAGE)
def decline(request_id: int):
    """Decline with a reason."""
    return _act(request_id, "decline", DeclineForm, lambda req, f: online.decline_request(
        req, current_user, version=f.version_number(), reason=f.reason.data))


@bp.post("/requests/<int:request_id>/identity")
@staff_required(Permission.ONLINE_MANAGE)
def reveal_identity(request_id: int):
    """A leader of the agency sees the denunciator's identity; the read is logged."""
    req = _load(request_id)
    form = RevealForm(prefix="reveal")
    if not form.validate() or req.protected_identity is None or not online.can_see_identity(current_user, req):
        abort(403)
    identity = online.requester(req, current_user)
    db.session.commit()
    return render_request(req, identity=identity)


@bp.get("/requests/<int:request_id>/record")
@staff_required(Permission.VISIT_LOG)
def record(request_id: int):
    """After the meeting: log it at the desk, prefilled from the request."""
    req = _load(request_id)
    if req.status != online.S.CONFIRMED.value:
        flash(_("Chỉ ghi sổ được buổi tiếp đã xác nhận."), "info")
        return redirect(url_for("online.request_detail", request_id=req.id))
    return redirect(url_for("reception.new_visit", online_request=req.id))


# --- slots ------------------------------------------------------------------------------------

def _render_slots(form, status=200):
    try:
        rule = online.notice(local_today())
        rule_error = None
    except online.OnlineError as exc:
        rule, rule_error = None, str(exc)
    return render_template("online/slots.html", form=form, slots=online.upcoming_slots(current_user.agency_id),
                           rule=rule, rule_error=rule_error), status


@bp.get("/slots")
@staff_required(Permission.ONLINE_MANAGE)
def slots():
    """The agency's upcoming slots and the form to publish one."""
    return _render_slots(SlotForm(formdata=None))


@bp.post("/slots")
@staff_required(Permission.ONLINE_MANAGE)
def publish_slot():
    """Publish a slot (a working day, the notice period ahead)."""
    form = SlotForm()
    if not form.validate():
        return _render_slots(form, 422)
    try:
        slot = online.publish_slot(current_user, day=form.day.data, start=form.start_time.data,
                                   end=form.end_time.data, capacity=form.capacity.data)
        db.session.commit()
    except online.OnlineError as exc:
        db.session.rollback()
        target = getattr(form, exc.field_name or "", None)
        (target.errors if target is not None else form.form_errors).append(str(exc))
        return _render_slots(form, 422)
    flash(_("Đã công bố khung giờ %(slot)s.", slot=online.slot_label(slot)), "success")
    return redirect(url_for("online.slots"))


def _load_slot(slot_id: int):
    slot = online.get_slot(current_user, slot_id)
    if slot is None:
        abort(404)
    return slot


def _confirm_page(title, message, action, button, *, danger=False, errors=(), status=200):
    return render_template("staff/confirm.html", title=title, message=message, action=action, button=button,
                           danger=danger, errors=list(errors), cancel=url_for("online.slots"), nav=TABS_NAV), status


@bp.route("/slots/<int:slot_id>/unpublish", methods=["GET", "POST"])
@staff_required(Permission.ONLINE_MANAGE)
def unpublish_slot(slot_id: int):
    """Stop offering a slot to citizens (after a confirmation page); requests already made keep it."""
    slot = _load_slot(slot_id)
    if request.method == "GET":
        return _confirm_page(_("Ngừng công bố khung giờ"),
                             _("Ngừng công bố khung giờ %(slot)s? Công dân sẽ không chọn được khung giờ này nữa; "
                               "các yêu cầu đã gửi vẫn giữ nguyên.", slot=online.slot_label(slot)),
                             url_for("online.unpublish_slot", slot_id=slot.id), _("Ngừng công bố"))
    online.set_published(slot, current_user, False)
    db.session.commit()
    flash(_("Đã ngừng công bố khung giờ %(slot)s.", slot=online.slot_label(slot)), "success")
    return redirect(url_for("online.slots"))


@bp.post("/slots/<int:slot_id>/publish")
@staff_required(Permission.ONLINE_MANAGE)
def republish_slot(slot_id: int):
    """Offer a slot again."""
    slot = _load_slot(slot_id)
    online.set_published(slot, current_user, True)
    db.session.commit()
    flash(_("Đã công bố lại khung giờ %(slot)s.", slot=online.slot_label(slot)), "success")
    return redirect(url_for("online.slots"))


@bp.route("/slots/<int:slot_id>/delete", methods=["GET", "POST"])
@staff_required(Permission.ONLINE_MANAGE)
def delete_slot(slot_id: int):
    """Delete a slot no request refers to (after a confirmation page)."""
    slot = _load_slot(slot_id)
    label = online.slot_label(slot)
    args = (_("Xóa khung giờ"), _("Xóa khung giờ %(slot)s? Thao tác này không hoàn tác được.", slot=label),
            url_for("online.delete_slot", slot_id=slot.id), _("Xóa khung giờ"))
    if request.method == "GET":
        return _confirm_page(*args, danger=True)
    try:
        online.delete_slot(slot, current_user)
        db.session.commit()
    except online.OnlineError as exc:
        db.session.rollback()
        return _confirm_page(*args, danger=True, errors=[str(exc)], status=422)
    flash(_("Đã xóa khung giờ %(slot)s.", slot=label), "success")
    return redirect(url_for("online.slots"))


# --- recordings -------------------------------------------------------------------------------

def _render_recording(visit, form, status=200):
    return render_template("online/recording.html", visit=visit, form=form, max_bytes=max_recording_bytes(),
                           max_size=online.size_label(max_recording_bytes()),
                           types=", ".join(dict.fromkeys(label for _ext, label in online.RECORDING_TYPES.values())),
                           ), status


def _load_online_visit(visit_id: int):
    """An online visit of the user's agency (recordings are attached there), or 404."""
    visit = online.get_online_visit(current_user, visit_id, for_change=True)
    if visit is None:
        abort(404)
    return visit


@bp.get("/visits/<int:visit_id>/recording/attach")
@staff_required(Permission.ONLINE_MANAGE)
def recording_form(visit_id: int):
    """The form to attach (or replace) the recording of an online visit."""
    visit = _load_online_visit(visit_id)
    return _render_recording(visit, RecordingForm(formdata=None))


@bp.post("/visits/<int:visit_id>/recording")
@staff_required(Permission.ONLINE_MANAGE)
def upload_recording(visit_id: int):
    """Store the recording, recognised by content; replacing one needs the confirmation box."""
    visit = _load_online_visit(visit_id)
    form = RecordingForm()
    upload = request.files.get(form.recording.name)
    if not form.validate():
        return _render_recording(visit, form, 400)
    if upload is None or not upload.filename:
        form.recording.errors = [_("Hãy chọn tệp ghi âm, ghi hình.")]
        return _render_recording(visit, form, 422)
    written: list[str] = []
    try:
        with files_removed_on_failure(written):
            # The body is bounded by the raised request limit, so reading it whole is bounded too.
            old_key = online.attach_recording(visit, current_user, data=upload.read(), filename=upload.filename,
                                              replace=bool(form.replace.data), max_bytes=max_recording_bytes(),
                                              written_keys=written)
            db.session.commit()
    except online.OnlineError as exc:
        db.session.rollback()
        target = getattr(form, exc.field_name or "", None)
        (target.errors if target is not None else form.form_errors).append(str(exc))
        return _render_recording(visit, form, 422)
    if old_key:
        files.delete(old_key)  # only once the new one is committed
    flash(_("Đã lưu bản ghi “%(name)s”.", name=visit.recording_name), "success")
    return redirect(url_for("online.recording_form", visit_id=visit.id))


@bp.get("/visits/<int:visit_id>/recording")
@staff_required(Permission.VISIT_READ)
def recording(visit_id: int):
    """Download the recording (always as an attachment); a denunciator's only for those who may know them."""
    visit = online.get_online_visit(current_user, visit_id, for_change=False)
    if visit is None or not visit.recording_key:
        abort(404)
    if not online.can_read_recording(current_user, visit):
        abort(403)
    online.log_recording_read(visit, current_user, ip_address=request.remote_addr)
    audit_now("download.recording", subject_type="visit", subject_id=visit.id)
    return send_file(files.path_for(visit.recording_key), mimetype=visit.recording_type, as_attachment=True,
                     download_name=visit.recording_name or f"ghi-hinh.{visit.recording_type.rsplit('/', 1)[-1]}",
                     max_age=0)
