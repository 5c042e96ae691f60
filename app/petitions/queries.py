"""Read side of petitions: the inbox (scoped in SQL), tab counts, duplicates, timelines."""
from __future__ import annotations

import math
import re
import time as time_
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from rapidfuzz import fuzz, process
from flask import current_app
from sqlalchemy import Select, false, func, literal, or_, select
from sqlalchemy.orm import selectinload

from app import search
from app.audit.models import Event
from app.auth.scope import visible_agency_ids
from app.extensions import db
from app.formatting import LOCAL_TZ, local_today
from app.petitions.models import CLOSED_STATES, OPEN_STATES, Petition, Petitioner, PetitionStatus
from app.text import fold
from app.validators import normalize_cccd, normalize_phone

PAGE_SIZE = 25

TABS = {
    "open": [s.value for s in OPEN_STATES],
    "waiting": [PetitionStatus.PROPOSED.value],
    "done": [s.value for s in CLOSED_STATES],
    "all": [s.value for s in PetitionStatus],
}
SORTS = {
    "received_desc": (Petition.received_at.desc(), Petition.id.desc()),
    "received_asc": (Petition.received_at.asc(), Petition.id.asc()),
    "due_asc": (Petition.due_date.asc().nulls_last(), Petition.id.asc()),
}


@dataclass
class InboxFilters:
    """What the inbox is filtered and sorted by (all optional)."""

    tab: str = "open"
    kind: str | None = None
    category_id: int | None = None
    channel: str | None = None
    status: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    due_within: int | None = None
    overdue: bool = False
    handler_id: int | None = None
    q: str | None = None
    sort: str = "received_desc"
    page: int = 1


class Count(int):
    """A number of rows counted up to a cap: with `more`, there are more rows than that ("10.000+")."""

    more: bool

    def __new__(cls, value: int, more: bool = False):
        obj = super().__new__(cls, value)
        obj.more = more
        return obj

    def __str__(self) -> str:
        from app.formatting import format_number

        return format_number(int(self)) + ("+" if self.more else "")


@dataclass
class Page:
    """One page of results; a `Count` total with `more` is a lower bound."""

    items: list
    total: int
    page: int
    per_page: int = PAGE_SIZE
    pages: int = field(init=False)

    @property
    def more(self) -> bool:
        return bool(getattr(self.total, "more", False))

    def __post_init__(self):
        self.pages = max(1, math.ceil(self.total / self.per_page))
        if self.more and len(self.items) == self.per_page:  # counted up to a cap: a full page may have a next
            self.pages = max(self.pages, self.page + 1)


def scoped(user) -> Select:
    """Petitions the user may see: their agency's, or the subtree's for a supervisor."""
    return select(Petition).where(Petition.agency_id.in_(visible_agency_ids(user)))


def get_for_user(user, petition_id: int) -> Petition | None:
    """A petition within the user's scope, or None (the view answers 404)."""
    return db.session.scalars(scoped(user).where(Petition.id == petition_id)).first()


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def _apply_filters(stmt: Select, f: InboxFilters, today: date) -> Select:
    if f.kind:
        stmt = stmt.where(Petition.kind == f.kind)
    if f.category_id:
        stmt = stmt.where(Petition.category_id == f.category_id)
    if f.channel:
        stmt = stmt.where(Petition.channel == f.channel)
    if f.status:
        stmt = stmt.where(Petition.status == f.status)
    if f.received_from:
        stmt = stmt.where(Petition.received_at >= _local_start(f.received_from))
    if f.received_to:
        stmt = stmt.where(Petition.received_at < _local_start(f.received_to + timedelta(days=1)))
    open_values = [s.value for s in OPEN_STATES]
    if f.due_within is not None:
        # Falls due in the next N days (the overdue ones have their own filter).
        stmt = stmt.where(Petition.status.in_(open_values), Petition.due_date >= today,
                          Petition.due_date <= today + timedelta(days=f.due_within))
    if f.overdue:
        stmt = stmt.where(Petition.status.in_(open_values), Petition.due_date < today)
    if f.handler_id:
        stmt = stmt.where(Petition.handler_id == f.handler_id)
    return stmt


_TRACKING_CODE = re.compile(r"^[A-Za-z0-9]{2,12}-\d{4}-\d{1,9}$")
_NUMBER = re.compile(r"^\+?[\d .-]{9,}$")


def _search_clause(q: str, *, scan: bool = False):
    """Tracking code, ID number, phone, or words of names and content (with or without diacritics,
    app.search; a protected denunciator's name is not in the indexed text).

    Each form of what was typed gets a condition an index answers: a code compares the unique code
    (stored upper-case), a number looks up petitioners by ID number and phone, words go to the search
    index. (An `OR id IN (subquery)` over every row made PostgreSQL read the whole table.)
    """
    found = search.match("petition", q, scan=scan)
    text_match = found.clause if found is not None else false()
    if _TRACKING_CODE.match(q):
        return or_(Petition.tracking_code == q.upper(), text_match)
    if _NUMBER.match(q):
        people = select(Petitioner.petition_id).where(
            or_(Petitioner.id_number == normalize_cccd(q), Petitioner.phone == normalize_phone(q)))
        if scan:  # rows walked one by one: the person look-up is one indexed subquery beside the text
            return or_(Petition.id.in_(people), text_match)
        return Petition.id.in_(people.union(select(Petition.id).where(text_match)))
    return text_match


def _search_rank(q: str | None) -> list:
    """With a search, the rows matching it with their diacritics come first (app.search)."""
    found = search.match("petition", q.strip()) if q and q.strip() else None
    return [found.rank.desc()] if found is not None else []


def capped_count(stmt: Select, cap: int) -> Count:
    """The rows of `stmt` counted up to `cap` (`more` when there are more).

    Counting every one of a million rows costs seconds on each page view; a list says "more than
    10.000" instead (LIST_COUNT_CAP).
    """
    inner = stmt.with_only_columns(literal(1)).order_by(None).limit(cap + 1).subquery()
    n = db.session.scalar(select(func.count()).select_from(inner))
    return Count(min(n, cap), n > cap)


def _count_cap() -> int:
    return current_app.config["LIST_COUNT_CAP"]


def inbox(user, f: InboxFilters, *, today: date | None = None) -> Page:
    """The filtered, sorted page of the inbox.

    With a search, the matches are ranked (exact diacritics first) among the first
    SEARCH_RANK_CAP of them in the chosen order; past that the page says there are more and asks
    for a narrower search — ranking every "nguyen van" of a million petitions would take seconds.
    """
    today = today or local_today()
    stmt = _apply_filters(scoped(user).where(Petition.status.in_(TABS.get(f.tab, TABS["open"]))), f, today)
    order = SORTS.get(f.sort, SORTS["received_desc"])
    page = max(1, f.page)
    if f.q and f.q.strip():
        cap = current_app.config["SEARCH_RANK_CAP"]
        ids = _newest_matches(stmt, f.q.strip(), order, cap + 1,
                              newest_first=f.sort not in SORTS or f.sort == "received_desc")
        total = Count(min(len(ids), cap), len(ids) > cap)
        stmt = select(Petition).where(Petition.id.in_(ids[:cap]))
        order = (*_search_rank(f.q), *order)
    else:
        total = capped_count(stmt, _count_cap())
    items = db.session.scalars(
        stmt.options(selectinload(Petition.petitioners))
        .order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page(list(items), total, page)


_window_starts: dict[tuple[str, int], tuple[float, datetime | None]] = {}


def _window_start(window: int) -> datetime | None:
    """When the `window`-th newest petition of the site was received (None: fewer petitions), read
    at most every SEARCH_WINDOW_CACHE_SECONDS (10) per process: an older value only makes the window
    a little larger."""
    bind = db.session.get_bind()
    key = (str(getattr(bind, "engine", bind).url), window)  # an engine, or a connection (tests)
    now = time_.monotonic()
    found = _window_starts.get(key)
    if found is None or now - found[0] >= current_app.config["SEARCH_WINDOW_CACHE_SECONDS"]:
        since = db.session.scalar(select(Petition.received_at).order_by(Petition.received_at.desc())
                                  .offset(window - 1).limit(1))
        found = _window_starts[key] = (now, since)
    return found[1]


def _newest_matches(stmt: Select, q: str, order, limit: int, *, newest_first: bool) -> list[int]:
    """The ids of the first `limit` petitions of `stmt` matching the search `q`, in `order`, each way
    costing what its matches cost.

    A word many petitions hold ("nguyen van": a third of a million) is found soonest by walking the
    petitions newest first until `limit` match; a rare one by the search index, which yields only its
    matches. The database cannot tell the two apart (PostgreSQL guessed 14,000 matches for "tran thi
    lan" and walked 60,000 rows for 202: 170 ms; ANDed with the search index, a common word cost the
    index's whole list). So: first among the SEARCH_RECENT_WINDOW (20,000) newest petitions of the
    site, with a plain substring test no index answers (`search.match(scan=True)`) — a bounded walk —,
    and only if fewer than `limit` match there, over every petition through the index (materialised,
    so that the planner cannot walk the order instead): there are then few matches to read. Other
    orders go to the index at once.
    """
    ids_stmt = stmt.with_only_columns(Petition.id)
    if newest_first:
        since = _window_start(current_app.config["SEARCH_RECENT_WINDOW"])
        recent = ids_stmt.where(_search_clause(q, scan=True))
        if since is not None:
            recent = recent.where(Petition.received_at >= since)
        ids = db.session.scalars(recent.order_by(*order).limit(limit)).all()
        if len(ids) >= limit or since is None:
            return list(ids)
    matches = stmt.where(_search_clause(q)).with_only_columns(Petition.id, Petition.received_at, Petition.due_date) \
        .cte("matches").prefix_with("MATERIALIZED")
    by = {"received_desc": (matches.c.received_at.desc(), matches.c.id.desc()),
          "received_asc": (matches.c.received_at.asc(), matches.c.id.asc()),
          "due_asc": (matches.c.due_date.asc().nulls_last(), matches.c.id.asc())}
    key = next((k for k, v in SORTS.items() if v == order), "received_desc")
    return list(db.session.scalars(select(matches.c.id).order_by(*by[key]).limit(limit)).all())


def tab_counts(user) -> dict[str, Count]:
    """How many petitions each tab holds, each counted up to LIST_COUNT_CAP (one query)."""
    cap = _count_cap()
    visible = visible_agency_ids(user)
    counts = []
    for states in TABS.values():
        inner = (select(literal(1)).select_from(Petition)
                 .where(Petition.agency_id.in_(visible), Petition.status.in_(states)).limit(cap + 1).subquery())
        counts.append(select(func.count()).select_from(inner).scalar_subquery())
    row = db.session.execute(select(*counts)).one()
    return {tab: Count(min(n, cap), n > cap) for tab, n in zip(TABS, row)}


def staff_timeline(petition: Petition) -> list[Event]:
    """All events of the petition and of the petitions it came from (transfers), oldest first."""
    ids = []
    current = petition
    while current is not None and current.id not in ids:
        ids.append(current.id)
        current = current.source_petition
    return list(db.session.scalars(
        select(Event).where(Event.subject_type == "petition", Event.subject_id.in_(ids))
        .order_by(Event.created_at, Event.id)
    ))


@dataclass
class Duplicate:
    """A likely duplicate with the reasons it was suggested."""

    petition: Petition
    reasons: list[str]
    score: int


SIMILARITY_THRESHOLD = 80
CONTENT_CANDIDATES = 500


def find_duplicates(petition: Petition, user, *, limit: int = 5) -> list[Duplicate]:
    """Petitions in scope sharing an ID number, a phone or the respondent, or with similar content.

    Looks across channels and years; a human confirms by merging.
    """
    me = [p for p in petition.petitioners if not p.is_protected]
    ids = {p.id_number for p in me if p.id_number}
    phones = {p.phone for p in me if p.phone}
    base = scoped(user).where(Petition.id != petition.id)
    reasons: dict[int, list[str]] = {}
    found: dict[int, Petition] = {}

    def add(rows, reason):
        for row in rows:
            found[row.id] = row
            reasons.setdefault(row.id, []).append(reason)

    if ids:
        add(db.session.scalars(base.where(Petition.id.in_(
            select(Petitioner.petition_id).where(Petitioner.id_number.in_(ids))))).all(), "id_number")
    if phones:
        add(db.session.scalars(base.where(Petition.id.in_(
            select(Petitioner.petition_id).where(Petitioner.phone.in_(phones))))).all(), "phone")
    # Content: the folded text stored for search (title, content, respondent, names) of the most
    # recent petitions in scope, read as plain columns, compared in rapidfuzz's C loop; only the
    # few found are loaded as objects (loading and folding 500 petitions took a second a view).
    respondent = fold(petition.respondent)
    mine = petition.search_folded or fold(petition.content)
    recent = db.session.execute(
        base.with_only_columns(Petition.id, Petition.respondent, Petition.search_folded)
        .order_by(Petition.received_at.desc()).limit(CONTENT_CANDIDATES)).all()
    same_respondent = [r.id for r in recent if respondent and r.respondent and fold(r.respondent) == respondent]
    scores = {recent[i].id: int(score) for _text, score, i in process.extract(
        mine, [r.search_folded or "" for r in recent], scorer=fuzz.token_set_ratio, limit=None,
        score_cutoff=SIMILARITY_THRESHOLD)}
    wanted = (set(same_respondent) | set(scores)) - set(found)
    if wanted:
        for other in db.session.scalars(select(Petition).where(Petition.id.in_(wanted))):
            found[other.id] = other
    for pid in same_respondent:
        reasons.setdefault(pid, []).append("respondent")
    for pid in scores:
        reasons.setdefault(pid, []).append("content")
    found = {i: p for i, p in found.items() if i in reasons}
    out = [Duplicate(found[i], reasons[i], scores.get(i, 0)) for i in found]
    out.sort(key=lambda d: (len(d.reasons), d.score), reverse=True)
    return out[:limit]
