"""Search boxes of the staff lists: what is typed never goes into a URL (docs/audit.md, "Personal
data in logs and URLs").

A citizen's name typed into a list's search box would otherwise sit in the address bar, the
browser's history, the proxy's access log and every pagination, tab and export link. Instead:

- the list's filter form is sent by POST (with the page's CSRF token, checked by CSRFProtect) to
  the list's own address; the typed term is kept in the session, sealed (app.crypto.seal: Flask's
  cookie is signed, not encrypted), under a short random handle, and the browser is sent (303) to
  the GET list with the other filters as usual and `s=<handle>`;
- a GET resolves `s` back to the term (`args()`), so links built from the query string carry the
  handle, never the term; an unknown or expired handle drops the term, with a notice;
- a GET still carrying the term (`?q=…`, an old bookmark) is sent on at once the same way.

Only the last MAX_HANDLES terms of a session are kept, so the cookie stays small; signing out
clears the session, and with it every handle.

    @bp.route("/", methods=["GET", "POST"])
    @staff_required(Permission.X_READ)
    @listsearch.searchable()                      # the term's field: "q"
    def index():
        form = FilterForm(listsearch.args())      # the query string, with the term in place of `s`

A GET view reading the same filters (an export) takes `@listsearch.searchable(list_endpoint=…)`:
with an unknown handle it sends the user back to the list rather than export everything.
"""
from __future__ import annotations

import secrets
from functools import wraps
from urllib.parse import urlencode

from flask import flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.crypto import seal, unseal

HANDLE_ARG = "s"
SESSION_KEY = "list_searches"
MAX_HANDLES = 20
# Longer than any search field accepts (the form still says "too long"), short enough that twenty
# terms and the rest of the session stay well under a cookie's 4 KB.
MAX_TERM = 250
MAX_TOTAL_CHARS = 1200
# A staff session ends after 8 hours (STAFF_ABSOLUTE_TIMEOUT_HOURS); a handle never outlives it.
MAX_AGE_SECONDS = 12 * 3600
# Never copied from a posted filter form into the list's address.
NOT_FILTERS = {"csrf_token", "page", HANDLE_ARG}


# --- the handles ------------------------------------------------------------------------------

def _entries() -> list[list[str]]:
    """[handle, term] pairs of this session, oldest first ([] when missing, tampered or expired)."""
    sealed = unseal(session.get(SESSION_KEY), MAX_AGE_SECONDS)
    entries = sealed.get("h") if isinstance(sealed, dict) else None
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)]


def remember(term: str) -> str:
    """Keep a typed term in the session; return its handle (the same handle for the same term)."""
    term = term[:MAX_TERM]
    entries = _entries()
    handle = next((h for h, t in entries if t == term), None) or secrets.token_urlsafe(6)
    entries = [e for e in entries if e[0] != handle] + [[handle, term]]
    while len(entries) > MAX_HANDLES or (len(entries) > 1 and sum(len(t) for _h, t in entries) > MAX_TOTAL_CHARS):
        entries.pop(0)
    session[SESSION_KEY] = seal({"h": entries})
    return handle


def recall(handle: str | None) -> str | None:
    """The term kept under a handle in this session, or None."""
    if not handle:
        return None
    return next((t for h, t in _entries() if h == handle), None)


# --- the views --------------------------------------------------------------------------------

def _list_url(endpoint: str, pairs: list[tuple[str, str]]) -> str:
    """The endpoint's address (this request's path arguments if it is this view) with a query string."""
    url = url_for(endpoint, **(request.view_args or {})) if endpoint == request.endpoint else url_for(endpoint)
    return f"{url}?{urlencode(pairs)}" if pairs else url


def _send_on(source: MultiDict, field: str, *, endpoint: str, keep_empty: bool):
    """303 to the GET list: every filter of `source` but the term, which becomes `s=<handle>`."""
    pairs = [(k, v) for k, v in source.items(multi=True)
             if k != field and k not in NOT_FILTERS and (keep_empty or v != "")]
    if keep_empty and "page" in source:  # an old bookmark keeps its page; a new search starts at 1
        pairs.append(("page", source["page"]))
    term = source.get(field, "")
    if term.strip():
        pairs.append((HANDLE_ARG, remember(term)))
    return redirect(_list_url(endpoint, pairs), 303)


def searchable(field: str = "q", *, list_endpoint: str | None = None):
    """Decorate a list view (routed for GET and POST) or a GET view reading its filters.

    POST: the filter form → 303 to the GET list with `s`. GET with `field` in the query string →
    303 to the same address without it, with `s`. GET with an unknown `s` → 303 to the list
    (`list_endpoint`, or this view) without it, and a notice. Otherwise the view runs; it reads
    its filters from `args()`.
    """
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.list_search_field = field
            if request.method == "POST":
                return _send_on(request.form, field, endpoint=request.endpoint, keep_empty=False)
            if field in request.args:
                return _send_on(request.args, field, endpoint=request.endpoint, keep_empty=True)
            handle = request.args.get(HANDLE_ARG)
            if handle is not None and recall(handle) is None:
                flash(_("Từ tìm kiếm trước đây không còn lưu nên danh sách đang hiện không lọc theo từ đó. "
                        "Hãy nhập lại từ cần tìm."), "info")
                pairs = [(k, v) for k, v in request.args.items(multi=True) if k != HANDLE_ARG]
                return redirect(_list_url(list_endpoint or request.endpoint, pairs), 303)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def args() -> MultiDict:
    """The query string as the list's filter form reads it: the term (from `s`) back in its field."""
    out = request.args.copy()
    term = recall(out.pop(HANDLE_ARG, None))
    if term is not None:
        out[g.get("list_search_field", "q")] = term
    return out
