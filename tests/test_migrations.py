"""Migrations: upgrade an empty database, no drift between models and migrations, one head."""
from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import ROOT, create_app
from tests.conftest import PG_URL, _pg_reachable, create_pg_database, drop_pg_database, make_config, require


def test_single_head():
    from alembic.config import Config

    cfg = Config(str(ROOT / "migrations" / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    heads = ScriptDirectory.from_config(cfg).get_heads()
    assert len(heads) == 1, f"migration history has {len(heads)} heads: {heads}; merge them"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    require(bool(PG_URL), "TEST_DATABASE_URL is not set (PostgreSQL migrations)")
    require(_pg_reachable(), "PostgreSQL at TEST_DATABASE_URL is not reachable")
    url = create_pg_database("dt_migr")
    yield url
    drop_pg_database(url)


def test_upgrade_empty_database_then_check_and_downgrade(empty_database, tmp_path):
    from flask_migrate import check

    from app.extensions import db

    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=empty_database, UPLOAD_ROOT=str(tmp_path)))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"petitions", "agencies", "admin_units", "deadline_rules", "events"} <= tables
        check()  # raises if the models and the migrations disagree (flask db check)
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


def test_conclusion_items_become_directives_and_back(empty_database, tmp_path):
    """0010 turns each reception-day conclusion item (session_tasks) into a directive issued by
    the session's notice; 0011 fills their search text; the downgrade gives the items back."""
    from sqlalchemy import text

    from app.extensions import db

    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=empty_database, UPLOAD_ROOT=str(tmp_path)))
    with app.app_context():
        upgrade(revision="0009")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO agencies (id, code, name, kind, level) VALUES "
                "(1, 'LS', 'UBND tỉnh', 'peoples_committee', 'province'), "
                "(2, 'XCL', 'UBND xã', 'peoples_committee', 'commune')"))
            conn.execute(text(
                "INSERT INTO reception_sessions (id, agency_id, leader_name, held_on, place, mode, status, "
                "conclusion_number, conclusion_date, conclusion_summary) VALUES (1, 1, 'Hồ Tiến Chủ', '2026-03-02', "
                "'Trụ sở', 'in_person', 'held', '15/TB-UBND', '2026-03-04', 'Kết luận')"))
            conn.execute(text(
                "INSERT INTO session_tasks (id, session_id, position, content, assignee_agency_id, due_on, status, "
                "done_on, result_note) VALUES "
                "(7, 1, 1, 'Rà soát hồ sơ bồi thường', 2, '2026-03-20', 'done', '2026-03-18', 'Đã trả lời'), "
                "(8, 1, 2, 'Đo đạc lại thửa đất', 1, '2026-03-25', 'open', NULL, NULL)"))
        upgrade()
        with db.engine.begin() as conn:
            rows = conn.execute(text(
                "SELECT id, source, issuer_agency_id, source_name, document_number, issued_on, content, "
                "assignee_agency_id, due_on, done_on, result_note, session_id, position, search_folded "
                "FROM directives ORDER BY id")).all()
            assert [(r.id, r.source, r.issuer_agency_id, r.source_name, r.document_number, str(r.issued_on),
                     r.assignee_agency_id, str(r.due_on), r.done_on and str(r.done_on), r.result_note, r.session_id,
                     r.position) for r in rows] == [
                (7, "reception_session", 1, "Hồ Tiến Chủ", "15/TB-UBND", "2026-03-04", 2, "2026-03-20",
                 "2026-03-18", "Đã trả lời", 1, 1),
                (8, "reception_session", 1, "Hồ Tiến Chủ", "15/TB-UBND", "2026-03-04", 1, "2026-03-25",
                 None, None, 1, 2)]
            assert "ra soat ho so boi thuong" in rows[0].search_folded and "15/tb-ubnd" in rows[0].search_folded
            # A directive made afterwards gets a new id (the PostgreSQL sequence moved past the copies).
            conn.execute(text(
                "INSERT INTO directives (issuer_agency_id, source, issued_on, content, assignee_agency_id, due_on, "
                "position) VALUES (1, 'chairman', '2026-03-05', 'Báo cáo', 2, '2026-03-30', 0)"))
            assert conn.execute(text("SELECT MAX(id) FROM directives")).scalar() == 9
        downgrade(revision="0009")
        with db.engine.begin() as conn:
            tasks = conn.execute(text(
                "SELECT id, session_id, status, done_on, result_note FROM session_tasks ORDER BY id")).all()
        assert [(t.id, t.session_id, t.status, t.done_on and str(t.done_on), t.result_note) for t in tasks] == [
            (7, 1, "done", "2026-03-18", "Đã trả lời"), (8, 1, "open", None, None)]
        db.engine.dispose()
