"""Personal access tokens of the JSON API: only a SHA-256 of the secret is kept."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow


class ApiToken(Base):
    """A token a staff user made for a program acting as them, limited to some permissions."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # Permission values (app.auth.permissions), a subset of the user's at creation; at use the
    # token may do what is both in here and in the user's current role.
    scopes: Mapped[list] = mapped_column(JSON)
    # The first characters of the token, to tell tokens apart on the page (not a secret alone).
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user = relationship("User")

    def is_usable(self, now: datetime) -> bool:
        """Not revoked, not expired, and its user still active."""
        if self.revoked_at is not None:
            return False
        if self.expires_at is not None and self.expires_at <= now:
            return False
        return self.user is not None and self.user.active
