"""Security headers applied to every response, and the reverse-proxy setting they rely on.

- Content-Security-Policy: scripts, styles, fonts and images from this site only; templates
  hold no inline script or style, so nothing needs `unsafe-inline`; no framing
  (`frame-ancestors 'none'`, and `X-Frame-Options: DENY` for old browsers).
- `X-Content-Type-Options: nosniff`: a download is never reinterpreted as HTML or script.
- `Referrer-Policy: same-origin`: no address of this site (a tracking code in `/track?code=`)
  ever leaves it. `no-referrer` would be stricter but breaks every form over HTTPS: Flask-WTF
  compares the Referer with the host on HTTPS requests (WTF_CSRF_SSL_STRICT).
- `Cache-Control: no-store` on every page and download (they show codes, keys, personal data);
  always on `/staff`, and by default elsewhere (the public statistics set their own).
- HSTS in production only (`HSTS_MAX_AGE`, 0 elsewhere: development is plain HTTP).

Requests: NUL characters are dropped from query and form parameters (SafeRequest); an id in a
URL larger than any id can be is a 404 (IdConverter).
"""
from __future__ import annotations

from flask import Flask, Request, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.validators import MAX_ID

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
REFERRER_POLICY = "same-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class NulFreeParameters(ImmutableMultiDict):
    """Query and form parameters without NUL characters.

    Nobody types U+0000, PostgreSQL refuses it in text (a query with one fails with a server
    error), and SQLite would store it: it is dropped on arrival, before any form or view sees it
    (found by tests/fuzz). Uploaded files pass through untouched.
    """

    def __init__(self, mapping=None):
        if isinstance(mapping, MultiDict):
            pairs = list(mapping.items(multi=True))
        elif isinstance(mapping, dict):
            pairs = [(k, v) for k, vs in mapping.items() for v in (vs if isinstance(vs, (list, tuple)) else [vs])]
        else:
            pairs = list(mapping or ())
        super().__init__([(_drop_nul(k), _drop_nul(v)) for k, v in pairs])


def _drop_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class IdConverter(IntegerConverter):
    """The `int` URL converter with an upper bound: ids are INTEGER columns (app.validators.MAX_ID),
    and a larger number would fail in the database (PostgreSQL: "integer out of range")."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class SafeRequest(Request):
    """The request class of the app: parameters without NUL characters."""

    parameter_storage_class = NulFreeParameters


def init_security(app: Flask) -> None:
    """Clean parameters, trust the configured number of proxies, and set the headers on every response."""
    app.request_class = SafeRequest
    proxies = app.config.get("TRUSTED_PROXY_COUNT") or 0
    if proxies:
        # Rate limits and logs then see the citizen's address, not the proxy's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", REFERRER_POLICY)
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.path.startswith("/staff"):
            # Staff pages and files: never in any cache, whatever a view or send_file chose.
            headers["Cache-Control"] = "no-store"
            headers.pop("Expires", None)
        elif not request.path.startswith("/static/"):
            # Public pages may show a tracking code and an access key: never keep them in caches.
            headers.setdefault("Cache-Control", "no-store")
        hsts = app.config.get("HSTS_MAX_AGE") or 0
        if hsts:
            headers.setdefault("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains")
        return response
