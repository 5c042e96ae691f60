"""Flask-Login wiring, the staff access decorator, and staff session lifetimes.

A staff session ends after 30 minutes idle or 8 hours in all (configurable), and at once when
the account's session_version changes (disabled, password reset, role change, sessions ended by
an admin, second factor turned on, off or reset), or when the user must now use a second factor
and has none.
"""
from __future__ import annotations

import time
from functools import wraps

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload

from app.extensions import db, login_manager

STAFF_PREFIX = "/staff"
PUBLIC_STAFF_ENDPOINTS = {"auth.login"}


def init_login(app: Flask) -> None:
    """Bind Flask-Login and the session-lifetime check."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    app.before_request(_enforce_staff_session)


@login_manager.user_loader
def _load_user(user_id: str):
    from app.auth.models import User

    try:
        uid, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    # With the agency: every staff page names it (one query, not two).
    user = db.session.get(User, uid, options=[joinedload(User.agency)])
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def start_staff_session() -> None:
    """Record when the staff session started (called right after login_user)."""
    now = int(time.time())
    session["staff_login_at"] = now
    session["staff_seen_at"] = now


def renew_session(user, *, new_sign_in: bool = True) -> None:
    """Give the browser a new session for `user`: nothing from the old one survives but the language.

    Called on sign-in and whenever the user's privileges or session version change under them
    (their own agency, password, second factor), so that no copy of the old cookie carries the
    new rights. A renewal that is not a sign-in keeps the start time: the absolute limit stands.
    """
    lang = session.get("lang")
    started = session.get("staff_login_at")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    start_staff_session()
    if not new_sign_in and started:
        session["staff_login_at"] = started


def _enforce_staff_session():
    """End idle or too-old staff sessions."""
    if not request.path.startswith(STAFF_PREFIX) or request.endpoint in PUBLIC_STAFF_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return None
    now = int(time.time())
    idle = current_app.config["STAFF_IDLE_TIMEOUT_MINUTES"] * 60
    absolute = current_app.config["STAFF_ABSOLUTE_TIMEOUT_HOURS"] * 3600
    login_at = session.get("staff_login_at", 0)
    seen_at = session.get("staff_seen_at", 0)
    if now - seen_at > idle or now - login_at > absolute:
        logout_user()
        session.clear()
        flash(_l("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."), "info")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    from app.auth.two_factor import is_required

    if is_required(current_user) and not current_user.two_factor_enabled:
        # The requirement came after this session began (a setting changed): sign in again, which
        # leads through setting up the second factor.
        logout_user()
        session.clear()
        flash(_l("Tài khoản của bạn nay bắt buộc dùng xác thực hai lớp. Vui lòng đăng nhập lại để thiết lập."), "info")
        return redirect(url_for("auth.login"))
    session["staff_seen_at"] = now
    return None


def staff_required(*permissions):
    """Require a signed-in staff user holding at least one of the permissions (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if permissions and not any(current_user.can(p) for p in permissions):
                abort(403)
            return view(*args, **kwargs)

        wrapped.staff_permissions = permissions
        return wrapped

    return decorator


def safe_next(target: str | None, default: str) -> str:
    """A local path to go to after login; anything else (another host, scheme) → default."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if not target.startswith(STAFF_PREFIX):
        return default
    return target
