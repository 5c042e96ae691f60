"""Documents issued from the desk, numbered when first printed (số, ký hiệu)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class IssuedDocument(Base):
    """A document given a number (số, ký hiệu) when first printed; reprints keep the number."""

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("visit_id", "doc_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    doc_type: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column()
    number: Mapped[int] = mapped_column()
    symbol: Mapped[str] = mapped_column(String(40))  # e.g. "TB-BTCD"
    issued_on: Mapped[date] = mapped_column()
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
