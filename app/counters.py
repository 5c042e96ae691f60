"""Gap-free numbering: one counter row per (series, agency, year).

Petition tracking codes, the reception register's running number, online-reception request
codes and the numbers of issued documents all come from here. The row is incremented inside
the caller's transaction, so a rolled-back request gives its number back, and concurrent
requests queue on that one row only (never on other agencies or series).
"""
from __future__ import annotations

from sqlalchemy import ForeignKey, PrimaryKeyConstraint, String
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.extensions import db


class Counter(Base):
    """The last number given in one series, for one agency and one year."""

    __tablename__ = "counters"
    __table_args__ = (PrimaryKeyConstraint("series", "agency_id", "year"),)

    series: Mapped[str] = mapped_column(String(40))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int] = mapped_column()
    last_value: Mapped[int] = mapped_column(default=0)


def next_value(series: str, agency_id: int, year: int) -> int:
    """Increment and return the counter inside the current transaction (one statement: the first
    number of a series creates its row)."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(Counter).values(series=series, agency_id=agency_id, year=year, last_value=1)
    return db.session.execute(
        stmt.on_conflict_do_update(index_elements=["series", "agency_id", "year"],
                                   set_={"last_value": Counter.last_value + 1})
        .returning(Counter.last_value)
    ).scalar_one()
