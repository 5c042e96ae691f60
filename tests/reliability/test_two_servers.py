"""Two app servers side by side on one PostgreSQL database and one Redis (docs/deploy.md).

Each server is gunicorn with two workers in production configuration, sharing the secret key, the
database and Redis, as behind a load balancer that is not sticky. Both answer /healthz; citizens
open the form on one server and send it to the other; the tracking codes they get are distinct
and follow on without a gap; and the per-address submission limit is counted once for the site,
not once per server.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.petitions.models import Petition
from config import TestingConfig
from tests.conftest import REDIS_URL, hidden_fields, valid_petition_data
from tests.functional.test_rate_limit_workers import Gunicorn, _form_ids, _free_port, redis_prefix  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 10
EXTRA = 4


class AppServer(Gunicorn):
    """One of the two servers: `gunicorn --workers 2 wsgi:app`, settings shared with its twin."""

    def __init__(self, tmp_path: Path, name: str, shared_env: dict):  # noqa: D107 - replaces Gunicorn's
        self.port = _free_port()
        folder = tmp_path / name
        folder.mkdir()
        self.log = folder / "access.log"
        self.error_log = folder / "error.log"
        env = {**os.environ, **shared_env, "UPLOAD_ROOT": str(tmp_path / "uploads"),
               "INSTANCE_PATH": str(folder / "instance")}
        cmd = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{self.port}",
               "--access-logfile", str(self.log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
               "--error-logfile", str(self.error_log), "--timeout", "60", "wsgi:app"]
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def servers(live_app, tmp_path, redis_prefix):
    shared = {"APP_ENV": "production", "DATABASE_URL": live_app.config["SQLALCHEMY_DATABASE_URI"],
              "SECRET_KEY": uuid.uuid4().hex * 2, "IDENTITY_KEY": TestingConfig.IDENTITY_KEY,
              "REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": redis_prefix,
              "RATELIMIT_SUBMIT": f"{LIMIT} per minute", "MAIL_BACKEND": "console"}
    db.session.remove()
    pair = [AppServer(tmp_path, "a", shared), AppServer(tmp_path, "b", shared)]
    try:
        for server in pair:
            server.wait_ready(60)
        yield pair
    finally:
        for server in pair:
            server.stop()


def _open_form(server) -> tuple[str, dict]:
    status, headers, html = server.request("GET", "/petitions/new")
    assert status == 200
    cookies = [re.match(r"[^;]+", value).group(0) for value in headers.get_all("Set-Cookie") or []]
    return next(c for c in cookies if c.startswith("session=")), hidden_fields(html)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_two_servers_share_database_codes_and_rate_limits(servers):
    a, b = servers
    for server in servers:
        status, _headers, body = server.request("GET", "/healthz")
        assert status == 200 and '"status":"ok"' in body.replace(" ", "")

    ids = _form_ids()
    # Each citizen opens the form on one server and sends it to the other.
    citizens = [(server, other, *_open_form(server)) for server, other in [(a, b), (b, a)] * ((LIMIT + EXTRA) // 2)]

    def submit(citizen):
        _opened_on, sent_to, cookie, tokens = citizen
        status = sent_to.request("POST", "/petitions/new", body={**valid_petition_data(*ids), **tokens},
                                 cookie=cookie, pause=0.2)[0]
        return sent_to.port, status

    with ThreadPoolExecutor(max_workers=LIMIT + EXTRA) as pool:
        answers = list(pool.map(submit, citizens))
    statuses = sorted(status for _port, status in answers)
    # One limit for the site: ten made, four refused, whichever server they reached.
    assert statuses == [302] * LIMIT + [429] * EXTRA, answers
    assert {port for port, status in answers if status == 302} == {a.port, b.port}

    db.session.remove()
    codes = db.session.scalars(select(Petition.tracking_code)).all()
    assert len(codes) == LIMIT == len(set(codes))
    prefixes = {code.rsplit("-", 1)[0] for code in codes}
    assert len(prefixes) == 1  # one agency-year
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, LIMIT + 1))  # no collision, no gap
