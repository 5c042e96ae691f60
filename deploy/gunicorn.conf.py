"""Gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` (docs/deploy.md).

Every value can be changed from the environment (GUNICORN_*) without editing this file.
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers on the 2-core reference machine; more cores, more workers (2 × cores is the usual top).
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Threads let a worker serve another request while one waits on PostgreSQL or Redis.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
# Load the app once, before forking: a broken configuration stops the master, not each worker.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # uploads of ten 10 MB files on a slow line
graceful_timeout = 30
keepalive = 5  # behind nginx, which keeps its upstream connections
# A worker is replaced after this many requests: a slow leak never grows for long.
max_requests = 5000
max_requests_jitter = 500
# nginx already limits the request; these are the backstop.
limit_request_line = 8190
limit_request_fields = 100
# The proxy's X-Forwarded-* are believed from this address only (and TRUSTED_PROXY_COUNT for the app).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# %(U)s is the path WITHOUT the query string: a search (?q=) may hold a citizen's name (docs/audit.md).
access_log_format = os.environ.get(
    "GUNICORN_ACCESS_LOG_FORMAT",
    '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s')
proc_name = "don-thu-web"


# Python's cyclic garbage collector, tuned for request work: the objects loaded before the fork
# (the app, its templates and mappers) are frozen out of every collection, and the youngest
# generation is collected every GUNICORN_GC_THRESHOLD allocations instead of 700 — a page allocates
# tens of thousands of short-lived objects, and the default ran a collection every few hundred
# (about 15 % of a page's CPU time, bench/run.py). Memory held by cycles is still collected.
GC_THRESHOLD = int(os.environ.get("GUNICORN_GC_THRESHOLD", "10000"))


def post_fork(server, worker):
    """Each worker opens its own database connections: none may be shared across the fork."""
    import gc

    gc.freeze()
    if GC_THRESHOLD > 0:
        gc.set_threshold(GC_THRESHOLD, 10, 10)
    try:
        from app.extensions import db
        from wsgi import app

        with app.app_context():
            db.engine.dispose(close=False)
    except Exception:  # noqa: BLE001 - a worker without a preloaded app has nothing to dispose
        pass
