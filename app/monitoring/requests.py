"""Per-request bookkeeping: a request id, the metrics, and one structured log line.

The log line (logger `app.request`, INFO) holds the request id, method, path — never the query
string, which may hold what a citizen typed —, status, duration and endpoint. With LOG_FORMAT=json
it is one JSON object per line (app/logs.py); it is written only when LOG_REQUESTS is on
(production default: on with LOG_FORMAT=json), so that it does not double gunicorn's access log.
"""
from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, g, request

from app.monitoring.metrics import MemoryMetrics, RedisMetrics

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_log = logging.getLogger("app.request")


def current_request_id() -> str | None:
    """The id of the request being served (None outside a request)."""
    try:
        return g.get("request_id")
    except RuntimeError:
        return None


def init_requests(app: Flask) -> None:
    """Attach the request id, the metrics store and the request log to the app."""
    url = app.config.get("METRICS_REDIS_URL")
    app.extensions["metrics"] = RedisMetrics(url, app.config.get("RATELIMIT_KEY_PREFIX") or "") if url else MemoryMetrics()
    if app.config.get("LOG_REQUESTS"):
        request_log.setLevel(logging.INFO)

    @app.before_request
    def _start():
        # The proxy's id (nginx $request_id) when it looks like one, so the two logs join up.
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        started = g.pop("request_started", None)
        if started is None:
            return response
        seconds = time.perf_counter() - started
        endpoint = request.url_rule.endpoint if request.url_rule is not None else "unmatched"
        app.extensions["metrics"].observe(endpoint, request.method, response.status_code, seconds)
        response.headers["X-Request-ID"] = g.request_id
        if app.config.get("LOG_REQUESTS"):
            request_log.info("%s %s %s %.1fms", request.method, request.path, response.status_code, seconds * 1000,
                             extra={"method": request.method, "path": request.path, "status": response.status_code,
                                    "duration_ms": round(seconds * 1000, 1), "endpoint": endpoint})
        return response
