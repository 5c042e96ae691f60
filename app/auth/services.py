"""Account operations: create, authenticate with lockout, change and reset passwords, end sessions.

The second factor (one-time codes, recovery codes) is in app/auth/two_factor.py."""
from __future__ import annotations

import secrets
from functools import lru_cache
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.agencies.models import Agency
from app.audit.services import audit, record_event
from app.auth.models import User
from app.auth.permissions import Role
from app.db import utcnow
from app.extensions import db
from app.text import fold

MIN_PASSWORD_LENGTH = 10


@lru_cache(maxsize=4)
def _hasher_for(params: tuple) -> PasswordHasher:
    return PasswordHasher(**dict(params))


def _hasher() -> PasswordHasher:
    """Argon2id with the library's defaults, or the ARGON2_PARAMS of the configuration (tests
    use cheap ones so that thousands of sign-ins stay fast; production keeps the defaults)."""
    return _hasher_for(tuple(sorted((current_app.config.get("ARGON2_PARAMS") or {}).items())))


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash to verify against for an unknown user, so that the answer takes the same time."""
    return hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """An account operation that cannot be done; the message is for the user."""


class LoginFailed(AccountError):
    """Wrong e-mail or password, disabled or locked account (one message for all)."""


def hash_password(password: str) -> str:
    """Argon2id hash."""
    return _hasher().hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Check a password; for an unknown user, spend the same time on a dummy hash."""
    hasher = _hasher()
    target = user.password_hash if user is not None else _dummy_hash(hasher)
    try:
        return hasher.verify(target, password) and user is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False



def check_password_policy(password: str) -> None:
    """At least MIN_PASSWORD_LENGTH characters, not all one kind."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(str(_l("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_PASSWORD_LENGTH)))
    if password.isdigit() or password.isalpha():
        raise AccountError(str(_l("Mật khẩu cần có cả chữ và số hoặc ký tự khác.")))


def generate_password() -> str:
    """A random password an admin can pass on (shown once); it always meets the policy.

    About one token in thirty is letters only, which check_password_policy refuses: draw again.
    """
    while True:
        password = secrets.token_urlsafe(12)
        if not (password.isdigit() or password.isalpha()):
            return password


def find_by_email(email: str) -> User | None:
    """A user by e-mail, case-insensitive."""
    return db.session.scalars(select(User).where(func.lower(User.email) == (email or "").strip().lower())).first()


def _index(user: User) -> None:
    """Keep the folded name and e-mail the admin search looks in."""
    user.search_folded = fold(f"{user.full_name} {user.email}")[:500]


def _check_role(role: str) -> None:
    if role not in {r.value for r in Role}:
        raise AccountError(str(_l("Vai trò không hợp lệ.")))


def _check_agency(agency_id: int | None) -> None:
    """An existing, active agency (a new member cannot join an agency that has closed)."""
    agency = db.session.get(Agency, agency_id) if agency_id else None
    if agency is None:
        raise AccountError(str(_l("Cơ quan không tồn tại.")))
    if not agency.active:
        raise AccountError(str(_l("Cơ quan %(name)s đã ngừng hoạt động; hãy chọn cơ quan khác.", name=agency.name)))


def create_user(*, email: str, full_name: str, role: str, agency_id: int, password: str | None,
                actor_label: str, actor_user_id: int | None = None) -> tuple[User, str | None]:
    """Create a staff account; return it and the generated password if none was given."""
    email = (email or "").strip().lower()
    if find_by_email(email):
        raise AccountError(str(_l("Đã có tài khoản với thư điện tử này.")))
    _check_role(role)
    _check_agency(agency_id)
    generated = None
    if not password:
        password = generated = generate_password()
    check_password_policy(password)
    user = User(email=email, full_name=full_name.strip(), role=role, agency_id=agency_id,
                password_hash=hash_password(password))
    _index(user)
    db.session.add(user)
    db.session.flush()
    record_event("user", user.id, "created", actor_label=actor_label, actor_user_id=actor_user_id,
                 note=f"role={role}")
    return user, generated


def authenticate(email: str, password: str, *, max_failures: int, lock_minutes: int,
                 now: datetime | None = None) -> User:
    """Return the user if the password is right and the account usable; count failures.

    After `max_failures` consecutive failures the account is locked for `lock_minutes`.
    Every failure gives the same message, so that nobody can learn which accounts exist.
    """
    now = now or utcnow()
    user = find_by_email(email)
    ok = verify_password(user, password)
    if user is None:
        audit("auth.sign_in_failed", detail={"reason": "unknown_account"})
        raise LoginFailed(str(_l("Thư điện tử hoặc mật khẩu không đúng.")))
    if user.locked_until and user.locked_until > now:
        audit("auth.sign_in_failed", subject_type="user", subject_id=user.id, detail={"reason": "locked"})
        raise LoginFailed(str(_l("Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau %(m)s phút.",
                                 m=lock_minutes)))
    if not ok:
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_logins = 0
            record_event("user", user.id, "locked", actor_label="system")
        db.session.flush()
        audit("auth.sign_in_failed", subject_type="user", subject_id=user.id, detail={"reason": "wrong_password"})
        raise LoginFailed(str(_l("Thư điện tử hoặc mật khẩu không đúng.")))
    if not user.active:
        audit("auth.sign_in_failed", subject_type="user", subject_id=user.id, detail={"reason": "disabled"})
        raise LoginFailed(str(_l("Thư điện tử hoặc mật khẩu không đúng.")))
    if not user.two_factor_enabled:
        # With a second factor the count goes on until the code is right: the password step must
        # not hand out fresh guesses at the code (app/auth/two_factor.py).
        record_sign_in(user, now)
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.flush()
    return user


def record_sign_in(user: User, now: datetime | None = None) -> None:
    """A sign-in has succeeded (every factor given): clear the failure count, note the time."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now or utcnow()
    db.session.flush()
    audit("auth.sign_in", subject_type="user", subject_id=user.id, actor=user)


def end_sessions(user: User, *, actor: User) -> None:
    """An admin signs the user out everywhere: every session ends at its next request."""
    user.session_version += 1
    db.session.flush()
    record_event("user", user.id, "sessions_ended", actor_user_id=actor.id, actor_label=actor.full_name)


def change_password(user: User, current: str, new: str) -> None:
    """The user changes their own password; other sessions end."""
    if not verify_password(user, current):
        raise AccountError(str(_l("Mật khẩu hiện tại không đúng.")))
    check_password_policy(new)
    user.password_hash = hash_password(new)
    user.session_version += 1
    db.session.flush()
    record_event("user", user.id, "password_changed", actor_user_id=user.id, actor_label=user.full_name)


def reset_password(user: User, *, actor: User) -> str:
    """An admin sets a new random password (shown once) and ends the user's sessions."""
    password = generate_password()
    user.password_hash = hash_password(password)
    user.session_version += 1
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    record_event("user", user.id, "password_reset", actor_user_id=actor.id, actor_label=actor.full_name)
    return password


def update_user(user: User, *, full_name: str, role: str, agency_id: int, actor: User) -> None:
    """Change name, role or agency; a role or agency change ends the user's sessions."""
    if user.id == actor.id and role != user.role:
        # An admin who demoted themselves would lock themselves out of this very screen.
        raise AccountError(str(_l("Bạn không thể tự thay đổi vai trò của mình; hãy nhờ một quản trị viên khác.")))
    _check_role(role)
    if agency_id != user.agency_id:
        _check_agency(agency_id)
    if (user.role, user.agency_id) != (role, agency_id):
        user.session_version += 1
    note = f"role {user.role}->{role}, agency {user.agency_id}->{agency_id}"
    if role != user.role:
        audit("user.role_changed", subject_type="user", subject_id=user.id, actor=actor,
              detail={"from": user.role, "to": role})
    user.full_name, user.role, user.agency_id = full_name.strip(), role, agency_id
    _index(user)
    db.session.flush()
    record_event("user", user.id, "updated", actor_user_id=actor.id, actor_label=actor.full_name, note=note)


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Disable (ending all sessions at once) or enable an account."""
    if user.id == actor.id and not active:
        raise AccountError(str(_l("Bạn không thể tự khóa tài khoản của mình.")))
    user.active = active
    user.session_version += 1
    db.session.flush()
    record_event("user", user.id, "enabled" if active else "disabled", actor_user_id=actor.id,
                 actor_label=actor.full_name)
