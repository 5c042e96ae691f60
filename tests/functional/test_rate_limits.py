"""Per-IP rate limits on submitting and tracking, in memory and on the real Redis."""
from __future__ import annotations

import pytest

from tests.conftest import REDIS_URL, require, valid_petition_data
from tests.functional.test_petition_form import count_petitions, open_form, post_form
from tests.functional.test_tracking import track


def _redis_ok() -> bool:
    if not REDIS_URL:
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:
        return False


@pytest.fixture(params=["memory", "redis"])
def app_overrides(request):
    storage = "memory://"
    if request.param == "redis":
        require(bool(REDIS_URL), "TEST_REDIS_URL is not set (rate limits on Redis)")
        require(_redis_ok(), "Redis at TEST_REDIS_URL is not reachable")
        storage = REDIS_URL
    return {
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_SUBMIT": "2 per hour",
        "RATELIMIT_TRACK": "3 per minute",
    }


@pytest.fixture(autouse=True)
def fresh_limits(app):
    """Each test starts with no recorded hits (the Redis server outlives tests)."""
    from app.extensions import limiter

    limiter.reset()
    yield
    limiter.reset()


def test_submissions_limited_per_ip(client, lang_son):
    for _ in range(2):
        tokens = open_form(client)
        assert post_form(client, tokens, valid_petition_data(*lang_son)).status_code == 302
    tokens = open_form(client)
    resp = post_form(client, tokens, valid_petition_data(*lang_son))
    assert resp.status_code == 429
    assert "Quá nhiều yêu cầu" in resp.get_data(as_text=True)
    assert count_petitions() == 2


def test_failed_validation_does_not_use_up_the_submission_limit(client, lang_son):
    tokens = open_form(client)
    for _ in range(3):
        assert post_form(client, tokens, valid_petition_data(*lang_son, title="")).status_code == 422
    assert post_form(client, tokens, valid_petition_data(*lang_son)).status_code == 302


def test_tracking_limited_per_ip(client):
    for _ in range(3):
        assert track(client, "BTCD-2026-000001", "AAAA-AAAA-AAAA").status_code == 422
    resp = track(client, "BTCD-2026-000001", "AAAA-AAAA-AAAA")
    assert resp.status_code == 429


def test_attempts_are_limited_whatever_their_outcome(app, client, lang_son):
    """Wrong inputs give their submission place back, but every POST counts as an attempt."""
    app.config["RATELIMIT_ATTEMPTS"] = "4 per hour"
    tokens = open_form(client)
    for _ in range(4):
        assert post_form(client, tokens, valid_petition_data(*lang_son, title="")).status_code == 422
    resp = post_form(client, tokens, valid_petition_data(*lang_son))
    assert resp.status_code == 429 and "Quá nhiều yêu cầu" in resp.get_data(as_text=True)
    assert count_petitions() == 0
