"""Personal access tokens: issue (the secret is shown once), revoke, and authenticate a request.

A token looks like `dtk_<12 hex>_<43 url-safe>`; only its SHA-256 is stored, so a copy of the
database gives no working token. A token acts as its user with the permissions that are both
among its scopes and in the user's current role: a role change or a disabled account takes
effect at once, with no token to hunt down.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.api.models import ApiToken
from app.audit.services import audit
from app.auth.permissions import Permission
from app.db import utcnow
from app.extensions import db

TOKEN_PREFIX = "dtk_"
# The permissions that mean something to the API; a token is scoped to some of them.
API_SCOPES: tuple[Permission, ...] = (
    Permission.PETITION_READ,
    Permission.SUBTREE_READ,
    Permission.PETITION_TRIAGE,
    Permission.PETITION_APPROVE,
    Permission.CASE_READ,
    Permission.CASE_WORK,
    Permission.CASE_APPROVE,
    Permission.VISIT_LOG,
)
EXPIRY_CHOICES_DAYS = (30, 90, 365)
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often, so that reads do not each write a row.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token request that cannot be granted; the message is for the user, `field_name` its field."""

    def __init__(self, message, field_name: str | None = None):
        super().__init__(str(message))
        self.field_name = field_name


def hash_token(secret: str) -> str:
    """What is stored for a token."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def grantable_scopes(user) -> list[Permission]:
    """The API permissions the user's role carries: what a new token may be given."""
    return [p for p in API_SCOPES if user.can(p)]


def create_token(user, *, name: str, scopes: list[str], expires_in_days: int | None,
                 now: datetime | None = None) -> tuple[ApiToken, str]:
    """Make a token for `user`; return it and the secret (shown once, never stored)."""
    now = now or utcnow()
    name = (name or "").strip()
    if not name:
        raise TokenError(_l("Hãy đặt tên cho mã truy cập (ví dụ tên chương trình dùng nó)."), "name")
    allowed = {p.value for p in grantable_scopes(user)}
    chosen = sorted(set(scopes or []))
    if not chosen:
        raise TokenError(_l("Hãy chọn ít nhất một quyền cho mã truy cập."), "scopes")
    if any(s not in allowed for s in chosen):
        raise TokenError(_l("Chỉ được cấp những quyền mà tài khoản của bạn đang có."), "scopes")
    if expires_in_days is not None and expires_in_days not in EXPIRY_CHOICES_DAYS:
        raise TokenError(_l("Thời hạn không hợp lệ."), "expires")
    active = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                       ApiToken.revoked_at.is_(None))).all()
    if len([t for t in active if t.is_usable(now)]) >= MAX_ACTIVE_TOKENS:
        raise TokenError(_l("Bạn đã có %(n)s mã truy cập đang dùng; hãy thu hồi mã không dùng nữa.",
                            n=MAX_ACTIVE_TOKENS))
    prefix = TOKEN_PREFIX + secrets.token_hex(6)
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user_id=user.id, name=name[:100], scopes=chosen, prefix=prefix, token_hash=hash_token(secret),
                     created_at=now,
                     expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None)
    db.session.add(token)
    db.session.flush()
    audit("api.token.create", subject_type="api_token", subject_id=token.id,
          detail={"scopes": chosen, "expires_days": expires_in_days or 0}, actor=user)
    return token, secret


def tokens_of(user) -> list[ApiToken]:
    """The user's tokens, newest first (revoked ones too, for the record)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def get_own(user, token_id: int) -> ApiToken | None:
    """One of the user's own tokens, or None (the view answers 404)."""
    return db.session.scalars(select(ApiToken).where(ApiToken.id == token_id,
                                                     ApiToken.user_id == user.id)).first()


def revoke_token(token: ApiToken, user, *, now: datetime | None = None) -> None:
    """Stop the token working, at once and for good."""
    if token.revoked_at is not None:
        raise TokenError(_l("Mã truy cập này đã bị thu hồi."))
    token.revoked_at = now or utcnow()
    db.session.flush()
    audit("api.token.revoke", subject_type="api_token", subject_id=token.id, actor=user)


class TokenActor:
    """The token's user as the services see them: the same id, name and agency, but `can()` answers
    only for permissions both in the token's scopes and in the user's role."""

    def __init__(self, user, scopes):
        self._user = user
        self._scopes = frozenset(scopes or ())

    def can(self, permission: Permission) -> bool:
        return permission.value in self._scopes and self._user.can(permission)

    @property
    def user(self):
        """The User row behind the token."""
        return self._user

    def __getattr__(self, name):
        return getattr(self._user, name)


@dataclass
class Authenticated:
    """A request's token and the actor it stands for."""

    token: ApiToken
    actor: TokenActor


def authenticate(secret: str | None, *, now: datetime | None = None) -> Authenticated | None:
    """The live token with this secret and its actor, or None (unknown, revoked, expired, user disabled)."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = now or utcnow()
    token = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_token(secret))).first()
    if token is None or not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return Authenticated(token, TokenActor(token.user, token.scopes))
