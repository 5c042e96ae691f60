"""Read side of petitions: the inbox (scoped in SQL), tab counts, duplicates, timelines."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from rapidfuzz import fuzz
from sqlalchemy import Select, false, func, or_, select
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


@dataclass
class Page:
    """One page of results."""

    items: list
    total: int
    page: int
    per_page: int = PAGE_SIZE
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, math.ceil(self.total / self.per_page))


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
    if f.q and f.q.strip():
        stmt = stmt.where(_search_clause(f.q.strip()))
    return stmt


def _search_clause(q: str):
    """Tracking code, ID number, phone, or words of names and content (with or without diacritics,
    app.search; a protected denunciator's name is not in the indexed text)."""
    people = select(Petitioner.petition_id).where(
        or_(Petitioner.id_number == normalize_cccd(q), Petitioner.phone == normalize_phone(q))
    )
    found = search.match("petition", q)
    text_match = found.clause if found is not None else false()
    return or_(func.upper(Petition.tracking_code) == q.upper(), Petition.id.in_(people), text_match)


def _search_rank(q: str | None) -> list:
    """With a search, the rows matching it with their diacritics come first (app.search)."""
    found = search.match("petition", q.strip()) if q and q.strip() else None
    return [found.rank.desc()] if found is not None else []


def inbox(user, f: InboxFilters, *, today: date | None = None) -> Page:
    """The filtered, sorted page of the inbox."""
    today = today or local_today()
    stmt = _apply_filters(scoped(user).where(Petition.status.in_(TABS.get(f.tab, TABS["open"]))), f, today)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = max(1, f.page)
    items = db.session.scalars(
        stmt.options(selectinload(Petition.petitioners))
        .order_by(*_search_rank(f.q), *SORTS.get(f.sort, SORTS["received_desc"]))
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page(list(items), total, page)


def tab_counts(user) -> dict[str, int]:
    """How many petitions each tab holds (one GROUP BY)."""
    rows = db.session.execute(
        select(Petition.status, func.count()).where(Petition.agency_id.in_(visible_agency_ids(user)))
        .group_by(Petition.status)
    ).all()
    by_status = dict(rows)
    return {tab: sum(by_status.get(s, 0) for s in states) for tab, states in TABS.items()}


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
    respondent = fold(petition.respondent)
    content = fold(petition.content)
    recent = db.session.scalars(base.order_by(Petition.received_at.desc()).limit(CONTENT_CANDIDATES)).all()
    scores: dict[int, int] = {}
    for other in recent:
        if respondent and fold(other.respondent) == respondent:
            add([other], "respondent")
        score = int(fuzz.token_set_ratio(content, fold(other.content)))
        scores[other.id] = score
        if score >= SIMILARITY_THRESHOLD:
            add([other], "content")
    out = [Duplicate(found[i], reasons[i], scores.get(i, 0)) for i in found]
    out.sort(key=lambda d: (len(d.reasons), d.score), reverse=True)
    return out[:limit]
