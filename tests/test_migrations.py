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
