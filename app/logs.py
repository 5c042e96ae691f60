"""Application logging, with no personal data in it (docs/audit.md).

- One format, on stderr, at LOG_LEVEL (default WARNING), unless the server (gunicorn, pytest) has
  already given the root logger its handlers.
- SQL parameters are never written into log records or error messages (the engine option
  `hide_parameters`): an INSERT of a petition carries the citizen's name and ID number. Nor are
  result rows, which SQLAlchemy logs at DEBUG, nor the row values PostgreSQL puts in its error
  messages (cut from the record of an unhandled error).
- The development server's request lines lose their query string: a search box (`?q=`) may hold
  a name or an ID number. Gunicorn's access log needs the format given in docs/audit.md.
- LOG_FORMAT=json writes one JSON object per line (JsonFormatter), with the request id of the
  request being served; app/monitoring/requests.py adds one line per request (method, path
  without query string, status, duration) when LOG_REQUESTS is on (docs/deploy.md).
- Code logs ids and codes only — never a name, ID number, phone, e-mail or address;
  tests/functional/test_no_personal_data_in_logs.py walks the pages that show them and checks.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import traceback

from flask import Flask

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_QUERY = re.compile(r"\?.*?(?= HTTP/|\x1b|\"|$)", re.S)  # up to the protocol, a colour code or the quote


def _without_query(value):
    return _QUERY.sub("?…", value) if isinstance(value, str) else value


class DropQueryString(logging.Filter):
    """Cut the query string out of werkzeug's request lines ("GET /path?q=... HTTP/1.1" → "GET /path?…")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_without_query(a) for a in record.args)
        record.msg = _without_query(record.msg)
        return True


class NoResultRows(logging.Filter):
    """Drop SQLAlchemy's "Row (...)" records (logged at DEBUG): result rows hold names and ID numbers."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


# PostgreSQL puts the values of the offending row into its error messages ("Key (id_number)=(…)
# already exists", "Failing row contains (…)"), and so into the traceback of an unhandled error.
_PARENS = r"\((?:[^()]|\([^()]*\))*\)"  # (…) with one level of (…) inside
_DB_VALUES = [(re.compile(rf"(Key {_PARENS})={_PARENS}"), r"\1=(…)"),
              (re.compile(r"(Failing row contains) \(.*\)"), r"\1 (…)")]


def scrub_database_values(text: str) -> str:
    """The text with the row values of database error messages cut out."""
    for pattern, replacement in _DB_VALUES:
        text = pattern.sub(replacement, text)
    return text


class ScrubDatabaseValues(logging.Filter):
    """Cut row values out of a logged error and its traceback (the traceback is formatted here, once)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            record.exc_text = scrub_database_values("".join(traceback.format_exception(*record.exc_info)).rstrip())
            record.exc_info = None
        if isinstance(record.msg, str):
            record.msg = scrub_database_values(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(scrub_database_values(a) if isinstance(a, str) else a for a in record.args)
        return True


# Fields a record may carry (`extra=`) that the JSON line keeps; anything else stays out.
_JSON_EXTRA = ("method", "path", "status", "duration_ms", "endpoint")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and the request fields."""

    converter = time.gmtime  # UTC, as the trailing Z says

    def format(self, record: logging.LogRecord) -> str:
        from app.monitoring.requests import current_request_id

        line = {"ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        request_id = current_request_id()
        if request_id:
            line["request_id"] = request_id
        line.update({k: getattr(record, k) for k in _JSON_EXTRA if hasattr(record, k)})
        if record.exc_info:
            record.exc_text = record.exc_text or self.formatException(record.exc_info)
        if record.exc_text:
            line["exc"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def formatter_for(log_format: str | None) -> logging.Formatter:
    """The formatter of LOG_FORMAT: "json" or the plain text FORMAT."""
    return JsonFormatter() if (log_format or "").lower() == "json" else logging.Formatter(FORMAT)


def _add_filter(logger_name: str, kind: type[logging.Filter]) -> None:
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, kind) for f in logger.filters):
        logger.addFilter(kind())


def init_logging(app: Flask) -> None:
    """Configure logging for this process (once) and keep SQL parameters out of the logs."""
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"hide_parameters": True,
                                               **(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})}
    _add_filter("werkzeug", DropQueryString)
    _add_filter("sqlalchemy.engine.Engine", NoResultRows)  # the logger of an engine without `echo`
    _add_filter(app.logger.name, ScrubDatabaseValues)  # unhandled errors (app/errors.py)
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(formatter_for(os.environ.get("LOG_FORMAT", app.config.get("LOG_FORMAT"))))
        root.addHandler(handler)
        root.setLevel(os.environ.get("LOG_LEVEL", app.config.get("LOG_LEVEL", "WARNING")).upper())
        if logging.getLogger("sqlalchemy").level == logging.NOTSET:
            # At INFO SQLAlchemy would write every statement: only its warnings, unless asked for.
            logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
