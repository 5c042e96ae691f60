"""Two-factor sign-in: time-based one-time codes (RFC 6238, `pyotp`) and single-use recovery codes.

- The secret is encrypted at rest (app.crypto, purpose "totp"); recovery codes are stored as
  keyed hashes (purpose "recovery-code"), each usable once.
- A code is valid for its 30-second step and one step either side (clocks drift). It is accepted
  once: the step it matched is written with a conditional UPDATE, and no step at or before the
  last accepted one is accepted again — a code read over someone's shoulder, or replayed from a
  captured request, is refused even within its window, and two requests racing with the same code
  cannot both win.
- A wrong code counts towards the same lockout as a wrong password (`failed_logins`,
  LOGIN_MAX_FAILURES, LOGIN_LOCK_MINUTES): the password step does not reset the count for a user
  who still has to give a code, so the two steps together allow no more guesses than one.
- Required for the roles in TWO_FACTOR_REQUIRED_ROLES (leaders and admins by default) or for
  everybody (TWO_FACTOR_REQUIRED_FOR_ALL); optional for the others.
"""
from __future__ import annotations

import hmac
import re
import secrets
import time
from datetime import datetime, timedelta

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.audit.services import audit, record_event
from app.auth.models import RecoveryCode, User
from app.auth.services import AccountError
from app.crypto import decrypt_text, encrypt_text, keyed_hash
from app.db import utcnow
from app.extensions import db

STEP_SECONDS = 30
VALID_WINDOW = 1  # steps either side of the current one
DIGITS = 6
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10  # shown as two groups of five
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: nothing to confuse on paper
SECRET_PURPOSE = "totp"
RECOVERY_PURPOSE = "recovery-code"

TOTP_RE = re.compile(rf"\d{{{DIGITS}}}")
RECOVERY_RE = re.compile(rf"[{RECOVERY_ALPHABET}]{{{RECOVERY_CODE_LENGTH}}}")


class TwoFactorError(AccountError):
    """A second-factor operation refused; the message is for the user, at the code field."""

    field = "code"


class CodeRejected(TwoFactorError):
    """A wrong, replayed or malformed code. `locked` when this failure locked the account."""

    def __init__(self, message: str, *, locked: bool = False):
        super().__init__(message)
        self.locked = locked


# --- who needs it ---------------------------------------------------------------------------

def is_required(user: User) -> bool:
    """Whether this user may not work without a second factor (by role, or everybody)."""
    config = current_app.config
    return bool(config.get("TWO_FACTOR_REQUIRED_FOR_ALL")) or user.role in (config.get("TWO_FACTOR_REQUIRED_ROLES") or ())


def next_step(user: User) -> str | None:
    """After the right password: "code" (enrolled), "enrol" (required, not enrolled) or None."""
    if user.two_factor_enabled:
        return "code"
    if is_required(user):
        return "enrol"
    return None


# --- codes ----------------------------------------------------------------------------------

def new_secret() -> str:
    """A fresh base32 secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    """The otpauth:// address the QR code carries (the authenticator app reads it)."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS, digits=DIGITS).provisioning_uri(name=user.email,
                                                                                    issuer_name=issuer)


def format_secret(secret: str) -> str:
    """The secret in groups of four, easier to type by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _normalise(code: str | None) -> str:
    """Drop spaces and dashes, upper-case (people copy codes as "123 456" or "abcde-fghjk")."""
    return re.sub(r"[\s\-]", "", code or "").upper()


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step within the window whose code this is, or None."""
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS, digits=DIGITS)
    current = int(now // STEP_SECONDS)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    """Record `step` as used if it is later than the last one used; False if it is not (replay)."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def _claim_recovery_code(user: User, code: str) -> bool:
    """Mark an unused recovery code of this user as used; False if there is none such."""
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == keyed_hash(RECOVERY_PURPOSE, code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _fail(user: User, message: str, *, now: datetime) -> CodeRejected:
    """Count a failure like a wrong password; lock the account at LOGIN_MAX_FAILURES."""
    config = current_app.config
    user.failed_logins += 1
    locked = False
    if user.failed_logins >= config["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
        user.failed_logins = 0
        # A session that guesses codes (to turn the second factor off) ends with the lock.
        user.session_version += 1
        locked = True
        record_event("user", user.id, "locked", actor_label="system", note="two-factor")
    db.session.flush()
    audit("auth.second_factor_failed", subject_type="user", subject_id=user.id, detail={"locked": locked})
    if locked:
        return CodeRejected(lock_message(), locked=True)
    return CodeRejected(message)


def lock_message() -> str:
    """The message of a locked account (the same as for wrong passwords)."""
    return str(_l("Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau %(m)s phút.",
                  m=current_app.config["LOGIN_LOCK_MINUTES"]))


def is_locked(user: User, now: datetime | None = None) -> bool:
    """Whether the account is locked now."""
    return bool(user.locked_until and user.locked_until > (now or utcnow()))


def verify_code(user: User, code: str, *, allow_recovery: bool = True, now: float | None = None) -> str:
    """Check a one-time code, or a recovery code, of an enrolled user; return "totp" or "recovery".

    Raises CodeRejected (counted towards the lockout) for anything else.
    """
    at = utcnow()
    if not user.two_factor_enabled:
        raise TwoFactorError(str(_l("Tài khoản này chưa bật xác thực hai lớp.")))
    if is_locked(user, at):
        raise CodeRejected(lock_message(), locked=True)
    now = time.time() if now is None else now
    code = _normalise(code)
    if TOTP_RE.fullmatch(code):
        step = _matching_step(decrypt_text(SECRET_PURPOSE, user.totp_secret), code, now)
        if step is None:
            raise _fail(user, str(_l("Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trong ứng dụng "
                                     "xác thực.")), now=at)
        if not _claim_step(user, step):
            raise _fail(user, str(_l("Mã này đã được dùng. Hãy chờ ứng dụng hiện mã mới rồi nhập lại.")), now=at)
        kind = "totp"
    elif allow_recovery and RECOVERY_RE.fullmatch(code):
        if not _claim_recovery_code(user, code):
            raise _fail(user, str(_l("Mã khôi phục không đúng hoặc đã được dùng.")), now=at)
        record_event("user", user.id, "recovery_code_used", actor_user_id=user.id, actor_label=user.full_name)
        kind = "recovery"
    else:
        message = (_l("Hãy nhập mã 6 chữ số trong ứng dụng xác thực, hoặc một mã khôi phục 10 ký tự.")
                   if allow_recovery else _l("Hãy nhập mã 6 chữ số trong ứng dụng xác thực."))
        raise _fail(user, str(message), now=at)
    user.failed_logins = 0
    db.session.flush()
    return kind


# --- recovery codes -------------------------------------------------------------------------

def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones; return them (shown once)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=keyed_hash(RECOVERY_PURPOSE, code)) for code in codes)
    db.session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def remaining_recovery_codes(user: User) -> int:
    """How many of the user's recovery codes are still unused."""
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """New recovery codes for an enrolled user who gives a current code; the old ones stop working."""
    verify_code(user, code)
    codes = _new_recovery_codes(user)
    record_event("user", user.id, "recovery_codes_regenerated", actor_user_id=user.id, actor_label=user.full_name)
    return codes


# --- enrolment, disabling, reset ------------------------------------------------------------

def confirm_enrolment(user: User, secret: str, code: str, *, now: float | None = None) -> list[str]:
    """Turn the second factor on with `secret` once the user shows a code made from it.

    Returns the new recovery codes (to show once). Ends the user's other sessions: whoever held
    one signed in with the password alone.
    """
    if user.two_factor_enabled:
        raise TwoFactorError(str(_l("Xác thực hai lớp đã được bật cho tài khoản này.")))
    code = _normalise(code)
    step = _matching_step(secret, code, time.time() if now is None else now) if TOTP_RE.fullmatch(code) else None
    if step is None:
        raise TwoFactorError(str(_l("Mã không khớp. Hãy kiểm tra đồng hồ của điện thoại và nhập mã đang hiện "
                                    "trong ứng dụng.")))
    user.totp_secret = encrypt_text(SECRET_PURPOSE, secret)
    user.totp_enrolled_at = utcnow()
    user.totp_last_step = step  # this very code cannot be used again to sign in
    user.session_version += 1
    codes = _new_recovery_codes(user)
    record_event("user", user.id, "two_factor_enabled", actor_user_id=user.id, actor_label=user.full_name)
    return codes


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    user.session_version += 1
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


def disable(user: User, code: str) -> None:
    """The user turns the second factor off (only where it is not required), giving a current code."""
    if is_required(user):
        raise TwoFactorError(str(_l("Tài khoản của bạn bắt buộc dùng xác thực hai lớp; không thể tắt.")))
    verify_code(user, code)
    _clear(user)
    record_event("user", user.id, "two_factor_disabled", actor_user_id=user.id, actor_label=user.full_name)


def reset(user: User, *, actor: User | None) -> None:
    """An admin (or `flask users reset-two-factor`, actor None) removes a user's second factor
    (a lost phone) and ends their sessions. The user sets it up again at the next sign-in if it
    is required for them.
    """
    if actor is not None and user.id == actor.id:
        raise AccountError(str(_l("Bạn không thể tự đặt lại xác thực hai lớp của mình; hãy nhờ một quản trị viên "
                                  "khác.")))
    if not user.two_factor_enabled:
        raise AccountError(str(_l("Tài khoản này chưa bật xác thực hai lớp.")))
    _clear(user)
    record_event("user", user.id, "two_factor_reset", actor_user_id=actor.id if actor else None,
                 actor_label=actor.full_name if actor else "cli")
