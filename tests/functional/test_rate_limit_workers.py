"""The submission limit holds across workers: the real app under gunicorn with two worker
processes, the rate-limit counters in the real Redis, the database on SQLite and PostgreSQL.

Eight citizens' forms from one address are sent at once with RATELIMIT_SUBMIT = 5 per minute:
exactly five petitions are made and three requests get 429, and the access log shows that both
workers served them.
"""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.agencies.models import AdminUnit
from app.extensions import db
from app.petitions.models import Petition
from config import TestingConfig
from tests.conftest import REDIS_URL, hidden_fields, require, valid_petition_data
from tests.functional.test_rate_limits import _redis_ok

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 5
EXTRA = 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn --workers 2 wsgi:app` in production configuration, on a free port."""

    def __init__(self, tmp_path: Path, database_url: str, prefix: str):
        self.port = _free_port()
        self.log = tmp_path / "access.log"
        env = {
            **os.environ,
            "APP_ENV": "production",
            "DATABASE_URL": database_url,
            "SECRET_KEY": uuid.uuid4().hex * 2,
            "IDENTITY_KEY": TestingConfig.IDENTITY_KEY,
            "REDIS_URL": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": prefix,
            "RATELIMIT_SUBMIT": f"{LIMIT} per minute",
            "UPLOAD_ROOT": str(tmp_path / "uploads"),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "MAIL_BACKEND": "console",
        }
        cmd = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{self.port}",
               "--access-logfile", str(self.log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
               "--error-logfile", str(tmp_path / "error.log"), "--timeout", "60", "wsgi:app"]
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.error_log = tmp_path / "error.log"

    def wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("gunicorn stopped:\n" + self.error_log.read_text(errors="replace")[-3000:])
            try:
                if self.request("GET", "/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not answer in time")

    def request(self, method: str, path: str, body: dict | None = None, cookie: str | None = None,
                pause: float = 0.0):
        """(status, headers, text) of one request on a new connection.

        With `pause`, the rest of the request follows its first line after that long: the worker
        that took the connection waits for it, so a connection made meanwhile goes to the other.
        """
        data = urllib.parse.urlencode(body).encode() if body is not None else b""
        headers = {"Host": f"127.0.0.1:{self.port}", "Connection": "close", "Content-Length": str(len(data))}
        if cookie:
            headers["Cookie"] = cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        rest = "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode() + b"\r\n" + data
        with socket.create_connection(("127.0.0.1", self.port), timeout=60) as sock:
            sock.sendall(f"{method} {path} HTTP/1.1\r\n".encode())
            if pause:
                time.sleep(pause)
            sock.sendall(rest)
            resp = http.client.HTTPResponse(sock, method=method)
            resp.begin()
            try:
                return resp.status, resp.headers, resp.read().decode("utf-8", "replace")
            finally:
                resp.close()

    def wait_for_both_workers(self, seconds: float = 60) -> None:
        """Pairs of slow requests until each worker has answered one (a worker loads the app after it starts)."""
        deadline = time.monotonic() + seconds
        with ThreadPoolExecutor(max_workers=2) as pool:
            while len(self.worker_pids("GET", "/")) < 2:
                assert time.monotonic() < deadline, "the second gunicorn worker never answered"
                list(pool.map(lambda _: self.request("GET", "/", pause=0.3), range(2)))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self, method: str, path: str) -> set[str]:
        """The worker processes that served these requests (from the access log)."""
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        return {line.split()[0] for line in lines if line.split()[1:3] == [method, path]}


@pytest.fixture
def redis_prefix():
    """A key prefix of this run only; its keys are removed afterwards."""
    require(bool(REDIS_URL), "TEST_REDIS_URL is not set (rate limits across workers)")
    require(_redis_ok(), "Redis at TEST_REDIS_URL is not reachable")
    import redis

    prefix = f"test-workers-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"*{prefix}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def server(live_app, tmp_path, redis_prefix):
    url = live_app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()
    gunicorn = Gunicorn(tmp_path, url, redis_prefix)
    try:
        gunicorn.wait_ready()
        gunicorn.wait_for_both_workers()
        yield gunicorn
    finally:
        gunicorn.stop()


def _form_ids() -> tuple[int, int]:
    province = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "province", AdminUnit.code == "20")).one()
    commune = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "commune", AdminUnit.code == "6193")).one()
    return province.id, commune.id


def _open_form(server: Gunicorn) -> tuple[str, dict]:
    """A citizen opens the form: (session cookie, hidden fields)."""
    status, headers, html = server.request("GET", "/petitions/new")
    assert status == 200
    cookies = [re.match(r"[^;]+", value).group(0) for value in headers.get_all("Set-Cookie") or []]
    cookie = next(c for c in cookies if c.startswith("session="))
    return cookie, hidden_fields(html)


def test_submission_limit_holds_across_two_workers(server):
    ids = _form_ids()
    citizens = [_open_form(server) for _ in range(LIMIT + EXTRA)]

    def submit(citizen):
        cookie, tokens = citizen
        return server.request("POST", "/petitions/new", body={**valid_petition_data(*ids), **tokens},
                              cookie=cookie, pause=0.3)[0]

    with ThreadPoolExecutor(max_workers=LIMIT + EXTRA) as pool:
        statuses = list(pool.map(submit, citizens))
    assert sorted(statuses) == [302] * LIMIT + [429] * EXTRA, statuses
    db.session.remove()
    assert db.session.scalar(select(func.count(Petition.id))) == LIMIT
    # Both worker processes took part: only the counter they share in Redis can stop at five.
    assert len(server.worker_pids("POST", "/petitions/new")) == 2
