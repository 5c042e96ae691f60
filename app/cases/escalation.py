"""At risk of escalation (nguy cơ vượt cấp): the open cases of the user's scope ranked by the signals
that a citizen is about to take the matter higher, so that leaders act first. Each signal is kept
and shown by name, with its value and the points it adds; the rank is the sum of the points.

All counts come from one SELECT with correlated aggregate subqueries (no query per case); the
points and the ranking are computed in Python over the rows that have at least one signal
(the SQL keeps only those), because date differences are written differently on SQLite and
PostgreSQL.

The signals, per case:

- ``repeat_visits`` — visits marked as a repeat (``is_repeat`` or a ``repeat_of_*`` link) that are
  linked to the case: ``repeat_of_case_id`` = the case, or ``repeat_of_petition_id`` /
  ``petition_id`` = one of the case's petitions;
- ``group_visits`` — the visits linked to the case (same links, repeat or not) made by a group
  (đoàn đông người, ``is_group``);
- ``petitions_joined`` — petitions joined to the case (``Petition.case_id``) beyond the first;
- ``overdue`` — the due date has passed (value: days overdue); ``near_due`` — due within
  ``NEAR_DUE_DAYS`` days (value: days left). A case has one or the other, never both;
- ``second_level`` — the case is a second-level complaint (``parent_case_id`` set) or a
  second-level case has been opened on it;
- ``higher_body`` — petitions about the matter held by a higher body: petitions of another
  agency that is the parent of the case's agency or of a higher administrative level
  (province > district > commune), linked to the case by ``case_id``, or by
  ``source_petition_id`` (either way: transferred from or to one of the case's petitions).
  This is the simple reading of "sent to a higher body"; it does not walk the whole ancestor chain.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case as sql_case, exists, func, or_, select
from sqlalchemy.orm import aliased

from app.agencies.models import Agency
from app.auth.scope import visible_agency_ids
from app.cases.models import Case
from app.cases.workflow import END_STATES
from app.extensions import db
from app.petitions.models import Petition
from app.reception.models import Visit

NEAR_DUE_DAYS = 7

# name: (points per unit, "per" = times the value / "flat" = once when present, label)
# The one table of weights: change a weight here, and the ranking and the page follow.
WEIGHTS: dict[str, tuple[int, str, object]] = {
    "repeat_visits": (3, "per", _l("Tái diễn")),            # each repeat visit on the matter
    "group_visits": (5, "per", _l("Đoàn đông người")),      # each group visit
    "petitions_joined": (2, "per", _l("Nhiều đơn")),        # each petition beyond the first
    "overdue": (8, "flat", _l("Quá hạn")),                  # past the legal due date
    "near_due": (3, "flat", _l("Sắp đến hạn")),             # due within NEAR_DUE_DAYS
    "second_level": (4, "flat", _l("Khiếu nại lần hai")),   # a second-level appeal on the matter
    "higher_body": (6, "per", _l("Gửi cấp trên")),          # each petition held by a higher body
}
SIGNAL_ORDER = tuple(WEIGHTS)

LEVEL_RANK = {"province": 3, "district": 2, "commune": 1}


@dataclass(frozen=True)
class Signal:
    """One signal of one case: its value (a count or a number of days) and the points it adds."""

    name: str
    value: int  # a count, or days (overdue: days past; near_due: days left, 0 = due today)
    points: int

    @property
    def present(self) -> bool:
        return self.points > 0

    @property
    def label(self) -> str:
        return str(WEIGHTS[self.name][2])

    @property
    def weight(self) -> int:
        return WEIGHTS[self.name][0]


@dataclass
class RiskRow:
    """A case at risk: every signal by name (present or not), and the total."""

    case_id: int
    title: str
    kind: str
    status: str
    agency_id: int
    agency_name: str
    due_date: date | None
    signals: dict[str, Signal] = field(default_factory=dict)

    @property
    def score(self) -> int:
        return sum(s.points for s in self.signals.values())

    @property
    def present(self) -> list[Signal]:
        """The signals that fired, in the table's order."""
        return [self.signals[n] for n in SIGNAL_ORDER if self.signals[n].present]


def points(name: str, value: int, present: bool | None = None) -> int:
    """The points a signal adds for a value (0 when absent; `present` for a signal whose value may be 0)."""
    weight, mode, _label = WEIGHTS[name]
    if not (value if present is None else present):
        return 0
    return weight * value if mode == "per" else weight


def _level_rank(column):
    return sql_case(*[(column == level, rank) for level, rank in LEVEL_RANK.items()], else_=0)


def _query(user, today: date):
    """One SELECT: each open case of the scope with its counts (correlated subqueries)."""
    case_petitions = select(Petition.id).where(Petition.case_id == Case.id).correlate(Case).scalar_subquery()
    linked = or_(Visit.repeat_of_case_id == Case.id, Visit.repeat_of_petition_id.in_(case_petitions),
                 Visit.petition_id.in_(case_petitions))
    is_repeat = or_(Visit.is_repeat.is_(True), Visit.repeat_of_case_id.is_not(None),
                    Visit.repeat_of_petition_id.is_not(None))
    repeat_visits = select(func.count(Visit.id)).where(linked, is_repeat).correlate(Case).scalar_subquery()
    group_visits = select(func.count(Visit.id)).where(linked, Visit.is_group.is_(True)).correlate(Case).scalar_subquery()
    petitions = select(func.count(Petition.id)).where(Petition.case_id == Case.id).correlate(Case).scalar_subquery()

    child = aliased(Case)
    second_level = or_(Case.parent_case_id.is_not(None),
                       exists(select(child.id).where(child.parent_case_id == Case.id)))

    own = aliased(Petition)
    other = aliased(Petition)
    other_agency = aliased(Agency)
    case_agency = aliased(Agency)
    higher = (
        select(func.count(func.distinct(other.id)))
        .where(
            other_agency.id == other.agency_id,
            case_agency.id == Case.agency_id,
            other.agency_id != Case.agency_id,
            or_(other_agency.id == case_agency.parent_id,
                _level_rank(other_agency.level) > _level_rank(case_agency.level)),
            or_(
                other.case_id == Case.id,
                other.source_petition_id.in_(select(own.id).where(own.case_id == Case.id).correlate(Case)),
                other.id.in_(select(own.source_petition_id).where(own.case_id == Case.id).correlate(Case)),
            ),
        )
        .correlate(Case)
        .scalar_subquery()
    )

    rows = (
        select(
            Case.id.label("case_id"), Case.title, Case.kind, Case.status, Case.agency_id,
            Agency.name.label("agency_name"), Case.due_date,
            repeat_visits.label("repeat_visits"), group_visits.label("group_visits"),
            petitions.label("petitions"), second_level.label("second_level"), higher.label("higher_body"),
        )
        .join(Agency, Agency.id == Case.agency_id)
        .where(Case.status.not_in([s.value for s in END_STATES]),
               Case.agency_id.in_(visible_agency_ids(user)))
        .subquery()
    )
    soon = today + timedelta(days=NEAR_DUE_DAYS)
    return select(rows).where(or_(
        rows.c.repeat_visits > 0, rows.c.group_visits > 0, rows.c.petitions > 1, rows.c.second_level,
        rows.c.higher_body > 0, and_(rows.c.due_date.is_not(None), rows.c.due_date <= soon),
    ))


def at_risk(user, today: date, *, limit: int = 50) -> list[RiskRow]:
    """The open cases of the user's scope with at least one signal, highest total first."""
    out = []
    for r in db.session.execute(_query(user, today)).mappings():
        days = (r["due_date"] - today).days if r["due_date"] else None
        values = {
            "repeat_visits": int(r["repeat_visits"] or 0),
            "group_visits": int(r["group_visits"] or 0),
            "petitions_joined": max(int(r["petitions"] or 0) - 1, 0),
            "overdue": -days if days is not None and days < 0 else 0,
            "near_due": days if days is not None and 0 <= days <= NEAR_DUE_DAYS else 0,
            "second_level": 1 if r["second_level"] else 0,
            "higher_body": int(r["higher_body"] or 0),
        }
        row = RiskRow(case_id=r["case_id"], title=r["title"], kind=r["kind"], status=r["status"],
                      agency_id=r["agency_id"], agency_name=r["agency_name"], due_date=r["due_date"],
                      signals={n: Signal(n, v, points(n, v)) for n, v in values.items()})
        # Due today: near_due with 0 days left is still a signal.
        if days is not None and 0 <= days <= NEAR_DUE_DAYS:
            row.signals["near_due"] = Signal("near_due", days, points("near_due", days, True))
        if row.score:
            out.append(row)
    out.sort(key=lambda x: (-x.score, -x.signals["overdue"].value, x.case_id))
    return out[:limit]
