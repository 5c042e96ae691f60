"""Staff users and their recovery codes. No self-registration: accounts are made by admins or
`flask users create`."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.agencies.models import Agency
from app.auth.permissions import Permission, Role, role_has
from app.db import Base, TimestampMixin, enum_check, utcnow


class User(UserMixin, TimestampMixin, Base):
    """A staff member of one agency with one role."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(enum_check("role", [r.value for r in Role]), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    failed_logins: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column()
    last_login_at: Mapped[datetime | None] = mapped_column()
    # Bumped to end every session of the user (password reset, disabling).
    session_version: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    # Name and e-mail folded (app.text.fold) so that the admin search ignores diacritics.
    search_folded: Mapped[str | None] = mapped_column(String(500))
    # Two-factor sign-in (app/auth/two_factor.py): the TOTP secret, encrypted (app.crypto, purpose
    # "totp"); when it was confirmed (None: not enrolled); the last time step accepted, so that
    # no code is accepted twice.
    totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_enrolled_at: Mapped[datetime | None] = mapped_column()
    totp_last_step: Mapped[int | None] = mapped_column()

    agency: Mapped[Agency] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        """Flask-Login identifier: id and session version, so old sessions stop working."""
        return f"{self.id}:{self.session_version}"

    def can(self, permission: Permission) -> bool:
        """Role-level permission check."""
        return role_has(self.role, permission)

    @property
    def two_factor_enabled(self) -> bool:
        """Whether sign-in asks this user for a one-time code after the password."""
        return self.totp_enrolled_at is not None and self.totp_secret is not None


class RecoveryCode(Base):
    """A single-use code that stands in for the authenticator app; stored as a keyed hash only."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column()
