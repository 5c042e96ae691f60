"""Staff sign-in, sign-out and password change (`/staff/login`, `/staff/logout`, `/staff/password`)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth import services
from app.auth.access import safe_next, staff_required, start_staff_session
from app.auth.forms import ChangePasswordForm, LoginForm
from app.extensions import db, limiter

bp = Blueprint("auth", __name__, url_prefix="/staff")


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda response: response.status_code != 302)
def login():
    """Sign in; a new session; go to the checked `next` page."""
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
            lang = session.get("lang")
            session.clear()  # a new session: nothing from before survives sign-in
            if lang:
                session["lang"] = lang
            login_user(user)
            start_staff_session()
            return redirect(safe_next(form.next.data, url_for("staff.home")))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Sign out and forget the session."""
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Bạn đã đăng xuất."), "success")
    return redirect(url_for("auth.login"))


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
            login_user(current_user._get_current_object())  # re-issue the identifier with the new session version
            start_staff_session()
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("staff.home"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status
