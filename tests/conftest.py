"""Test fixtures: the app on SQLite (a fresh database per test) and on PostgreSQL.

- SQLite: the schema is built once by the real migrations, with reference and demo data,
  into a template file; each test gets its own copy.
- PostgreSQL (when TEST_DATABASE_URL is set): a database created for this run, migrated and
  seeded once; each test runs inside a transaction that is rolled back
  (join_transaction_mode="create_savepoint"). Tests that need real commits from several
  threads (`live_app`) commit for real and the non-reference tables are emptied afterwards.
- With CI=true a missing PostgreSQL, Redis or Chromium fails the run instead of skipping.
"""
from __future__ import annotations

import contextvars
import os
import re
import shutil
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import scoped_session, sessionmaker
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id

from app import create_app
from config import TestingConfig

CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
REFERENCE_TABLES = {"admin_units", "agencies", "content_categories", "deadline_rules", "calendar_overrides",
                    "alembic_version"}


def require(condition: bool, reason: str) -> None:
    """Skip when a real dependency is missing — or fail, when running in CI."""
    if condition:
        return
    if CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def make_config(**overrides):
    """A TestingConfig subclass with overrides (create_app takes a class)."""
    return type("TestConfig", (TestingConfig,), overrides)


def build_database(url: str, upload_root: str) -> None:
    """Run the real migrations on an empty database and load reference and demo data."""
    from flask_migrate import upgrade

    from app.agencies.seed import load_admin_units, load_demo_agencies
    from app.calendar.seed import load_rules
    from app.extensions import db
    from app.petitions.seed import load_categories
    from app.reception.seed import load_duty_rules

    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=url, UPLOAD_ROOT=upload_root))
    with app.app_context():
        upgrade()
        load_admin_units()
        load_categories()
        load_rules()
        load_duty_rules()
        load_demo_agencies()
        db.session.commit()
        db.engine.dispose()


# --- session-wide databases -------------------------------------------------------------------

@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated and seeded SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    build_database(f"sqlite:///{path}", str(path.parent / "uploads"))
    return path


def _admin_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=False)


def create_pg_database(prefix: str) -> str:
    """Create a new, empty PostgreSQL database on the TEST_DATABASE_URL server; return its URL."""
    base = make_url(PG_URL)
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    engine = create_engine(_admin_url(PG_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    """Drop a database made by create_pg_database."""
    name = make_url(url).database
    engine = create_engine(_admin_url(PG_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _pg_reachable() -> bool:
    if not PG_URL:
        return False
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_database(tmp_path_factory):
    """A PostgreSQL database for this run, migrated and seeded once."""
    require(bool(PG_URL), "TEST_DATABASE_URL is not set (PostgreSQL tests)")
    require(_pg_reachable(), "PostgreSQL at TEST_DATABASE_URL is not reachable")
    url = create_pg_database("dt_test")
    build_database(url, str(tmp_path_factory.mktemp("pg-uploads")))
    yield url
    drop_pg_database(url)


# --- per-test application ---------------------------------------------------------------------

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """Every test using the app runs on SQLite and on PostgreSQL."""
    return request.param


class IsolatedClient(FlaskClient):
    """A test client whose requests run in an empty context, as in production.

    The test itself holds an app context (for its own database work); without this, every
    request would reuse it and share `g` — the signed-in user, the CSRF token, the language —
    with the test and with other clients.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def _make_app(backend, request, tmp_path, **overrides):
    uploads = str(tmp_path / "uploads")
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        dbfile = tmp_path / "test.db"
        shutil.copy(template, dbfile)
        url = f"sqlite:///{dbfile}"
    else:
        url = request.getfixturevalue("pg_database")
    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=url, UPLOAD_ROOT=uploads, **overrides))
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app_overrides() -> dict:
    """Configuration overrides for the `app` fixture (override in a test module)."""
    return {}


@pytest.fixture
def app(backend, request, tmp_path, app_overrides):
    """The application with a clean database for this test."""
    from app.extensions import db

    app = _make_app(backend, request, tmp_path, **app_overrides)
    if backend == "sqlite":
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
        return
    # PostgreSQL: everything the test does happens in one outer transaction, rolled back.
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original_session = db.session
        # A plain SQLAlchemy session bound to the connection: Flask-SQLAlchemy's own Session
        # picks the engine by table and would bypass the outer transaction.
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        try:
            yield app
        finally:
            db.session.remove()
            db.session = original_session
            outer.rollback()
            connection.close()
            db.engine.dispose()


@pytest.fixture
def live_app(backend, request, tmp_path, app_overrides):
    """The application with real commits (threads, browser); PostgreSQL tables emptied after."""
    from app.extensions import db

    app = _make_app(backend, request, tmp_path, **app_overrides)
    with app.app_context():
        yield app
        db.session.remove()
        if backend == "postgresql":
            tables = [t.name for t in db.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
                # The numbering sequences of app/counters.py go with the rows they numbered.
                for (name,) in conn.execute(text(
                        "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() "
                        "AND sequencename LIKE 'counter\\_%'")):
                    conn.execute(text(f'DROP SEQUENCE "{name}"'))
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client (CSRF on, as in production)."""
    return app.test_client()


# --- helpers ----------------------------------------------------------------------------------

HIDDEN_RE = re.compile(r'<input[^>]*name="(csrf_token|form_token)"[^>]*value="([^"]*)"')
HIDDEN_RE_REV = re.compile(r'<input[^>]*value="([^"]*)"[^>]*name="(csrf_token|form_token)"')


def hidden_fields(html: str) -> dict:
    """csrf_token and form_token values found in a page."""
    found = {name: value for name, value in HIDDEN_RE.findall(html)}
    found.update({name: value for value, name in HIDDEN_RE_REV.findall(html)})
    return found


@pytest.fixture
def lang_son(app):
    """Ids of the demo province (Lạng Sơn) and one of its communes."""
    from sqlalchemy import select

    from app.agencies.models import AdminUnit
    from app.extensions import db

    province = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "province", AdminUnit.code == "20")).one()
    commune = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "commune", AdminUnit.code == "6193")).one()
    return province.id, commune.id


def valid_petition_data(province_id: int, commune_id: int, **overrides) -> dict:
    """Form data of a valid complaint; override any field."""
    data = {
        "kind": "complaint",
        "full_name": "Nguyễn Văn An",
        "id_number": "020085001234",
        "phone": "0912 345 678",
        "email": "an.nguyen@example.vn",
        "province": str(province_id),
        "commune": str(commune_id),
        "address": "Thôn Bản Làn",
        "respondent": "Ủy ban nhân dân xã Cao Lộc",
        "title": "Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND",
        "content": "Gia đình tôi bị thu hồi 300 m2 đất nông nghiệp nhưng mức bồi thường thấp hơn giá thị trường.",
        "request_text": "Đề nghị xem xét lại mức bồi thường.",
        "previously_handled": "no",
        "declaration": "y",
        "addressed_agency": "",
        "website": "",
    }
    data.update(overrides)
    return data


# --- browser ----------------------------------------------------------------------------------

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    require(exe is not None, "Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(live_app):
    """Serve live_app on a free local port in a thread; yield its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def phone_page(browser):
    """A page the size of a 360 px phone screen."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


# --- staff ------------------------------------------------------------------------------------

STAFF_PASSWORD = "mat-khau-th3-nghiem"


def make_user(role: str, agency_code: str = "TTLS", email: str | None = None, full_name: str | None = None):
    """Create a staff user (committed) in the agency with this code."""
    from sqlalchemy import select

    from app.agencies.models import Agency
    from app.auth import services as auth_services
    from app.extensions import db

    agency = db.session.scalars(select(Agency).where(Agency.code == agency_code)).one()
    email = email or f"{role}.{agency_code.lower()}.{uuid.uuid4().hex[:6]}@example.vn"
    user, _ = auth_services.create_user(email=email, full_name=full_name or f"{role.title()} {agency_code}",
                                        role=role, agency_id=agency.id, password=STAFF_PASSWORD,
                                        actor_label="test")
    db.session.commit()
    return user


def sign_in(client, user, password: str = STAFF_PASSWORD):
    """Sign in through the real login form; return the response."""
    page = client.get("/staff/login")
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    return client.post("/staff/login", data={"csrf_token": token, "email": user.email, "password": password})


@pytest.fixture
def login_as(app):
    """login_as(role, agency_code="TTLS") → (client, user): a new client signed in as a new user."""

    def _login(role: str, agency_code: str = "TTLS", **kwargs):
        user = make_user(role, agency_code, **kwargs)
        client = app.test_client()
        resp = sign_in(client, user)
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return client, user

    return _login


def csrf_of(client, url: str) -> str:
    """The CSRF token from a page."""
    return hidden_fields(client.get(url).get_data(as_text=True))["csrf_token"]


def search(client, url: str, data: dict, *, follow_redirects: bool = True):
    """Send a staff list's filter form as a browser does: a POST to the list with the page's CSRF
    token. The list answers 303 to its GET address with the search term kept under a handle (`s=`),
    never in the URL (app.listsearch); the final page is returned (or the 303)."""
    return client.post(url, data={"csrf_token": csrf_of(client, url), **data}, follow_redirects=follow_redirects)
