"""Reference data kept per process (app/refcache.py): read once, and read again as soon as this
process changes it — by the ORM, by a bulk UPDATE, or by a rolled-back transaction."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, update

from app import refcache
from app.agencies import queries as agency_queries
from app.agencies.models import AdminUnit, Agency
from app.calendar import services as calendar
from app.extensions import db


class Statements:
    def __init__(self):
        self.seen: list[str] = []

    def __call__(self, conn, cursor, statement, *args):
        self.seen.append(statement)

    def about(self, table: str) -> int:
        return sum(1 for s in self.seen if f"FROM {table}" in s)


@pytest.fixture
def statements(app):
    counter = Statements()
    event.listen(db.engine, "before_cursor_execute", counter)
    yield counter
    event.remove(db.engine, "before_cursor_execute", counter)


def test_read_once_then_kept(app, statements):
    first = agency_queries.online_agency_choices()
    assert first and all(isinstance(i, int) and isinstance(n, str) for i, n in first)
    again = agency_queries.online_agency_choices()
    assert again == first
    assert statements.about("agencies") == 1


def test_an_orm_change_is_seen_at_once(app):
    before = dict(agency_queries.online_agency_choices())
    agency = db.session.get(Agency, next(iter(before)))
    agency.name = "Thanh tra tỉnh (đổi tên)"
    db.session.flush()
    assert dict(agency_queries.online_agency_choices())[agency.id] == "Thanh tra tỉnh (đổi tên)"
    agency.accepts_online = False
    db.session.commit()
    assert agency.id not in dict(agency_queries.online_agency_choices())
    assert agency_queries.site_agency_name(agency.code) == "Thanh tra tỉnh (đổi tên)"


def test_a_bulk_update_and_a_rollback_are_seen(app):
    province_id, name = agency_queries.province_choices()[0]
    communes = agency_queries.commune_choices(province_id)
    assert communes
    db.session.execute(update(AdminUnit).where(AdminUnit.id == communes[0][0]).values(name="Xã Mới Đặt Tên"))
    assert "Xã Mới Đặt Tên" in [n for _i, n in agency_queries.commune_choices(province_id)]
    db.session.rollback()  # undone: the name read inside the transaction must not stay
    assert "Xã Mới Đặt Tên" not in [n for _i, n in agency_queries.commune_choices(province_id)]


def test_a_day_off_changes_due_dates_at_once(app):
    from tests.conftest import make_user

    admin = make_user("admin")
    start = date(2026, 10, 5)  # a Monday
    before = calendar.due_date("petition.triage", start)  # 10 working days
    calendar.add_override(start + timedelta(days=1), "day_off", "Nghỉ bù", actor=admin)
    db.session.flush()
    after = calendar.due_date("petition.triage", start)
    assert after > before, "the cached calendar was read again after the day off was added"


def test_turned_off(app, statements):
    app.config["REFDATA_CACHE_SECONDS"] = 0
    refcache.init_app(app)
    agency_queries.online_agency_choices()
    agency_queries.online_agency_choices()
    assert statements.about("agencies") == 2


def test_entries_expire(app, statements, monkeypatch):
    import time as real_time

    agency_queries.online_agency_choices()
    later = real_time.monotonic() + app.config["REFDATA_CACHE_SECONDS"] + 1
    monkeypatch.setattr(refcache.time, "monotonic", lambda: later)
    agency_queries.online_agency_choices()
    assert statements.about("agencies") == 2
