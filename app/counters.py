"""Numbering per (series, agency, year): petitions' tracking codes, the reception register's running
number, online-reception request codes and the numbers of issued documents.

Two ways to give the next number, chosen per series:

- **A counter row** (every series but `petition`, and every series on SQLite): one row per
  (series, agency, year), incremented inside the caller's transaction. A rolled-back request gives
  its number back, so the series has no gaps — what a register (Luật Tiếp công dân Đ.25.2) and a
  document register need. Concurrent requests for one series and agency queue on that row from
  the increment to their commit; they are people at a desk, a few a minute.
- **A sequence** (`petition` on PostgreSQL): one PostgreSQL SEQUENCE per (series, agency, year),
  made on first use by the function `counter_next` (migration 0019) inside the caller's
  transaction, starting after what the counter row had reached. `nextval` never waits, so
  citizens submitting to the same agency at the same moment never queue for each other: no row
  is updated by every submission (a hot counter row was the UK petitions site's bottleneck at
  peak, and the load run measured the same here: bench/run.py, docs/deploy.md). The price: a
  submission that fails after drawing its number leaves that number unused. It is drawn after the
  form is validated and every read is done, so only a failure of the write itself (the database
  gone, the process killed) can do that. SQLite admits one writer at a time anyway, so there the
  row is kept and the series has no gaps.
"""
from __future__ import annotations

import re

from sqlalchemy import ForeignKey, PrimaryKeyConstraint, String, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.extensions import db

# Series numbered by a sequence on PostgreSQL: those citizens fill at once, from anywhere.
SEQUENCE_SERIES = frozenset({"petition"})
_SERIES_NAME = re.compile(r"^[a-z_]{1,30}$")


class Counter(Base):
    """The last number given in one series, for one agency and one year."""

    __tablename__ = "counters"
    __table_args__ = (PrimaryKeyConstraint("series", "agency_id", "year"),)

    series: Mapped[str] = mapped_column(String(40))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int] = mapped_column()
    last_value: Mapped[int] = mapped_column(default=0)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def uses_sequence(series: str) -> bool:
    """Whether this series is numbered by a sequence on the current database."""
    return series in SEQUENCE_SERIES and _dialect() == "postgresql"


def sequence_name(series: str, agency_id: int, year: int) -> str:
    """`counter_petition_3_2026`: the name of a series' sequence (made of checked parts only)."""
    if not _SERIES_NAME.match(series):
        raise ValueError(f"series {series!r} cannot name a sequence")
    return f"counter_{series}_{int(agency_id)}_{int(year)}"


def next_value(series: str, agency_id: int, year: int) -> int:
    """The next number of the series, inside the current transaction (see the module's text)."""
    if uses_sequence(series):
        # One call (migration 0019): nextval, after making the sequence if this is its first number.
        return db.session.execute(text(
            "SELECT counter_next(CAST(:name AS text), CAST(:series AS text), CAST(:agency AS integer), "
            "CAST(:year AS integer))"),
            {"name": sequence_name(series, agency_id, year), "series": series, "agency": agency_id,
             "year": year}).scalar_one()
    insert = pg_insert if _dialect() == "postgresql" else sqlite_insert
    # One statement: the first number of a series creates its row.
    stmt = insert(Counter).values(series=series, agency_id=agency_id, year=year, last_value=1)
    return db.session.execute(
        stmt.on_conflict_do_update(index_elements=["series", "agency_id", "year"],
                                   set_={"last_value": Counter.last_value + 1})
        .returning(Counter.last_value)
    ).scalar_one()


def last_value(series: str, agency_id: int, year: int) -> int:
    """The last number given in the series (0 when none)."""
    if uses_sequence(series):
        found = db.session.execute(text(
            "SELECT last_value FROM pg_sequences WHERE schemaname = current_schema() AND sequencename = :name"),
            {"name": sequence_name(series, agency_id, year)}).first()
        if found is not None:  # last_value is NULL until the first nextval
            return found.last_value if found.last_value is not None else _row_value(series, agency_id, year)
    return _row_value(series, agency_id, year)


def _row_value(series: str, agency_id: int, year: int) -> int:
    return db.session.scalar(select(Counter.last_value).where(
        Counter.series == series, Counter.agency_id == agency_id, Counter.year == year)) or 0


def raise_to(series: str, agency_id: int, year: int, value: int) -> None:
    """Make the next number of the series at least `value + 1` (numbers given by a bulk load)."""
    counter = db.session.get(Counter, (series, agency_id, year))
    if counter is None:
        db.session.add(Counter(series=series, agency_id=agency_id, year=year, last_value=value))
    else:
        counter.last_value = max(counter.last_value, value)
    db.session.flush()
    if uses_sequence(series):
        # A sequence already made: on past `value` (never back). One not made yet will start after the row.
        db.session.execute(text(
            "SELECT setval(CAST(s.sequencename AS regclass), :value, true) FROM pg_sequences AS s "
            "WHERE s.schemaname = current_schema() AND s.sequencename = :name "
            "AND coalesce(s.last_value, s.start_value - 1) < :value"),
            {"name": sequence_name(series, agency_id, year), "value": value})
