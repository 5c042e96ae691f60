"""Read side of cases: the list (scoped in SQL), its tabs and their counts, one case within scope."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, false, func, or_, select
from sqlalchemy.orm import selectinload

from app import search
from app.agencies.models import Agency
from app.auth.permissions import Permission
from app.auth.scope import visible_agency_ids
from app.cases.models import Case, CaseKind, CasePause
from app.cases.workflow import END_STATES, TABLES, CaseState
from app.extensions import db
from app.formatting import local_today
from app.petitions.models import Petition
from app.petitions.queries import PAGE_SIZE, Page

TABS = ("mine", "week", "overdue", "approval", "enforcement", "all")
OPEN_VALUES = [s.value for s in CaseState if s not in END_STATES]
# While these states last the legal clock runs: "due this week" and "overdue" are about them.
RESOLVING_VALUES = [CaseState.ACCEPTED.value, CaseState.VERIFYING.value, CaseState.DIALOGUE.value]
# The leader's pending decisions (the side exits suspend / withdraw / terminate are possible, not pending).
APPROVAL_ACTIONS = ("decide", "conclude", "answer", "close", "resume")


def approval_states() -> dict[str, list[str]]:
    """By kind: the states in which an action only a leader may take is waiting."""
    out = {}
    for kind, table in TABLES.items():
        states = set()
        for action, t in table.items():
            if action in APPROVAL_ACTIONS and t.permission == Permission.CASE_APPROVE:
                states |= {s.value for s in t.sources}
        out[kind] = sorted(states)
    return out


def scoped(user) -> Select:
    """Cases the user may see: their agency's, or the subtree's for a supervisor."""
    return select(Case).where(Case.agency_id.in_(visible_agency_ids(user)))


def get_for_user(user, case_id: int) -> Case | None:
    """A case within the user's scope, or None (the view answers 404).

    Also: a decided first-level complaint of a body directly below, for a leader of the superior
    body, who records the second-level appeal on it (Luật Khiếu nại Đ.33)."""
    case = db.session.scalars(scoped(user).where(Case.id == case_id)).first()
    if case is not None or not user.can(Permission.CASE_APPROVE):
        return case
    below = select(Agency.id).where(Agency.parent_id == user.agency_id)
    return db.session.scalars(select(Case).where(
        Case.id == case_id, Case.kind == CaseKind.COMPLAINT_FIRST.value,
        Case.status.in_([CaseState.DECIDED.value, CaseState.APPEALED.value]), Case.agency_id.in_(below))).first()


def _tab_clause(tab: str, user, today: date):
    if tab == "mine":
        return and_(Case.resolver_id == user.id, Case.status.in_(OPEN_VALUES))
    if tab == "week":
        return and_(Case.status.in_(RESOLVING_VALUES), Case.due_date >= today, Case.due_date <= today + timedelta(days=7))
    if tab == "overdue":
        return and_(Case.status.in_(RESOLVING_VALUES), Case.due_date < today)
    if tab == "enforcement":
        return _enforcement_overdue_clause(today)
    if tab == "approval":
        if not user.can(Permission.CASE_APPROVE):
            return false()
        return and_(Case.agency_id == user.agency_id,
                    or_(*[and_(Case.kind == kind, Case.status.in_(states))
                          for kind, states in approval_states().items() if states]))
    return None


def _search(q: str | None):
    """Words of the title or of the petitions the case came from (with or without diacritics,
    app.search), and the rank that puts matches with their diacritics first; None without a search."""
    found = search.match("case", q)
    if found is None:
        return None
    from_petition = search.match("petition", q)
    petitions = select(Petition.case_id).where(Petition.case_id.is_not(None), from_petition.clause)
    return or_(found.clause, Case.id.in_(petitions)), found.rank


def case_list(user, *, tab: str = "all", kind: str | None = None, page: int = 1, q: str | None = None,
              today: date | None = None) -> Page:
    """One page of the tab, newest acceptance first (matches with their diacritics first, with a search)."""
    today = today or local_today()
    stmt = scoped(user)
    clause = _tab_clause(tab, user, today)
    if clause is not None:
        stmt = stmt.where(clause)
    if kind:
        stmt = stmt.where(Case.kind == kind)
    found = _search(q.strip() if q else None)
    rank = []
    if found is not None:
        stmt = stmt.where(found[0])
        rank = [found[1].desc()]
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = max(1, page)
    order = (Case.due_date.asc().nulls_last(), Case.id.asc()) if tab in ("week", "overdue") \
        else (Case.enforcement_due.asc(), Case.id.asc()) if tab == "enforcement" \
        else (Case.accepted_on.desc(), Case.id.desc())
    items = db.session.scalars(
        stmt.options(selectinload(Case.agency), selectinload(Case.resolver), selectinload(Case.pauses))
        .order_by(*rank, *order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page(list(items), total, page)


def tab_counts(user, *, today: date | None = None) -> dict[str, int]:
    """How many cases each tab holds (one COUNT per tab, all in SQL)."""
    today = today or local_today()
    counts = {}
    for tab in TABS:
        stmt = select(func.count()).select_from(Case).where(Case.agency_id.in_(visible_agency_ids(user)))
        clause = _tab_clause(tab, user, today)
        if clause is not None:
            stmt = stmt.where(clause)
        counts[tab] = db.session.scalar(stmt) or 0
    return counts


def open_pause(case: Case) -> CasePause | None:
    """The pause that stops the clock now, if any."""
    return next((p for p in case.pauses if p.ended_on is None), None)


def _enforcement_overdue_clause(today: date):
    return and_(Case.enforcement_due < today, Case.enforced_on.is_(None))


def enforcement_overdue(user, today: date | None = None) -> list[Case]:
    """Cases of the user's scope whose enforcement was due before `today` and is not recorded as done,
    the longest overdue first."""
    today = today or local_today()
    return list(db.session.scalars(scoped(user).where(_enforcement_overdue_clause(today))
                                   .options(selectinload(Case.agency))
                                   .order_by(Case.enforcement_due.asc(), Case.id.asc())))


@dataclass
class AgencyGlance:
    """A leader's view of the agency's cases: how many are open in each kind and state, and overdue."""

    by_kind_state: dict[tuple[str, str], int]
    overdue_by_kind: dict[str, int]

    @property
    def kinds(self) -> list[str]:
        return sorted({k for k, _s in self.by_kind_state})

    @property
    def states(self) -> list[str]:
        order = [s.value for s in CaseState]
        return sorted({s for _k, s in self.by_kind_state}, key=order.index)

    @property
    def total(self) -> int:
        return sum(self.by_kind_state.values())


def agency_glance(user, *, today: date | None = None) -> AgencyGlance:
    """The open cases of the user's own agency grouped by kind and state (two GROUP BY queries)."""
    today = today or local_today()
    open_ = and_(Case.agency_id == user.agency_id, Case.status.not_in([s.value for s in END_STATES]))
    rows = db.session.execute(select(Case.kind, Case.status, func.count()).where(open_)
                              .group_by(Case.kind, Case.status)).all()
    overdue = db.session.execute(select(Case.kind, func.count()).where(open_, Case.due_date < today)
                                 .group_by(Case.kind)).all()
    return AgencyGlance({(k, s): n for k, s, n in rows}, {k: n for k, n in overdue})
