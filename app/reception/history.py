"""Who is this? The desk's person look-up and the history panel (earlier visits, petitions, cases).

Everything is scoped in SQL to what the user may see. Protected records (a denunciator's
visits and petitions) never appear: their identity is not in plain columns to match on.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from app import search
from app.auth.scope import visible_agency_ids
from app.cases.models import Case
from app.extensions import db
from app.formatting import to_local
from app.petitions.models import OPEN_STATES, Petition, Petitioner, PetitionStatus
from app.reception.models import Person, Visit, VisitVisitor
from app.validators import is_valid_phone, normalize_cccd, normalize_phone

LOOKUP_LIMIT = 10
HISTORY_LIMIT = 30


def known_in_scope(user):
    """Ids of the people who came to, or petitioned, an agency the user may see."""
    scope = visible_agency_ids(user)
    at_desk = select(VisitVisitor.person_id).join(Visit).where(Visit.agency_id.in_(scope),
                                                                VisitVisitor.person_id.is_not(None))
    by_letter = select(Petitioner.person_id).join(Petition).where(Petition.agency_id.in_(scope),
                                                                   Petitioner.person_id.is_not(None))
    return at_desk.union(by_letter)


def find_people(q: str, user, *, limit: int = LOOKUP_LIMIT) -> list[Person]:
    """People known to the user's agencies whose ID number or phone starts with the digits typed,
    or whose name contains the words typed (with or without diacritics)."""
    q = (q or "").strip()
    if len(q) < 2:
        return []
    digits = normalize_cccd(q)
    stmt = select(Person).where(Person.id.in_(known_in_scope(user)))
    order = []
    if digits.isdigit() and len(digits) >= 3:
        conditions = [Person.id_number.startswith(digits)]
        phone = normalize_phone(q)
        if phone.isdigit():
            conditions.append(Person.phone.startswith(phone))
        stmt = stmt.where(or_(*conditions))
    else:
        found = search.match("person", q)  # the name with its diacritics first
        if found is None:
            return []
        stmt = stmt.where(found.clause)
        order.append(found.rank.desc())
    return list(db.session.scalars(stmt.order_by(*order, Person.full_name, Person.id).limit(limit)))


@dataclass
class HistoryItem:
    """One earlier matter of the person: a visit, a petition, or a case."""

    type: str  # "visit" | "petition" | "case"
    id: int
    on: date
    label: str  # register number, tracking code, or case title
    summary: str
    status: str  # a key of app.reception.labels.HISTORY_STATUS_LABELS or a petition/case status
    is_open: bool

    @property
    def ref(self) -> str:
        """The value the desk form sends to mark a repeat visit on this matter."""
        return f"{self.type}:{self.id}"


@dataclass
class History:
    """What the desk shows about the people typed: matches, their matters, and the warnings."""

    people: list[Person]
    items: list[HistoryItem]

    @property
    def open_items(self) -> list[HistoryItem]:
        return [i for i in self.items if i.is_open]

    @property
    def resolved_items(self) -> list[HistoryItem]:
        return [i for i in self.items if not i.is_open]


def _people_for(id_numbers: list[str], phones: list[str], person_ids: list[int]) -> list[Person]:
    conditions = []
    if id_numbers:
        conditions.append(Person.id_number.in_(id_numbers))
    if phones:
        conditions.append(Person.phone.in_(phones))
    if person_ids:
        conditions.append(Person.id.in_(person_ids))
    if not conditions:
        return []
    return list(db.session.scalars(select(Person).where(or_(*conditions)).order_by(Person.id)))


def person_history(user, *, id_numbers=(), phones=(), person_ids=()) -> History:
    """The earlier visits, petitions and cases of these people within the user's scope."""
    id_numbers = [normalize_cccd(x) for x in id_numbers if x and len(normalize_cccd(x)) == 12]
    phones = [normalize_phone(x) for x in phones if x and is_valid_phone(x)]
    people = _people_for(id_numbers, phones, [int(x) for x in person_ids if x])
    ids = [p.id for p in people]
    scope = visible_agency_ids(user)
    items: list[HistoryItem] = []

    if ids:
        visits = db.session.scalars(
            select(Visit).join(VisitVisitor).where(VisitVisitor.person_id.in_(ids), Visit.agency_id.in_(scope),
                                                   Visit.is_protected.is_(False))
            .order_by(Visit.visited_at.desc()).limit(HISTORY_LIMIT)).unique().all()
        for v in visits:
            owing = v.reply_due is not None and v.replied_on is None
            items.append(HistoryItem("visit", v.id, to_local(v.visited_at).date(), v.register_number,
                                     v.summary[:160], v.outcome, is_open=owing))

    conditions = []
    if ids:
        conditions.append(Petitioner.person_id.in_(ids))
    if id_numbers:
        conditions.append(Petitioner.id_number.in_(id_numbers))
    if phones:
        conditions.append(Petitioner.phone.in_(phones))
    petitions: list[Petition] = []
    if conditions:
        petitions = db.session.scalars(
            select(Petition).join(Petitioner).where(or_(*conditions), Petition.agency_id.in_(scope),
                                                    Petitioner.is_protected.is_(False))
            .order_by(Petition.received_at.desc()).limit(HISTORY_LIMIT)).unique().all()
    case_ids = set()
    for p in petitions:
        if p.case_id:
            case_ids.add(p.case_id)
            continue  # the case stands for the petition it came from
        items.append(HistoryItem("petition", p.id, to_local(p.received_at).date(), p.tracking_code,
                                 p.title[:160], p.status, is_open=PetitionStatus(p.status) in OPEN_STATES))
    if case_ids:
        for c in db.session.scalars(select(Case).where(Case.id.in_(case_ids), Case.agency_id.in_(scope))):
            items.append(HistoryItem("case", c.id, c.accepted_on, c.title[:80], c.title[:160], c.status,
                                     is_open=True))  # no case is closed until the case workflow exists
    items.sort(key=lambda i: (i.on, i.type, i.id), reverse=True)
    return History(people, items)


def resolve_repeat_ref(ref: str | None, user) -> HistoryItem | None:
    """The earlier matter a repeat visit points to, if it exists in the user's scope."""
    if not ref or ":" not in ref:
        return None
    kind, _, raw = ref.partition(":")
    if not raw.isdigit():
        return None
    scope = visible_agency_ids(user)
    ident = int(raw)
    if kind == "visit":
        v = db.session.scalars(select(Visit).where(Visit.id == ident, Visit.agency_id.in_(scope))).first()
        return HistoryItem("visit", v.id, to_local(v.visited_at).date(), v.register_number, v.summary, v.outcome,
                           False) if v else None
    if kind == "petition":
        p = db.session.scalars(select(Petition).where(Petition.id == ident, Petition.agency_id.in_(scope))).first()
        return HistoryItem("petition", p.id, to_local(p.received_at).date(), p.tracking_code, p.title, p.status,
                           False) if p else None
    if kind == "case":
        c = db.session.scalars(select(Case).where(Case.id == ident, Case.agency_id.in_(scope))).first()
        return HistoryItem("case", c.id, c.accepted_on, c.title, c.title, c.status, False) if c else None
    return None

