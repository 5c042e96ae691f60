"""`/healthz` (is the database answering?) and `/metrics` (Prometheus, restricted).

Neither page shows personal data; both answer in plain machine formats and are not translated.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging

from flask import Blueprint, Response, abort, current_app, jsonify, request
from sqlalchemy import func, select, text

from app.extensions import db
from app.monitoring import metrics as m

bp = Blueprint("monitoring", __name__)
log = logging.getLogger(__name__)
# A request relayed by a proxy carries one of these: it comes from outside, whatever its address.
_FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


@bp.get("/healthz")
def healthz():
    """200 {"status": "ok"} when the database answers `SELECT 1`; 503 otherwise (take me out of rotation)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        db.session.rollback()
        log.warning("healthz: database unreachable (%s)", type(exc).__name__)
        return jsonify(status="error", database="unreachable"), 503
    finally:
        db.session.remove()
    return jsonify(status="ok", database="ok")


def is_metrics_allowed() -> bool:
    """From this machine directly (not through the proxy), or with the bearer token METRICS_TOKEN."""
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    environ = request.environ
    if any(environ.get(h) for h in _FORWARDED):
        return False
    # Behind ProxyFix remote_addr is the client's; the socket's own peer is kept here.
    peer = environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR", environ.get("REMOTE_ADDR"))
    try:
        return ipaddress.ip_address(peer or "").is_loopback
    except ValueError:
        return False


def _gauges() -> list[tuple[str, str, dict, float]]:
    """Figures read from the database at scrape time: petitions by status, the outbox queue."""
    from app.notifications.models import OutboxMessage
    from app.petitions.models import Petition

    gauges = []
    for status, count in db.session.execute(select(Petition.status, func.count()).group_by(Petition.status)):
        gauges.append(("petitions", "Petitions by status.", {"status": status}, count))
    for status, count in db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)):
        gauges.append(("outbox_messages", "Outbox messages by status (pending = the queue).", {"status": status}, count))
    return gauges


@bp.get("/metrics")
def metrics():
    """The Prometheus text format; 403 unless is_metrics_allowed()."""
    if not is_metrics_allowed():
        abort(403)
    requests, durations = current_app.extensions["metrics"].snapshot()
    try:
        gauges = [("database_up", "1 when the database answered this scrape.", {}, 1), *_gauges()]
    except Exception as exc:  # noqa: BLE001 - the request figures are still worth having
        db.session.rollback()
        log.warning("metrics: database unreachable (%s)", type(exc).__name__)
        gauges = [("database_up", "1 when the database answered this scrape.", {}, 0)]
    finally:
        db.session.remove()
    return Response(m.render(requests, durations, gauges), mimetype="text/plain; version=0.0.4")
