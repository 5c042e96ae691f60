"""Staff sign-in, sign-out, password change and the second factor (`/staff/login`, `/staff/two-factor`).

Sign-in is one or two steps. After the right password, a user with a second factor is *not*
signed in: the session holds only a pending marker (who, which session version, since when, where
to go next) and `/staff/login/code` asks for the one-time code. A user who must have a second
factor and has none is taken through setting it up (`/staff/login/enrol`) before being signed in.
Each completed sign-in starts a new session (app.auth.access.renew_session).
"""
from __future__ import annotations

import time

from flask import (Blueprint, Response, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.agencies import queries as agency_queries
from app.audit.services import audit_now
from app.auth import services, two_factor
from app.auth.access import renew_session, safe_next, staff_required
from app.auth.forms import AcknowledgeForm, ChangePasswordForm, CurrentCodeForm, EnrolForm, LoginForm, SignInCodeForm
from app.auth.models import User
from app.crypto import seal, unseal
from app.documents.qr import qr_svg
from app.extensions import db, limiter

bp = Blueprint("auth", __name__, url_prefix="/staff")

PENDING_KEY = "pending_sign_in"  # the password was right; the second step is still to come
ENROL_KEY = "two_factor_enrolment"  # the secret being set up (sealed), until it is confirmed
ENROL_SECONDS = 30 * 60
CODES_KEY = "recovery_codes"  # new recovery codes (sealed), shown until the user says they are kept
CODES_SECONDS = 15 * 60


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _fresh_session() -> None:
    """Forget everything in the session but the language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


# --- sign-in --------------------------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda response: response.status_code != 302)
def login():
    """Sign in: the password, then — when the account has or needs one — the second factor."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data, form.password.data,
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
            )
        except services.LoginFailed as exc:
            db.session.commit()  # keep the failure count
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            target = safe_next(form.next.data, url_for("staff.home"))
            step = two_factor.next_step(user)
            if step is None:
                renew_session(user)  # a new session: nothing from before survives sign-in
                return redirect(target)
            _fresh_session()
            session[PENDING_KEY] = {"user_id": user.id, "version": user.session_version,
                                    "since": int(time.time()), "step": step, "next": target}
            return redirect(url_for("auth.login_code" if step == "code" else "auth.login_enrol"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


def _pending_user(step: str) -> User | None:
    """The user half-way through signing in, if the marker is for this step, young enough, and the
    account has not changed since (disabled, sessions ended, second factor reset)."""
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict) or data.get("step") != step:
        return None
    # Setting up may take installing an app first: it gets as long as the sealed secret lives.
    limit = ENROL_SECONDS if step == "enrol" else current_app.config["TWO_FACTOR_PENDING_MINUTES"] * 60
    if time.time() - data.get("since", 0) > limit:
        session.pop(PENDING_KEY, None)
        return None
    user = db.session.get(User, data.get("user_id"))
    if user is None or not user.active or user.session_version != data.get("version"):
        session.pop(PENDING_KEY, None)
        return None
    return user


def _back_to_login():
    flash(_("Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Vui lòng nhập lại mật khẩu."), "info")
    return redirect(url_for("auth.login"))


def _complete_sign_in(user: User) -> str:
    """Both factors given: record it, start a new session; return where to go."""
    target = session.get(PENDING_KEY, {}).get("next") or url_for("staff.home")
    services.record_sign_in(user)
    db.session.commit()
    renew_session(user)
    return target


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda response: response.status_code != 302)
def login_code():
    """The second step of sign-in: the code from the authenticator app, or a recovery code."""
    user = _pending_user("code")
    if user is None:
        return _back_to_login()
    form = SignInCodeForm()
    if form.validate_on_submit():
        try:
            kind = two_factor.verify_code(user, form.code.data)
        except two_factor.CodeRejected as exc:
            db.session.commit()  # keep the failure count (and the lock)
            if exc.locked:
                _fresh_session()
                flash(str(exc), "danger")
                return redirect(url_for("auth.login"))
            form.code.errors.append(str(exc))
        else:
            target = _complete_sign_in(user)
            if kind == "recovery":
                left = two_factor.remaining_recovery_codes(user)
                flash(_("Bạn vừa dùng một mã khôi phục; còn %(n)s mã chưa dùng. Nếu mất điện thoại, hãy báo quản trị "
                        "viên; nếu sắp hết mã, hãy tạo mã mới ở trang Xác thực hai lớp.", n=left), "warning")
            return redirect(target)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login_code.html", form=form), status


def _issuer() -> str:
    """The name the authenticator app shows next to the account: the agency running the site."""
    return agency_queries.site_agency_name(current_app.config["SITE_AGENCY_CODE"]) or _("Hệ thống tiếp nhận đơn thư")


def _enrolment_secret(user: User) -> str:
    """The secret being set up in this browser, kept (sealed) across reloads; a new one otherwise."""
    sealed = unseal(session.get(ENROL_KEY), ENROL_SECONDS)
    if sealed and sealed.get("user_id") == user.id and sealed.get("version") == user.session_version:
        return sealed["secret"]
    secret = two_factor.new_secret()
    session[ENROL_KEY] = seal({"user_id": user.id, "version": user.session_version, "secret": secret})
    return secret


def _render_enrol(user: User, form, *, action: str, required: bool, status: int = 200):
    secret = _enrolment_secret(user)
    uri = two_factor.provisioning_uri(user, secret, _issuer())
    return render_template("auth/enrol.html", form=form, action=action, required=required,
                           qr=qr_svg(uri, _("Mã QR để thêm tài khoản vào ứng dụng xác thực")),
                           secret=two_factor.format_secret(secret)), status


def _confirm(user: User, form):
    """Confirm the enrolment with the form's code; return the new recovery codes or None (error shown)."""
    try:
        codes = two_factor.confirm_enrolment(user, _enrolment_secret(user), form.code.data)
    except two_factor.TwoFactorError as exc:
        db.session.rollback()
        form.code.errors.append(str(exc))
        return None
    db.session.commit()
    session.pop(ENROL_KEY, None)
    return codes


def _show_codes_once(user: User, codes: list[str], then: str):
    """Keep the new recovery codes, sealed, for the next page (and its download) only."""
    session[CODES_KEY] = seal({"user_id": user.id, "codes": codes, "next": then})
    return redirect(url_for("auth.recovery_codes"))


@bp.route("/login/enrol", methods=["GET", "POST"])
def login_enrol():
    """Forced enrolment: this account must use a second factor and has none yet."""
    user = _pending_user("enrol")
    if user is None:
        return _back_to_login()
    form = EnrolForm()
    if not form.validate_on_submit():
        return _render_enrol(user, form, action=url_for("auth.login_enrol"), required=True,
                             status=422 if request.method == "POST" else 200)
    codes = _confirm(user, form)
    if codes is None:
        return _render_enrol(user, form, action=url_for("auth.login_enrol"), required=True, status=422)
    target = _complete_sign_in(user)
    return _show_codes_once(user, codes, target)


@bp.post("/logout")
def logout():
    """Sign out and forget the session."""
    if current_user.is_authenticated:
        audit_now("auth.sign_out")
    logout_user()
    _fresh_session()
    flash(_("Bạn đã đăng xuất."), "success")
    return redirect(url_for("auth.login"))


# --- one's own account ----------------------------------------------------------------------

@bp.route("/password", methods=["GET", "POST"])
@staff_required()
def change_password():
    """Change one's own password (other sessions end)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data)
        except services.AccountError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            renew_session(current_user._get_current_object(), new_sign_in=False)  # the new session version
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("staff.home"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form, two_factor_enabled=current_user.two_factor_enabled), status


@bp.get("/two-factor")
@staff_required()
def two_factor_status():
    """Whether one's second factor is on, how many recovery codes are left, and what can be done."""
    user = current_user._get_current_object()
    return render_template("auth/two_factor.html", user=user, required=two_factor.is_required(user),
                           remaining=two_factor.remaining_recovery_codes(user) if user.two_factor_enabled else 0)


@bp.route("/two-factor/enrol", methods=["GET", "POST"])
@staff_required()
def two_factor_enrol():
    """Turn the second factor on (optional for this user, or required and set up here)."""
    user = current_user._get_current_object()
    if user.two_factor_enabled:
        flash(_("Xác thực hai lớp đã được bật cho tài khoản này."), "info")
        return redirect(url_for("auth.two_factor_status"))
    form = EnrolForm()
    action = url_for("auth.two_factor_enrol")
    required = two_factor.is_required(user)
    if not form.validate_on_submit():
        return _render_enrol(user, form, action=action, required=required,
                             status=422 if request.method == "POST" else 200)
    codes = _confirm(user, form)
    if codes is None:
        return _render_enrol(user, form, action=action, required=required, status=422)
    renew_session(user, new_sign_in=False)  # the other sessions, password only, have ended
    return _show_codes_once(user, codes, url_for("auth.two_factor_status"))


def _sealed_codes() -> dict | None:
    sealed = unseal(session.get(CODES_KEY), CODES_SECONDS)
    if sealed is None or sealed.get("user_id") != current_user.id:
        return None
    return sealed


@bp.route("/two-factor/recovery-codes", methods=["GET", "POST"])
@staff_required()
def recovery_codes():
    """The new recovery codes, until the user says they are kept (then never again)."""
    sealed = _sealed_codes()
    form = AcknowledgeForm()
    if request.method == "POST" and form.validate_on_submit():
        session.pop(CODES_KEY, None)
        return redirect(safe_next((sealed or {}).get("next"), url_for("auth.two_factor_status")))
    if sealed is None:
        flash(_("Mã khôi phục chỉ hiện một lần, ngay sau khi tạo. Nếu chưa kịp lưu, hãy tạo bộ mã mới."), "info")
        return redirect(url_for("auth.two_factor_status"))
    return render_template("auth/recovery_codes.html", codes=sealed["codes"], form=form)


@bp.get("/two-factor/recovery-codes.txt")
@staff_required()
def recovery_codes_download():
    """The same codes as a text file, while they are still shown."""
    sealed = _sealed_codes()
    if sealed is None:
        return redirect(url_for("auth.recovery_codes"))
    lines = [_("Mã khôi phục đăng nhập — %(email)s", email=current_user.email),
             _("Mỗi mã dùng được một lần, thay cho mã trong ứng dụng xác thực."), ""] + sealed["codes"]
    return Response("\n".join(lines) + "\n", mimetype="text/plain",
                    headers={"Content-Disposition": 'attachment; filename="ma-khoi-phuc.txt"'})


def _code_action(template: str, service, done):
    """Shared shape of the changes that need a current code: a form; its POST calls the service."""
    user = current_user._get_current_object()
    form = CurrentCodeForm()
    if not user.two_factor_enabled:
        flash(_("Tài khoản này chưa bật xác thực hai lớp."), "info")
        return redirect(url_for("auth.two_factor_status"))
    if form.validate_on_submit():
        try:
            result = service(user, form.code.data)
        except two_factor.CodeRejected as exc:
            db.session.commit()  # keep the failure count
            if exc.locked:  # the lock ended this session too
                logout_user()
                _fresh_session()
                flash(str(exc), "danger")
                return redirect(url_for("auth.login"))
            form.code.errors.append(str(exc))
        except two_factor.TwoFactorError as exc:
            db.session.rollback()
            form.code.errors.append(str(exc))
        else:
            db.session.commit()
            return done(user, result)
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, required=two_factor.is_required(user)), status


@bp.route("/two-factor/recovery-codes/new", methods=["GET", "POST"])
@staff_required()
def recovery_codes_new():
    """New recovery codes (a current code is asked); the old ones stop working."""
    return _code_action("auth/recovery_codes_new.html", two_factor.regenerate_recovery_codes,
                        lambda user, codes: _show_codes_once(user, codes, url_for("auth.two_factor_status")))


def _disabled(user: User, _result):
    renew_session(user, new_sign_in=False)  # the session version changed
    flash(_("Đã tắt xác thực hai lớp. Lần đăng nhập sau chỉ cần mật khẩu."), "success")
    return redirect(url_for("auth.two_factor_status"))


@bp.route("/two-factor/disable", methods=["GET", "POST"])
@staff_required()
def two_factor_disable():
    """Turn the second factor off (where it is not required), after a confirmation with a current code."""
    return _code_action("auth/two_factor_disable.html", two_factor.disable, _disabled)
