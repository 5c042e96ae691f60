"""Read side of inspections: the scoped list with its filters, the recovery progress of one
inspection, and the late conclusions the dashboard warns about.

Everything is scoped in SQL to the agencies the user may see (`app.auth.scope`): one's own, or the
subtree for a supervisor.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import Select, and_, func, or_, select, true

from app.auth.permissions import Permission
from app.auth.scope import visible_agency_ids
from app.extensions import db
from app.formatting import format_number
from app.inspections.models import Inspection, InspectionRecovery
from app.petitions.queries import Page
from app.text import fold

PAGE_SIZE = 25
STATES = ("in_progress", "concluded", "late", "recovery_incomplete")


def scoped(user) -> Select:
    """Inspections the user may see: their agency's, or the subtree's for a supervisor."""
    return select(Inspection).where(Inspection.agency_id.in_(visible_agency_ids(user)))


def get_for_user(user, inspection_id: int) -> Inspection | None:
    """An inspection within the user's scope, or None (the view answers 404)."""
    return db.session.scalars(scoped(user).where(Inspection.id == inspection_id)).first()


def get_manageable(user, inspection_id: int) -> Inspection | None:
    """An inspection the user may change: INSPECTION_MANAGE, their own agency's (None otherwise).

    The agency above reads it but does not change it: for a change it does not exist (404)."""
    if not user.can(Permission.INSPECTION_MANAGE):
        return None
    return db.session.scalars(select(Inspection).where(
        Inspection.id == inspection_id, Inspection.agency_id == user.agency_id)).first()


def late_expr(today: date):
    """SQL: the conclusion was issued after its due date, or is still not issued and the due date
    has passed (the same rule as `Inspection.conclusion_late`)."""
    return and_(Inspection.conclusion_due.is_not(None), or_(
        and_(Inspection.concluded_on.is_(None), Inspection.conclusion_due < today),
        Inspection.concluded_on > Inspection.conclusion_due))


def _recovered():
    """Money and land recovered per inspection (all dates), as a subquery."""
    return (select(InspectionRecovery.inspection_id,
                   func.sum(InspectionRecovery.money).label("money"),
                   func.sum(InspectionRecovery.land).label("land"))
            .group_by(InspectionRecovery.inspection_id).subquery())


# --- recovery progress --------------------------------------------------------------------------

def _rate(done, recommended) -> Decimal | None:
    """Recovered as a percentage of recommended, cut (not rounded) to one decimal place, so that
    100,0% is shown only when everything is in. None when nothing was recommended."""
    recommended = Decimal(str(recommended or 0))
    if recommended <= 0:
        return None
    return (Decimal(str(done or 0)) * 100 / recommended).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def format_rate(rate: Decimal | None) -> str:
    """`88,8%` (Vietnamese style, as in the reports); empty when there is no rate."""
    return "" if rate is None else f"{format_number(rate, 1)}%"


@dataclass
class RecoveryProgress:
    """How much of the money and land recommended for recovery is in."""

    money_recommended: int
    money_recovered: int
    land_recommended: Decimal
    land_recovered: Decimal
    money_rate: Decimal | None = field(init=False)
    land_rate: Decimal | None = field(init=False)

    def __post_init__(self):
        self.money_rate = _rate(self.money_recovered, self.money_recommended)
        self.land_rate = _rate(self.land_recovered, self.land_recommended)

    @property
    def money_left(self) -> int:
        return max(0, self.money_recommended - self.money_recovered)

    @property
    def land_left(self) -> Decimal:
        return max(Decimal(0), self.land_recommended - self.land_recovered)

    @property
    def money_rate_text(self) -> str:
        return format_rate(self.money_rate)

    @property
    def land_rate_text(self) -> str:
        return format_rate(self.land_rate)

    @property
    def anything_recommended(self) -> bool:
        return self.money_recommended > 0 or self.land_recommended > 0

    @property
    def is_complete(self) -> bool:
        """Everything recommended is in (False when nothing was recommended)."""
        return self.anything_recommended and self.money_left == 0 and self.land_left == 0


def _progress(inspection: Inspection, money, land) -> RecoveryProgress:
    return RecoveryProgress(int(inspection.money_recommended or 0), int(money or 0),
                            Decimal(str(inspection.land_recommended or 0)), Decimal(str(land or 0)))


def recovery_progress(inspection: Inspection) -> RecoveryProgress:
    """Recommended, recovered to date and the rate, for money and for land."""
    money = sum((r.money or 0) for r in inspection.recoveries)
    land = sum((Decimal(str(r.land or 0)) for r in inspection.recoveries), Decimal(0))
    return _progress(inspection, money, land)


# --- the list -----------------------------------------------------------------------------------

@dataclass
class InspectionFilters:
    """What the list is filtered by (all optional)."""

    year: int | None = None  # the year the inspection started (the year's plan)
    kind: str | None = None
    topic: str | None = None
    state: str | None = None  # one of STATES
    q: str | None = None
    page: int = 1


@dataclass
class InspectionRow:
    """One line of the list."""

    inspection: Inspection
    progress: RecoveryProgress
    late: bool


def _search_clause(q: str):
    """Every word of `q`, with or without diacritics, in the title, subject or numbers (in SQL)."""
    words = [w for w in fold(q).split(" ") if w]
    return and_(true(), *[Inspection.search_folded.contains(w, autoescape=True) for w in words])


def inspection_list(user, filters: InspectionFilters, *, today: date) -> Page:
    """One page of the user's inspections, the newest start first, each with its recovery progress."""
    conditions = [Inspection.agency_id.in_(visible_agency_ids(user))]
    if filters.year:
        conditions.append(and_(Inspection.started_on >= date(filters.year, 1, 1),
                               Inspection.started_on <= date(filters.year, 12, 31)))
    if filters.kind:
        conditions.append(Inspection.kind == filters.kind)
    if filters.topic:
        conditions.append(Inspection.topic == filters.topic)
    rec = _recovered()
    money_in = func.coalesce(rec.c.money, 0)
    land_in = func.coalesce(rec.c.land, 0)
    if filters.state == "in_progress":
        conditions.append(Inspection.concluded_on.is_(None))
    elif filters.state == "concluded":
        conditions.append(Inspection.concluded_on.is_not(None))
    elif filters.state == "late":
        conditions.append(late_expr(today))
    elif filters.state == "recovery_incomplete":
        conditions.append(and_(Inspection.concluded_on.is_not(None), or_(
            money_in < Inspection.money_recommended,
            # Rounded: SQLite adds the areas as floating-point numbers.
            func.round(land_in, 1) < Inspection.land_recommended)))
    if filters.q and filters.q.strip():
        conditions.append(_search_clause(filters.q))
    base = (select(Inspection, money_in.label("money_in"), land_in.label("land_in"))
            .outerjoin(rec, rec.c.inspection_id == Inspection.id).where(*conditions))
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    page = max(1, filters.page)
    rows = db.session.execute(base.order_by(Inspection.started_on.desc(), Inspection.id.desc())
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    items = [InspectionRow(i, _progress(i, money, land), i.conclusion_late(today)) for i, money, land in rows]
    return Page(items, total, page, PAGE_SIZE)


def years(user, today: date) -> list[int]:
    """The years offered by the list's filter: from the first inspection in scope to this year."""
    first = db.session.scalar(select(func.min(Inspection.started_on))
                              .where(Inspection.agency_id.in_(visible_agency_ids(user))))
    start = min(first.year, today.year) if first else today.year
    return list(range(today.year, start - 1, -1))


def late_conclusions(user, today: date) -> list[Inspection]:
    """Inspections in scope whose conclusion is overdue and still not issued, the most overdue first
    (the dashboard's warning; conclusions issued late are found with the list's "late" filter)."""
    return list(db.session.scalars(
        scoped(user).where(Inspection.concluded_on.is_(None), Inspection.conclusion_due.is_not(None),
                           Inspection.conclusion_due < today)
        .order_by(Inspection.conclusion_due, Inspection.id)))
