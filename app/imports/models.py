"""What an import wrote: the batch (file, who, when) and one row key per record, so that the same
row imported again is recognised and skipped (idempotent re-import)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, TimestampMixin


class ImportBatch(TimestampMixin, Base):
    """One committed import of one file."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_created: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    rows: Mapped[list[ImportedRow]] = relationship(back_populates="batch", cascade="all, delete-orphan")


class ImportedRow(Base):
    """A record created from one row: the row's key (hash of its normalised values) per agency and kind."""

    __tablename__ = "imported_rows"
    __table_args__ = (UniqueConstraint("agency_id", "kind", "row_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(String(20))
    row_key: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)

    batch: Mapped[ImportBatch] = relationship(back_populates="rows")
