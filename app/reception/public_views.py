"""Public site: asking to be received online (tiếp công dân trực tuyến), and following the request.

Like the petition form (docs/intake.md): a one-time form token (a double submit makes one
request), a honeypot, per-IP limits, nothing typed lost on an error; the code and access key
are shown once; the status is found by code and key sent by POST.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields import SelectChoice

from app.audit.queries import timeline
from app.extensions import db, limiter
from app.formatting import local_today
from app.petitions.services import is_form_token, new_form_token
from app.petitions.tracking import derive_access_key
from app.ratelimits import submission_limit
from app.reception import online
from app.reception.labels import ONLINE_STATUS_LABELS
from app.reception.models import OnlineRequest
from app.reception.online_forms import ChangeSlotForm, CitizenActionForm, OnlineRequestForm, OnlineTrackForm
from app.validators import parse_id

bp = Blueprint("online_public", __name__, url_prefix="/tiep-cong-dan-truc-tuyen")

RECEIPT_KEY = "online_receipt_token"
TRACK_KEY = "online_track_id"


def _submit_limit() -> str:
    return current_app.config["RATELIMIT_SUBMIT"]


def _track_limit() -> str:
    return current_app.config["RATELIMIT_TRACK"]


@bp.context_processor
def _labels():
    return {"ONLINE_STATUS_LABELS": ONLINE_STATUS_LABELS, "ONLINE_EVENT_LABELS": online.EVENT_LABELS,
            "slot_label": online.slot_label}


# --- the request form -------------------------------------------------------------------------

def _fill_choices(form, open_list) -> None:
    """Agencies with open slots, and the slots grouped by agency (JavaScript shows the chosen one's)."""
    agencies = list({slot.agency_id: slot.agency for slot, _room in open_list}.values())
    form.agency.choices = [SelectChoice("", _("— Chọn cơ quan —"))] + [
        SelectChoice(str(a.id), a.name) for a in agencies]
    form.slot.choices = [SelectChoice("", _("— Chọn thời gian —"))] + [
        SelectChoice(str(slot.id), _("%(slot)s (còn %(n)s chỗ)", slot=online.slot_label(slot), n=room),
                     render_kw={"data-agency": str(slot.agency_id)}, optgroup=slot.agency.name)
        for slot, room in open_list]
    form._agency_ids = {str(a.id) for a in agencies}


def _check_choices(form) -> bool:
    """The agency must be one that publishes slots; the slot must be open, of that agency, with room."""
    ok = True
    if form.agency.data and form.agency.data not in form._agency_ids:
        form.agency.errors.append(_("Cơ quan đã chọn hiện không có lịch tiếp trực tuyến."))
        ok = False
    if form.agency.data and form.slot.data and not form.agency.errors:
        problem = online.citizen_slot_problem(form.slot.data, form.agency.data)
        if problem:
            form.slot.errors.append(problem)
            ok = False
    return ok


def _render_form(form, open_list, extra_errors=(), *, status=200, validate=True):
    if not validate:
        for fld in form:
            fld.errors = []
    agencies = list({slot.agency_id: slot.agency for slot, _room in open_list}.values())
    slot_counts = {a.id: sum(1 for slot, _room in open_list if slot.agency_id == a.id) for a in agencies}
    try:
        rule = online.notice(local_today())
    except online.OnlineError:
        rule = None
    return render_template("online/public_form.html", form=form, agencies=agencies, slot_counts=slot_counts,
                           extra_errors=list(extra_errors), rule=rule), status


def _draft(form) -> online.RequestDraft:
    return online.RequestDraft(
        agency_id=parse_id(form.agency.data), slot_id=parse_id(form.slot.data), kind=form.kind.data,
        summary=form.summary.data, full_name=form.full_name.data, id_number=form.id_number.data,
        phone=form.phone.data, email=form.email.data or None)


@bp.route("/", methods=["GET", "POST"])
@submission_limit(_submit_limit)  # exact across workers, attempts too: app/ratelimits.py
def index():
    """What online reception is, who offers it, and the form to ask for a slot."""
    form = OnlineRequestForm()
    open_list = online.open_slots()
    _fill_choices(form, open_list)
    if request.method == "GET":
        form.form_token.data = new_form_token()
        if request.args.get("agency") in form._agency_ids:
            form.agency.data = request.args["agency"]
        return _render_form(form, open_list, validate=False)

    token = form.form_token.data
    if not is_form_token(token):
        form.form_token.data = new_form_token()
        return _render_form(form, open_list, [_("Biểu mẫu đã cũ hoặc không hợp lệ nên yêu cầu chưa được gửi. "
                                                "Vui lòng gửi lại.")], status=400, validate=False)
    if online.find_by_form_token(token) is not None:
        session[RECEIPT_KEY] = token
        return redirect(url_for("online_public.receipt"))
    if form.website.data:
        # Honeypot filled: a bot. Refuse without creating anything.
        return _render_form(form, open_list, [_("Không thể gửi yêu cầu. Nếu bạn dùng phần mềm tự điền biểu mẫu, "
                                                "hãy tắt nó rồi gửi lại.")], status=400, validate=False)
    valid = form.validate()
    valid = _check_choices(form) and valid  # after validate(), which resets the errors
    if not valid:
        return _render_form(form, open_list, status=422)
    try:
        online.submit_request(_draft(form), form_token=token)
        db.session.commit()
    except IntegrityError:
        # The same form sent twice at the same moment: the other request won.
        db.session.rollback()
        if online.find_by_form_token(token) is None:
            raise
    except online.OnlineError as exc:
        db.session.rollback()
        open_list = online.open_slots()
        _fill_choices(form, open_list)
        target = getattr(form, exc.field_name or "", None)
        if target is not None:
            target.errors = list(target.errors) + [str(exc)]
            return _render_form(form, open_list, status=422)
        return _render_form(form, open_list, [str(exc)], status=422)
    session[RECEIPT_KEY] = token
    return redirect(url_for("online_public.receipt"))


@bp.errorhandler(CSRFError)
def _csrf_error(error):
    """An expired form: show it again with everything typed kept."""
    if request.endpoint != "online_public.index":
        return render_template(
            "errors/error.html", code=400, title=_("Phiên làm việc đã hết hạn"),
            message=_("Biểu mẫu đã quá thời gian chờ. Hãy tải lại trang và thử lại."),
        ), 400
    form = OnlineRequestForm(formdata=request.form, meta={"csrf": False})
    if not is_form_token(form.form_token.data):
        form.form_token.data = new_form_token()
    open_list = online.open_slots()
    _fill_choices(form, open_list)
    return _render_form(form, open_list, [_("Phiên làm việc đã hết hạn nên yêu cầu chưa được gửi. Nội dung bạn nhập "
                                            "vẫn được giữ; hãy bấm “Gửi yêu cầu” lần nữa.")],
                        status=400, validate=False)


@bp.get("/receipt")
def receipt():
    """The request code and the access key (shown on this page only), and what happens next."""
    token = session.get(RECEIPT_KEY)
    req = online.find_by_form_token(token) if token else None
    if req is None:
        flash(_("Không có biên nhận nào để hiển thị. Bạn có thể xem yêu cầu bằng mã yêu cầu và mã truy cập."), "info")
        return redirect(url_for("online_public.status"))
    return render_template("online/receipt.html", req=req, access_key=derive_access_key(token))


@bp.post("/receipt/done")
def receipt_done():
    """The citizen has noted the key: forget the receipt in this browser."""
    session.pop(RECEIPT_KEY, None)
    flash(_("Biên nhận đã được đóng. Hãy giữ mã yêu cầu và mã truy cập để xem lịch tiếp."), "success")
    return redirect(url_for("online_public.index"))


# --- following the request --------------------------------------------------------------------

def _tracked() -> OnlineRequest | None:
    """The request found by the last successful look-up in this browser."""
    request_id = session.get(TRACK_KEY)
    return db.session.get(OnlineRequest, request_id) if request_id else None


def _change_form(req, form=None):
    """The "pick another time" form: the agency's open slots other than the one asked for."""
    if form is None:
        form = ChangeSlotForm(prefix="change", formdata=None)
        form.version.data = str(req.version_id)
    current = req.slot_id if req.status == online.S.REQUESTED.value else None
    form.slot.choices = [SelectChoice("", _("— Chọn thời gian —"))] + [
        SelectChoice(str(slot.id), _("%(slot)s (còn %(n)s chỗ)", slot=online.slot_label(slot), n=room))
        for slot, room in online.open_slots(agency_id=req.agency_id) if slot.id != current]
    return form


def _render_status(req, *, errors=(), change_form=None, status=200):
    action = CitizenActionForm(prefix="answer", formdata=None)
    action.version.data = str(req.version_id)
    return render_template(
        "online/status.html", req=req, errors=list(errors), action_form=action,
        change_form=_change_form(req, change_form),
        can_change=req.status in online.TRANSITIONS["changed_slot"][0],
        can_cancel=req.status in online.TRANSITIONS["cancelled"][0],
        events=timeline("online_request", req.id, public_only=True),
    ), status


@bp.route("/status", methods=["GET", "POST"])
@limiter.limit(_track_limit, methods=["POST"])
def status():
    """Code and key by POST (a wrong code and a wrong key read the same); then the request's status."""
    form = OnlineTrackForm()
    if request.method == "POST":
        if form.validate_on_submit():
            req = online.find_for_tracking(form.code.data, form.key.data)
            if req is not None:
                session[TRACK_KEY] = req.id
                return redirect(url_for("online_public.status"))
            form.form_errors.append(_("Mã yêu cầu hoặc mã truy cập không đúng."))
        return render_template("online/track.html", form=form), 422
    req = _tracked()
    if req is None:
        if request.args.get("code"):
            form.code.data = request.args["code"][:40]
        return render_template("online/track.html", form=form)
    return _render_status(req)


def _citizen_act(run, form):
    """Shared shape of the citizen's answers: the tracked request, the version, one service, commit."""
    req = _tracked()
    if req is None:
        return redirect(url_for("online_public.status"))
    if not form.validate():
        return _render_status(req, change_form=form if isinstance(form, ChangeSlotForm) else None, status=422)
    try:
        message = run(req, form)
        db.session.commit()
    except (online.StaleRequest, StaleDataError):
        db.session.rollback()
        db.session.expire_all()
        return _render_status(_tracked(), errors=[_("Yêu cầu vừa được cơ quan cập nhật. Hãy xem thông tin mới nhất "
                                                    "bên dưới rồi chọn lại.")], status=409)
    except online.OnlineError as exc:
        db.session.rollback()
        if isinstance(form, ChangeSlotForm) and exc.field_name == "slot":
            form.slot.errors = list(form.slot.errors) + [str(exc)]
            return _render_status(req, change_form=form, status=422)
        return _render_status(req, errors=[str(exc)], status=422)
    flash(message, "success")
    return redirect(url_for("online_public.status"))


@bp.post("/status/accept")
@limiter.limit("60 per hour")
def accept():
    """Take the time the agency proposed; the agency then confirms it."""
    def run(req, form):
        online.accept_proposal(req, version=form.version_number())
        return _("Bạn đã đồng ý thời gian %(slot)s. Cơ quan sẽ xác nhận và gửi đường dẫn phòng họp.",
                 slot=online.slot_label(req.slot))
    return _citizen_act(run, CitizenActionForm(prefix="answer"))


@bp.post("/status/change")
@limiter.limit("60 per hour")
def change():
    """Pick another open slot of the same agency."""
    def run(req, form):
        online.change_slot(req, version=form.version_number(), slot_id=form.slot.data)
        return _("Đã đổi sang thời gian %(slot)s. Cơ quan sẽ xác nhận và gửi đường dẫn phòng họp.",
                 slot=online.slot_label(req.slot))
    return _citizen_act(run, ChangeSlotForm(prefix="change"))


@bp.route("/status/cancel", methods=["GET", "POST"])
@limiter.limit("60 per hour", methods=["POST"])
def cancel():
    """Cancel the request, after a confirmation page."""
    req = _tracked()
    if req is None:
        return redirect(url_for("online_public.status"))
    if request.method == "GET":
        form = CitizenActionForm(prefix="answer", formdata=None)
        form.version.data = str(req.version_id)
        return render_template("online/cancel.html", req=req, form=form)

    def run(req, form):
        online.cancel_request(req, version=form.version_number())
        return _("Đã hủy yêu cầu %(code)s.", code=req.code)
    return _citizen_act(run, CitizenActionForm(prefix="answer"))


@bp.post("/status/forget")
def forget():
    """Stop showing the request in this browser."""
    session.pop(TRACK_KEY, None)
    return redirect(url_for("online_public.status"))
