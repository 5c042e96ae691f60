"""Two-factor sign-in and sessions through the web: enrolment with a QR code, the second sign-in
step, replayed and wrong codes, recovery codes, who must use it, what an admin can do about a
user's sessions and second factor, session renewal and the session cookie's flags.

Leaders and admins must use a second factor in this module (as in production); codes are made
with pyotp from the secret the page shows, as an authenticator app would.
"""
from __future__ import annotations

import html as htmllib
import re
import time

import pyotp
import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import func, select, update

from app.audit.models import Event
from app.auth import two_factor
from app.auth.models import RecoveryCode, User
from app.crypto import decrypt_text, encrypt_text
from app.db import utcnow
from app.extensions import db
from tests.conftest import STAFF_PASSWORD, csrf_of, hidden_fields, make_user, sign_in

REQUIRED = {"TWO_FACTOR_REQUIRED_ROLES": ("leader", "admin")}


@pytest.fixture
def app_overrides(request):
    overrides = dict(REQUIRED)
    if "required_for_all" in request.node.name:
        overrides["TWO_FACTOR_REQUIRED_FOR_ALL"] = True
    if "throttled" in request.node.name:
        overrides["RATELIMIT_LOGIN"] = "3 per minute"
    return overrides


# --- helpers ----------------------------------------------------------------------------------

def text(resp) -> str:
    return htmllib.unescape(resp.get_data(as_text=True))


def submit(client, url: str, data: dict | None = None, page_url: str | None = None):
    """POST a form the way a browser does: the CSRF token from its page first."""
    token = csrf_of(client, page_url or url)
    return client.post(url, data={"csrf_token": token, **(data or {})})


def shown_secret(page: str) -> str:
    """The secret the enrolment page shows for typing by hand (grouped by four)."""
    return re.search(r'id="totp-secret">([^<]+)<', page).group(1).replace(" ", "")


def shown_codes(page: str) -> list[str]:
    body = re.search(r'id="recovery-codes">(.*?)</ul>', page, re.S).group(1)
    return re.findall(r"<code>([^<]+)</code>", body)


def code_now(secret: str, steps_ahead: int = 0) -> str:
    """What the authenticator app shows now (or `steps_ahead` steps of 30 s later)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def unused_code(user: User, secret: str) -> str:
    """A code not used yet: tests that sign in several times within 30 s forget the last step
    (the replay test below shows what happens without this)."""
    db.session.execute(update(User).where(User.id == user.id).values(totp_last_step=None))
    db.session.commit()
    return code_now(secret)


def enrol_directly(user: User) -> str:
    """Turn the second factor on for `user` in the database; return the secret."""
    secret = pyotp.random_base32()
    user.totp_secret = encrypt_text("totp", secret)
    user.totp_enrolled_at = utcnow()
    db.session.commit()
    return secret


def sign_in_fully(client, user: User, secret: str):
    """Password, then a code; assert both steps pass."""
    resp = sign_in(client, user)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/login/code"), resp.headers
    resp = submit(client, "/staff/login/code", {"code": unused_code(user, secret)})
    assert resp.status_code == 302 and "/staff/login" not in resp.headers["Location"], text(resp)[:2000]
    return resp


def enrol_from_profile(client) -> tuple[str, list[str]]:
    """Set up the second factor from one's own page; return the secret and the recovery codes."""
    page = text(client.get("/staff/two-factor/enrol"))
    secret = shown_secret(page)
    resp = client.post("/staff/two-factor/enrol", data={"csrf_token": hidden_fields(page)["csrf_token"],
                                                        "code": code_now(secret)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/two-factor/recovery-codes")
    codes = shown_codes(text(client.get("/staff/two-factor/recovery-codes")))
    assert submit(client, "/staff/two-factor/recovery-codes").status_code == 302
    return secret, codes


def is_signed_in(client) -> bool:
    resp = client.get("/staff/password")
    if resp.status_code == 200:
        return True
    assert resp.status_code == 302 and "/staff/login" in resp.headers["Location"]
    return False


def events(user: User) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Event.action).where(Event.subject_type == "user",
                                                              Event.subject_id == user.id).order_by(Event.id)))


@pytest.fixture
def admin(app):
    """(client, user): an admin of the province with a second factor, signed in with both."""
    user = make_user("admin", "LS")
    client = app.test_client()
    sign_in_fully(client, user, enrol_directly(user))
    return client, user


# --- enrolment --------------------------------------------------------------------------------

def test_a_handler_enrols_from_the_profile_with_a_qr_code(app):
    user = make_user("handler")
    client = app.test_client()
    assert sign_in(client, user).headers["Location"].endswith("/staff/")  # optional: not asked
    assert "Chưa bật" in text(client.get("/staff/password"))

    page = text(client.get("/staff/two-factor/enrol"))
    assert '<svg role="img" aria-label="Mã QR' in page and "<path" in page  # the QR code, inline
    secret = shown_secret(page)
    assert len(secret) == 32 and pyotp.TOTP(secret).now().isdigit()
    assert shown_secret(text(client.get("/staff/two-factor/enrol"))) == secret  # a reload keeps it

    # A wrong code, and a code that is not six digits, are refused at the field.
    token = hidden_fields(page)["csrf_token"]
    wrong = str((int(code_now(secret)) + 1) % 1_000_000).zfill(6)
    for bad in (wrong, "12ab"):
        resp = client.post("/staff/two-factor/enrol", data={"csrf_token": token, "code": bad})
        assert resp.status_code == 422 and "Mã không khớp." in text(resp) and 'id="code-error"' in text(resp)
    resp = client.post("/staff/two-factor/enrol", data={"csrf_token": token, "code": ""})
    assert resp.status_code == 422 and "Hãy nhập mã 6 chữ số ứng dụng đang hiện." in text(resp)
    assert not reload(user).two_factor_enabled

    resp = client.post("/staff/two-factor/enrol", data={"csrf_token": token, "code": code_now(secret)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/two-factor/recovery-codes")
    user = reload(user)
    assert user.two_factor_enabled and user.totp_last_step is not None
    # The secret is encrypted at rest, with a key of its own (not the identity key itself).
    assert secret.encode() not in user.totp_secret and decrypt_text("totp", user.totp_secret) == secret
    with pytest.raises(InvalidToken):
        Fernet(app.config["IDENTITY_KEY"]).decrypt(user.totp_secret)

    codes_page = text(client.get("/staff/two-factor/recovery-codes"))
    codes = shown_codes(codes_page)
    assert len(codes) == 10 == len(set(codes)) and all(re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", c) for c in codes)
    assert "js-print" in codes_page
    download = client.get("/staff/two-factor/recovery-codes.txt")
    assert download.mimetype == "text/plain" and "attachment" in download.headers["Content-Disposition"]
    assert all(code in download.get_data(as_text=True) for code in codes)
    stored = list(db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & set(stored)  # hashes only

    # "I have kept them": never shown again.
    resp = submit(client, "/staff/two-factor/recovery-codes")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/two-factor")
    assert client.get("/staff/two-factor/recovery-codes").status_code == 302
    assert client.get("/staff/two-factor/recovery-codes.txt").status_code == 302
    status = text(client.get("/staff/two-factor"))
    assert "Đang bật" in status and "Còn 10 mã khôi phục chưa dùng." in status
    assert "two_factor_enabled" in events(user)


def test_enrolling_ends_the_other_sessions(app):
    user = make_user("handler")
    this, other = app.test_client(), app.test_client()
    sign_in(this, user)
    sign_in(other, user)
    enrol_from_profile(this)
    assert is_signed_in(this) and not is_signed_in(other)


# --- the second step of sign-in ---------------------------------------------------------------

def test_sign_in_asks_for_the_code_and_refuses_a_wrong_one(app):
    user = make_user("handler")
    secret = enrol_directly(user)
    client = app.test_client()
    resp = sign_in(client, user)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/login/code")
    assert not is_signed_in(client)  # the password alone signs nobody in
    assert client.get("/staff/login/code").status_code == 200

    wrong = str((int(code_now(secret)) + 500_000) % 1_000_000).zfill(6)
    resp = submit(client, "/staff/login/code", {"code": wrong})
    page = text(resp)
    assert resp.status_code == 422 and "Mã xác thực không đúng hoặc đã hết hạn." in page
    assert 'id="code-error"' in page and 'aria-invalid="true"' in page
    resp = submit(client, "/staff/login/code", {"code": ""})
    assert resp.status_code == 422 and "Hãy nhập mã xác thực." in text(resp)
    assert not is_signed_in(client)

    resp = submit(client, "/staff/login/code", {"code": unused_code(user, secret)[:3] + " " + code_now(secret)[3:]})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/")
    assert client.get("/staff/petitions/").status_code == 200
    user = reload(user)
    assert user.failed_logins == 0 and user.last_login_at is not None


def test_the_code_step_keeps_the_next_page(app):
    user = make_user("handler")
    secret = enrol_directly(user)
    client = app.test_client()
    page = text(client.get("/staff/login", query_string={"next": "/staff/petitions/?tab=all"}))
    client.post("/staff/login", data={"csrf_token": hidden_fields(page)["csrf_token"], "email": user.email,
                                      "password": STAFF_PASSWORD, "next": "/staff/petitions/?tab=all"})
    resp = submit(client, "/staff/login/code", {"code": unused_code(user, secret)})
    assert resp.headers["Location"] == "/staff/petitions/?tab=all"


def test_a_replayed_code_is_refused(app):
    user = make_user("handler")
    client = app.test_client()
    sign_in(client, user)
    secret, _codes = enrol_from_profile(client)
    step = reload(user).totp_last_step
    used = pyotp.TOTP(secret).generate_otp(step)  # the very code that confirmed the enrolment

    other = app.test_client()
    sign_in(other, user)
    resp = submit(other, "/staff/login/code", {"code": used})
    assert resp.status_code == 422 and "Mã này đã được dùng." in text(resp)
    # The next code works once, then is refused in another browser within its window.
    following = pyotp.TOTP(secret).generate_otp(step + 1)
    assert submit(other, "/staff/login/code", {"code": following}).status_code == 302
    third = app.test_client()
    sign_in(third, user)
    resp = submit(third, "/staff/login/code", {"code": following})
    assert resp.status_code == 422 and "Mã này đã được dùng." in text(resp)
    assert not is_signed_in(third)


def test_a_recovery_code_works_once(app):
    user = make_user("handler")
    client = app.test_client()
    sign_in(client, user)
    _secret, codes = enrol_from_profile(client)

    first = app.test_client()
    sign_in(first, user)
    resp = submit(first, "/staff/login/code", {"code": codes[0].replace("-", "").lower()})  # typed loosely
    assert resp.status_code == 302
    assert "còn 9 mã chưa dùng" in text(first.get("/staff/"))  # signed in, and warned
    assert events(user)[-1] == "recovery_code_used"

    second = app.test_client()
    sign_in(second, user)
    resp = submit(second, "/staff/login/code", {"code": codes[0]})
    assert resp.status_code == 422 and "Mã khôi phục không đúng hoặc đã được dùng." in text(resp)
    assert not is_signed_in(second)
    assert submit(second, "/staff/login/code", {"code": codes[1]}).status_code == 302
    assert two_factor.remaining_recovery_codes(reload(user)) == 8


def test_wrong_codes_lock_the_account_like_wrong_passwords(app):
    user = make_user("handler")
    secret = enrol_directly(user)
    client = app.test_client()
    wrong = {"code": "000000" if code_now(secret) != "000000" else "111111"}
    limit = app.config["LOGIN_MAX_FAILURES"]
    sign_in(client, user)
    for _ in range(limit - 2):
        assert submit(client, "/staff/login/code", wrong).status_code == 422
    # Giving the password again does not buy fresh guesses at the code.
    sign_in(client, user)
    assert reload(user).failed_logins == limit - 2
    assert submit(client, "/staff/login/code", wrong).status_code == 422
    resp = submit(client, "/staff/login/code", wrong)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/login")
    assert "tạm khóa" in text(client.get("/staff/login"))
    assert reload(user).locked_until is not None
    assert client.get("/staff/login/code").status_code == 302  # the half-done sign-in is gone
    resp = sign_in(client, user)  # the right password, but locked now
    assert resp.status_code == 422 and "tạm khóa" in text(resp)
    assert "locked" in events(user)


def test_the_code_step_is_throttled_per_ip(app):
    from app.extensions import limiter

    limiter.reset()
    users = [make_user("handler") for _ in range(2)]
    secrets = [enrol_directly(u) for u in users]
    client = app.test_client()
    sign_in(client, users[0])
    for _ in range(3):
        assert submit(client, "/staff/login/code", {"code": "abc"}).status_code == 422
    sign_in(client, users[1])  # another account from the same address
    assert submit(client, "/staff/login/code", {"code": code_now(secrets[1])}).status_code == 429
    limiter.reset()


def test_the_half_done_sign_in_expires(app):
    user = make_user("handler")
    secret = enrol_directly(user)
    client = app.test_client()
    sign_in(client, user)
    token = csrf_of(client, "/staff/login/code")
    with client.session_transaction() as sess:
        sess["pending_sign_in"]["since"] -= app.config["TWO_FACTOR_PENDING_MINUTES"] * 60 + 1
        sess.modified = True
    resp = client.post("/staff/login/code", data={"csrf_token": token, "code": unused_code(user, secret)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/login")
    assert not is_signed_in(client)


def test_setting_up_may_take_longer_than_the_code_step(app):
    user = make_user("leader")
    client = app.test_client()
    sign_in(client, user)
    secret = shown_secret(text(client.get("/staff/login/enrol")))
    with client.session_transaction() as sess:  # installing the app took a quarter of an hour
        sess["pending_sign_in"]["since"] -= 15 * 60
        sess.modified = True
    assert submit(client, "/staff/login/enrol", {"code": code_now(secret)}).status_code == 302
    assert is_signed_in(client)


def test_the_code_step_without_a_password_sends_to_sign_in(client):
    for url in ("/staff/login/code", "/staff/login/enrol"):
        resp = client.get(url)
        assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/login")


# --- who must use it --------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["leader", "admin"])
def test_a_leader_or_admin_must_enrol_before_being_signed_in(app, role):
    user = make_user(role, "LS")
    client = app.test_client()
    resp = sign_in(client, user)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/login/enrol")
    assert not is_signed_in(client)
    page = text(client.get("/staff/login/enrol"))
    assert "bắt buộc dùng xác thực hai lớp" in page and '<svg role="img"' in page
    secret = shown_secret(page)
    resp = submit(client, "/staff/login/enrol", {"code": code_now(secret)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/two-factor/recovery-codes")
    assert len(shown_codes(text(client.get("/staff/two-factor/recovery-codes")))) == 10
    resp = submit(client, "/staff/two-factor/recovery-codes")
    assert resp.headers["Location"].endswith("/staff/")  # then on to where sign-in was going
    assert is_signed_in(client) and reload(user).two_factor_enabled
    # From now on the password leads to the code.
    assert sign_in(app.test_client(), user).headers["Location"].endswith("/staff/login/code")


def test_a_handler_is_not_required(app):
    user = make_user("handler")
    client = app.test_client()
    assert sign_in(client, user).headers["Location"].endswith("/staff/")
    assert is_signed_in(client)
    assert "Bật xác thực hai lớp" in text(client.get("/staff/two-factor"))


def test_required_for_all_by_the_setting(app):
    for role in ("handler", "receptionist"):
        resp = sign_in(app.test_client(), make_user(role))
        assert resp.headers["Location"].endswith("/staff/login/enrol"), role


def test_a_requirement_added_later_ends_a_password_only_session(app):
    user = make_user("handler")
    client = app.test_client()
    sign_in(client, user)
    assert is_signed_in(client)
    app.config["TWO_FACTOR_REQUIRED_FOR_ALL"] = True
    assert not is_signed_in(client)
    assert "bắt buộc dùng xác thực hai lớp" in text(client.get("/staff/login"))
    assert sign_in(client, user).headers["Location"].endswith("/staff/login/enrol")


# --- managing one's own second factor ---------------------------------------------------------

def test_new_recovery_codes_need_a_current_code_and_replace_the_old(app):
    user = make_user("handler")
    client = app.test_client()
    sign_in(client, user)
    secret, old_codes = enrol_from_profile(client)
    resp = submit(client, "/staff/two-factor/recovery-codes/new", {"code": "000000" if code_now(secret) != "000000"
                                                                     else "111111"})
    assert resp.status_code == 422 and "Mã xác thực không đúng" in text(resp)
    resp = submit(client, "/staff/two-factor/recovery-codes/new", {"code": unused_code(user, secret)})
    assert resp.status_code == 302
    new_codes = shown_codes(text(client.get("/staff/two-factor/recovery-codes")))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    other = app.test_client()
    sign_in(other, user)
    assert submit(other, "/staff/login/code", {"code": old_codes[2]}).status_code == 422
    assert submit(other, "/staff/login/code", {"code": new_codes[2]}).status_code == 302
    assert "recovery_codes_regenerated" in events(user)


def test_a_handler_turns_it_off_with_a_code(app):
    user = make_user("handler")
    client = app.test_client()
    sign_in(client, user)
    secret, _codes = enrol_from_profile(client)
    assert "Sau khi tắt" in text(client.get("/staff/two-factor/disable"))
    resp = submit(client, "/staff/two-factor/disable", {"code": "abcde"})
    assert resp.status_code == 422 and "Hãy nhập mã 6 chữ số" in text(resp)
    assert reload(user).two_factor_enabled
    resp = submit(client, "/staff/two-factor/disable", {"code": unused_code(user, secret)})
    assert resp.status_code == 302 and is_signed_in(client)
    user = reload(user)
    assert not user.two_factor_enabled and user.totp_secret is None
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id)) == 0
    assert sign_in(app.test_client(), user).headers["Location"].endswith("/staff/")
    assert "two_factor_disabled" in events(user)


def test_a_leader_cannot_turn_it_off(app):
    user = make_user("leader")
    secret = enrol_directly(user)
    client = app.test_client()
    sign_in_fully(client, user, secret)
    page = text(client.get("/staff/two-factor"))
    assert "bắt buộc với tài khoản của bạn" in page and "/staff/two-factor/disable" not in page
    assert "không thể tắt" in text(client.get("/staff/two-factor/disable"))
    resp = submit(client, "/staff/two-factor/disable", {"code": unused_code(user, secret)})
    assert resp.status_code == 422 and "không thể tắt" in text(resp)
    assert reload(user).two_factor_enabled


# --- admin: sessions and second factors -------------------------------------------------------

def test_admin_ends_all_sessions_of_a_user(app, admin):
    admin_client, _ = admin
    user = make_user("handler")
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user)
    sign_in(phone, user)
    url = f"/staff/admin/users/{user.id}/end-sessions"
    assert url in text(admin_client.get(f"/staff/admin/users/{user.id}/edit"))
    confirm = admin_client.get(url)
    assert confirm.status_code == 200 and "Kết thúc mọi phiên đăng nhập" in text(confirm)
    assert is_signed_in(laptop)  # the confirmation page changes nothing
    resp = submit(admin_client, url)
    assert resp.status_code == 302
    assert not is_signed_in(laptop) and not is_signed_in(phone)
    assert is_signed_in(admin_client)
    assert sign_in(app.test_client(), user).status_code == 302  # the password still works
    assert events(user)[-1] == "sessions_ended"


def test_admin_ends_their_own_other_sessions_and_keeps_this_one(app, admin):
    admin_client, me = admin
    elsewhere = app.test_client()
    sign_in_fully(elsewhere, me, _secret_of(me))
    assert submit(admin_client, f"/staff/admin/users/{me.id}/end-sessions").status_code == 302
    assert is_signed_in(admin_client) and not is_signed_in(elsewhere)


def _secret_of(user: User) -> str:
    return decrypt_text("totp", reload(user).totp_secret)


def test_admin_resets_a_lost_second_factor(app, admin):
    admin_client, me = admin
    leader = make_user("leader")
    secret = enrol_directly(leader)
    leader_client = app.test_client()
    sign_in_fully(leader_client, leader, secret)
    url = f"/staff/admin/users/{leader.id}/reset-two-factor"
    assert url in text(admin_client.get(f"/staff/admin/users/{leader.id}/edit"))
    assert "mất điện thoại" in text(admin_client.get(url))
    assert submit(admin_client, url).status_code == 302
    leader = reload(leader)
    assert not leader.two_factor_enabled and leader.totp_secret is None
    assert not is_signed_in(leader_client)  # signed out at once
    # Required for a leader: the next sign-in sets it up again, with a new secret.
    resp = sign_in(leader_client, leader)
    assert resp.headers["Location"].endswith("/staff/login/enrol")
    assert shown_secret(text(leader_client.get("/staff/login/enrol"))) != secret
    assert events(leader)[-1] == "two_factor_reset"
    # Not one's own, and not for someone who has none.
    resp = submit(admin_client, f"/staff/admin/users/{me.id}/reset-two-factor")
    assert resp.status_code == 422 and "Bạn không thể tự đặt lại xác thực hai lớp" in text(resp)
    assert reload(me).two_factor_enabled
    resp = submit(admin_client, url)
    assert resp.status_code == 422 and "chưa bật xác thực hai lớp" in text(resp)


def test_a_handler_cannot_use_the_admin_actions(app, admin):
    client = app.test_client()
    handler = make_user("handler")
    sign_in(client, handler)
    _admin_client, me = admin
    for action in ("end-sessions", "reset-two-factor"):
        url = f"/staff/admin/users/{me.id}/{action}"
        assert client.get(url).status_code == 403
        assert client.post(url, data={"csrf_token": csrf_of(client, "/staff/password")}).status_code == 403
    assert reload(me).two_factor_enabled


def test_a_disabled_account_is_signed_out_at_once(app, admin):
    admin_client, _ = admin
    user = make_user("handler")
    client = app.test_client()
    sign_in(client, user)
    assert is_signed_in(client)
    assert submit(admin_client, f"/staff/admin/users/{user.id}/disable").status_code == 302
    assert not is_signed_in(client)


def test_a_disabled_account_cannot_finish_a_half_done_sign_in(app, admin):
    admin_client, _ = admin
    user = make_user("handler")
    secret = enrol_directly(user)
    client = app.test_client()
    sign_in(client, user)
    assert submit(admin_client, f"/staff/admin/users/{user.id}/disable").status_code == 302
    token = csrf_of(client, "/staff/login")
    resp = client.post("/staff/login/code", data={"csrf_token": token, "code": unused_code(user, secret)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/login")
    assert not is_signed_in(client)


def test_a_role_change_ends_the_session_and_the_new_role_needs_a_second_factor(app, admin):
    admin_client, _ = admin
    user = make_user("handler")
    client = app.test_client()
    sign_in(client, user)
    resp = submit(admin_client, f"/staff/admin/users/{user.id}/edit",
                  {"full_name": user.full_name, "role": "leader", "agency": user.agency_id})
    assert resp.status_code == 302
    assert not is_signed_in(client)
    assert sign_in(client, user).headers["Location"].endswith("/staff/login/enrol")


def test_demo_seed_says_who_sets_up_a_second_factor(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if "@demo.vn" in line}
    assert "two-factor" in lines["chutich@demo.vn"] and "two-factor" in lines["quantri@demo.vn"]
    assert "two-factor" not in lines["chuyenvien.thanhtra@demo.vn"]
    leader = db.session.scalars(select(User).where(User.email == "chutich@demo.vn")).one()
    from app.auth.seed import demo_password

    assert sign_in(app.test_client(), leader, demo_password()).headers["Location"].endswith("/staff/login/enrol")


def test_cli_resets_a_second_factor(app):
    user = make_user("admin", "LS")
    enrol_directly(user)
    result = app.test_cli_runner().invoke(args=["users", "reset-two-factor", user.email.upper()])
    assert result.exit_code == 0, result.output
    assert not reload(user).two_factor_enabled
    bad = app.test_cli_runner().invoke(args=["users", "reset-two-factor", "nobody@example.vn"])
    assert bad.exit_code != 0 and "No account" in bad.output


# --- session renewal and cookies --------------------------------------------------------------

def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else ""


def test_the_session_is_renewed_on_each_sign_in_step(app):
    user = make_user("handler")
    secret = enrol_directly(user)
    client = app.test_client()
    client.get("/staff/login")
    before = session_cookie(client)
    with client.session_transaction() as sess:
        sess["planted"] = "attacker"
    sign_in(client, user)
    half = session_cookie(client)
    submit(client, "/staff/login/code", {"code": unused_code(user, secret)})
    after = session_cookie(client)
    assert before and half and after and len({before, half, after}) == 3
    with client.session_transaction() as sess:
        assert "planted" not in sess and "pending_sign_in" not in sess
    # The cookie from before sign-in, replayed in another browser, signs nobody in.
    stranger = app.test_client()
    stranger.set_cookie("session", before)
    assert not is_signed_in(stranger)


def test_a_privilege_change_of_ones_own_renews_the_session(app, admin):
    from app.agencies.models import Agency

    admin_client, me = admin
    copied = session_cookie(admin_client)
    other_agency = db.session.scalars(select(Agency).where(Agency.code == "TTLS")).one()
    resp = submit(admin_client, f"/staff/admin/users/{me.id}/edit",
                  {"full_name": me.full_name, "role": "admin", "agency": other_agency.id})
    assert resp.status_code == 302
    assert is_signed_in(admin_client) and session_cookie(admin_client) != copied
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert not is_signed_in(thief)  # the copy from before the change is dead


def set_session_cookie(resp) -> str:
    """The Set-Cookie header of the session cookie (Flask-Login may also clear its unused remember cookie)."""
    headers = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert len(headers) == 1, resp.headers.getlist("Set-Cookie")
    return headers[0]


def test_the_session_cookie_is_httponly_and_samesite_lax(app):
    user = make_user("handler")
    client = app.test_client()
    resp = sign_in(client, user)
    header = set_session_cookie(resp)
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "Secure" not in header  # plain HTTP in tests and development


def test_the_session_cookie_is_secure_in_production(live_app, monkeypatch, tmp_path):
    from app import create_app
    from config import ProductionConfig

    monkeypatch.setenv("SECRET_KEY", "production-like-secret-for-this-test")
    monkeypatch.setenv("DATABASE_URL", live_app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("IDENTITY_KEY", live_app.config["IDENTITY_KEY"])
    user = make_user("handler")
    production = create_app(ProductionConfig())
    assert production.config["SESSION_COOKIE_SECURE"] and production.config["TWO_FACTOR_REQUIRED_ROLES"] == (
        "leader", "admin")
    client = production.test_client()
    page = client.get("/staff/login")
    resp = client.post("/staff/login", data={"csrf_token": hidden_fields(page.get_data(as_text=True))["csrf_token"],
                                             "email": user.email, "password": STAFF_PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/")
    for header in (set_session_cookie(page), set_session_cookie(resp)):
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
