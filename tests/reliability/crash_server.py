"""The WSGI app the crash tests serve with gunicorn (`crash_server:make_app()`): the real app on the
test's database and upload root (from the environment), with one hook. A petition whose title
holds PAUSE_MARK stops after its files are written and its rows flushed, before the commit, and
says so in a marker file: the test then kills the server at exactly that moment.

Importing this module changes nothing; only make_app(), run in the server process, installs the hook.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_MARK = "[tam-dung]"


def make_app():
    """The app for gunicorn, with the pause hook."""
    from app import create_app
    from app.petitions import services
    from config import TestingConfig

    submit = services.submit_online_petition

    def submit_then_pause(draft, **kwargs):
        result = submit(draft, **kwargs)
        if PAUSE_MARK in draft.title:
            Path(os.environ["CRASH_MARKER"]).write_text(str(os.getpid()))
            time.sleep(600)  # killed long before
        return result

    services.submit_online_petition = submit_then_pause
    config = type("CrashConfig", (TestingConfig,), {
        "TESTING": False,  # errors as in production
        "SQLALCHEMY_DATABASE_URI": os.environ["CRASH_DATABASE_URL"],
        "UPLOAD_ROOT": os.environ["CRASH_UPLOAD_ROOT"],
        "RATELIMIT_ENABLED": False,
    })
    return create_app(config)
