"""Public site: home, the petition form, the receipt, tracking, commune list, language switch."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError

from app.agencies import queries as agency_queries
from app.audit.queries import timeline
from app.documents.qr import qr_svg
from app.extensions import db, limiter
from app.petitions import services
from app.petitions.tracking import derive_access_key
from app.portal.forms import LanguageForm, PetitionForm, TrackForm
from app.portal.intake import (
    build_draft,
    check_choices,
    collect_uploads,
    fill_choices,
    render_petition_form,
)
from app.ratelimits import submission_limit
from app.validators import parse_id

bp = Blueprint("portal", __name__)


def _submit_limit() -> str:
    return current_app.config["RATELIMIT_SUBMIT"]


def _track_limit() -> str:
    return current_app.config["RATELIMIT_TRACK"]


@bp.app_context_processor
def _site():
    """The name of the agency that runs this site, for the header."""
    name = agency_queries.site_agency_name(current_app.config["SITE_AGENCY_CODE"])
    return {"site_name": name or _("Hệ thống tiếp nhận đơn thư")}


@bp.get("/")
def home():
    """What each kind of petition is, and the two things a citizen can do here."""
    return render_template("portal/home.html")


@bp.route("/petitions/new", methods=["GET", "POST"])
@submission_limit(_submit_limit)  # exact across workers, attempts too: app/ratelimits.py
def new_petition():
    """The petition form. Errors re-render it with everything typed and every file kept."""
    form = PetitionForm()
    if request.method == "GET":
        form.form_token.data = services.new_form_token()
        fill_choices(form)
        return render_petition_form(form, [], [])

    token = form.form_token.data
    if not services.is_form_token(token):
        form.form_token.data = services.new_form_token()
        fill_choices(form)
        return render_petition_form(form, [], [_("Biểu mẫu đã cũ hoặc không hợp lệ nên đơn chưa được gửi. Vui lòng gửi lại.")], status=400)
    state = services.form_state(token)
    if state.used:
        session["receipt_token"] = token
        return redirect(url_for("portal.receipt"))

    fill_choices(form)
    if form.website.data:
        # Honeypot filled: a bot. Refuse without creating anything.
        return render_petition_form(form, services.staged_uploads(token),
                                    [_("Không thể gửi đơn. Nếu bạn dùng phần mềm tự điền biểu mẫu, hãy tắt nó rồi gửi lại.")], status=400)

    removed = request.form.getlist("remove_staged")
    services.discard_staged(token, removed)
    checked, file_errors = collect_uploads(token, staged=None if removed else state.staged)

    if form.refresh_communes.data:
        services.stage_files(token, checked)
        db.session.commit()
        return render_petition_form(form, services.staged_uploads(token), file_errors, validate=False)

    form_ok = form.validate()
    choices_ok = check_choices(form)  # after validate(), which resets the errors
    if not (form_ok and choices_ok) or file_errors:
        services.stage_files(token, checked)
        db.session.commit()
        return render_petition_form(form, services.staged_uploads(token), file_errors, status=422)

    written: list[str] = []
    try:
        with services.files_removed_on_failure(written):
            services.submit_online_petition(build_draft(form), form_token=token, state=state,
                                            new_files=checked, written_keys=written)
            db.session.commit()
    except IntegrityError:
        # The same form submitted twice at the same moment: the other request won.
        db.session.rollback()
        if services.find_by_form_token(token) is None:
            raise
    except services.IntakeError as exc:
        db.session.rollback()
        return render_petition_form(form, services.staged_uploads(token), [str(exc)], status=422)
    session["receipt_token"] = token
    return redirect(url_for("portal.receipt"))


@bp.get("/petitions/receipt")
def receipt():
    """Giấy biên nhận: the code, the access key (shown on this page only), what happens next."""
    token = session.get("receipt_token")
    petition = services.find_by_form_token(token) if token else None
    if petition is None:
        flash(_("Không có biên nhận nào để hiển thị. Bạn có thể tra cứu hồ sơ bằng mã hồ sơ và mã truy cập."), "info")
        return redirect(url_for("portal.track"))
    track_url = url_for("portal.track", code=petition.tracking_code, _external=True)
    return render_template(
        "portal/receipt.html",
        petition=petition,
        access_key=derive_access_key(token),
        rule=services.intake_rule(petition),
        track_url=track_url,
        qr_svg=qr_svg(track_url, _("Mã QR dẫn đến trang tra cứu hồ sơ")),
    )


@bp.post("/petitions/receipt/done")
def receipt_done():
    """The citizen has noted the key: forget the receipt in this browser."""
    session.pop("receipt_token", None)
    flash(_("Biên nhận đã được đóng. Hãy giữ mã hồ sơ và mã truy cập để tra cứu."), "success")
    return redirect(url_for("portal.home"))


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit(_track_limit, methods=["POST"])
def track():
    """Tracking: code and key by POST only; a wrong code and a wrong key read the same."""
    form = TrackForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"][:40]
    if form.validate_on_submit():
        petition = services.find_for_tracking(form.code.data, form.key.data)
        if petition is not None:
            session["track_id"] = petition.id
            return redirect(url_for("portal.track_status"))
        form.form_errors.append(_("Mã hồ sơ hoặc mã truy cập không đúng."))
    status = 422 if request.method == "POST" else 200
    return render_template("portal/track.html", form=form), status


@bp.get("/track/status")
def track_status():
    """The status of the petition found by the last successful tracking in this browser."""
    from app.petitions.models import Petition

    petition_id = session.get("track_id")
    petition = db.session.get(Petition, petition_id) if petition_id else None
    if petition is None:
        return redirect(url_for("portal.track"))
    return render_template(
        "portal/status.html",
        petition=petition,
        events=timeline("petition", petition.id, public_only=True),
    )


@bp.post("/track/forget")
def track_forget():
    """Stop showing the tracked petition in this browser."""
    session.pop("track_id", None)
    return redirect(url_for("portal.track"))


@bp.get("/communes")
def communes():
    """Communes of a province, for the address select (JavaScript enhancement)."""
    province_id = parse_id(request.args.get("province", ""))
    if province_id is None:
        abort(400)
    return jsonify([{"id": id_, "name": name} for id_, name in agency_queries.commune_choices(province_id)])


@bp.post("/lang")
def set_language():
    """Switch the interface language and return to the page the visitor was on."""
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        session["lang"] = form.lang.data
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = url_for("portal.home")
    return redirect(target)


@bp.errorhandler(CSRFError)
def csrf_error(error):
    """An expired form: on the petition form, show it again with everything typed kept."""
    if request.endpoint != "portal.new_petition":
        return render_template(
            "errors/error.html", code=400, title=_("Phiên làm việc đã hết hạn"),
            message=_("Biểu mẫu đã quá thời gian chờ. Hãy tải lại trang và thử lại."),
        ), 400
    form = PetitionForm(formdata=request.form, meta={"csrf": False})
    token = form.form_token.data if services.is_form_token(form.form_token.data) else services.new_form_token()
    form.form_token.data = token
    fill_choices(form)
    staged = services.staged_uploads(token)
    return render_petition_form(
        form, staged,
        [_("Phiên làm việc đã hết hạn nên đơn chưa được gửi. Nội dung bạn nhập vẫn được giữ; "
           "hãy chọn lại tệp đính kèm (nếu có) và bấm “Gửi đơn” lần nữa.")],
        status=400, validate=False,
    )
