"""The app as production serves it, plus the ceiling: a bare Flask route returning a constant.

`gunicorn -c deploy/gunicorn.conf.py bench.wsgi:application` serves both from the same workers,
so each figure of a run can be divided by what Flask and gunicorn alone manage on this machine.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from wsgi import app

bare = Flask("bare")


@bare.get("/")
def constant():
    """The ceiling: no database, no session, no template."""
    return "ok"


application = DispatcherMiddleware(app, {"/__bare": bare})
