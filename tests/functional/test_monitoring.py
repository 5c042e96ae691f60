"""/healthz, /metrics and the JSON request log (docs/deploy.md), on SQLite and PostgreSQL."""
from __future__ import annotations

import io
import json
import logging
import time
import uuid

import pytest

from app import create_app
from app.logs import JsonFormatter
from tests.conftest import REDIS_URL, hidden_fields, make_config, require, valid_petition_data

OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


def _submit(client, lang_son, **overrides) -> None:
    tokens = hidden_fields(client.get("/petitions/new").get_data(as_text=True))
    resp = client.post("/petitions/new", data={**valid_petition_data(*lang_son, **overrides), **tokens})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]


def test_healthz_answers_ok_when_the_database_answers(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable():
    # A port nobody listens on: the load balancer must take this server out of rotation.
    app = create_app(make_config(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none"))
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    assert resp.json["status"] == "error"


def test_metrics_refused_from_outside_and_through_the_proxy(client):
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 403
    # From this machine, but relayed by the reverse proxy: someone outside asked.
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 403
    assert client.get("/metrics", environ_base=OUTSIDE, headers={"Authorization": "Bearer guess"}).status_code == 403


@pytest.fixture
def app_overrides():
    return {"METRICS_TOKEN": "scrape-secret-0123456789"}


def test_metrics_with_token_count_requests_and_petitions(client, lang_son):
    _submit(client, lang_son)
    client.get("/staff/petitions/999999")  # a redirect to sign-in: counted under its endpoint
    resp = client.get("/metrics", environ_base=OUTSIDE, headers={"Authorization": "Bearer scrape-secret-0123456789"})
    assert resp.status_code == 200
    assert resp.mimetype == "text/plain"
    body = resp.get_data(as_text=True)
    assert 'http_requests_total{endpoint="portal.new_petition",method="POST",status="302"} 1' in body
    assert 'http_requests_total{endpoint="petitions.detail",method="GET",status="302"} 1' in body
    assert 'http_request_duration_seconds_count{endpoint="portal.new_petition"} 2' in body  # GET and POST
    assert 'http_request_duration_seconds_bucket{endpoint="portal.new_petition",le="+Inf"} 2' in body
    assert 'petitions{status="received"} 1' in body
    assert "database_up 1" in body
    # Labels are endpoint names: no path with an id, no name the citizen typed.
    assert "999999" not in body and "Nguyễn" not in body


def test_metrics_in_redis_add_up_across_app_servers():
    require(bool(REDIS_URL), "TEST_REDIS_URL is not set (shared metrics)")
    import redis

    prefix = f"test-metrics-{uuid.uuid4().hex[:10]}:"
    config = make_config(METRICS_REDIS_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)
    first, second = create_app(config), create_app(config)
    try:
        first.test_client().get("/healthz")
        second.test_client().get("/healthz")
        second.test_client().get("/healthz")
        # Each process sends its figures once a second: the other server's are there within seconds.
        wanted = 'http_requests_total{endpoint="monitoring.healthz",method="GET",status="200"} 3'
        deadline = time.monotonic() + 5
        body = first.test_client().get("/metrics").get_data(as_text=True)
        while wanted not in body and time.monotonic() < deadline:
            time.sleep(0.2)
            body = first.test_client().get("/metrics").get_data(as_text=True)
        assert wanted in body
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        client.delete(f"{prefix}metrics:requests", f"{prefix}metrics:durations")


def test_metrics_go_to_redis_once_a_second_not_once_a_request():
    require(bool(REDIS_URL), "TEST_REDIS_URL is not set (shared metrics)")
    import redis

    prefix = f"test-metrics-{uuid.uuid4().hex[:10]}:"
    app = create_app(make_config(METRICS_REDIS_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix))
    client = redis.Redis.from_url(REDIS_URL)
    try:
        for _ in range(5):
            app.test_client().get("/healthz")
        # Just answered: counted in the process, not yet sent (the flusher waits its second first).
        assert not client.hgetall(f"{prefix}metrics:requests")
        deadline = time.monotonic() + 5
        while not client.hgetall(f"{prefix}metrics:requests") and time.monotonic() < deadline:
            time.sleep(0.1)
        sent = {k.decode(): int(v) for k, v in client.hgetall(f"{prefix}metrics:requests").items()}
        assert sent == {"monitoring.healthz|GET|200": 5}
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        client.delete(f"{prefix}metrics:requests", f"{prefix}metrics:durations")


def test_json_request_log_has_the_request_and_no_personal_data(app, lang_son):
    app.config["LOG_REQUESTS"] = True
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("app.request")
    logger.addHandler(handler)
    old_level, old_disabled = logger.level, logger.disabled
    logger.setLevel(logging.INFO)
    logger.disabled = False  # the migrations' logging.config (alembic.ini) disabled the loggers it found
    try:
        client = app.test_client()
        _submit(client, lang_son)
        client.get("/track?code=LS-2026-000001&q=Nguy%E1%BB%85n")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.disabled = old_disabled
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    posts = [line for line in lines if line.get("method") == "POST"]
    assert posts and posts[0]["path"] == "/petitions/new" and posts[0]["status"] == 302
    assert all(line["request_id"] and line["duration_ms"] >= 0 for line in lines)
    tracks = [line for line in lines if line.get("endpoint") == "portal.track"]
    assert tracks and tracks[0]["path"] == "/track"
    text = stream.getvalue()
    for secret in ("Nguyễn", "Nguy\\u1ec5n", "020085001234", "0912", "example.vn", "LS-2026-000001", "?"):
        assert secret not in text, secret
