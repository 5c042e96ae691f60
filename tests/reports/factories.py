"""Records for report tests, written directly as rows (the report counts rows; how they were made
is tested elsewhere). Local times are Asia/Ho_Chi_Minh."""
from __future__ import annotations

import itertools
from datetime import date, datetime, time

from sqlalchemy import select

from app.agencies.models import Agency
from app.auth.models import User
from app.cases.models import Case
from app.extensions import db
from app.formatting import LOCAL_TZ
from app.inspections.models import Inspection, InspectionRecovery
from app.oversight.models import Directive
from app.petitions.models import Petition
from app.reception.models import ReceptionSession, Visit

_seq = itertools.count(1)


def agency(code: str) -> Agency:
    return db.session.scalars(select(Agency).where(Agency.code == code)).one()


def local(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def officer(code: str) -> User:
    user = db.session.scalars(select(User).where(User.agency_id == agency(code).id)).first()
    if user is None:
        from tests.conftest import make_user
        user = make_user("receptionist", code)
    return user


def visit(code: str, day: date, *, hour: int = 9, minute: int = 0, people: int = 1, kind: str = "complaint",
          outcome: str = "settled", repeat: bool = False, session: ReceptionSession | None = None) -> Visit:
    n = next(_seq)
    v = Visit(agency_id=agency(code).id, year=day.year, number=n, visited_at=local(day, hour, minute),
              officer_id=officer(code).id, place="Trụ sở", kind=kind, people_count=people, is_group=people >= 5,
              summary="Nội dung", outcome=outcome, is_repeat=repeat, session_id=session.id if session else None)
    db.session.add(v)
    db.session.flush()
    return v


def session(code: str, day: date, mode: str = "in_person", status: str = "held") -> ReceptionSession:
    s = ReceptionSession(agency_id=agency(code).id, leader_name="Chủ tịch", held_on=day, place="Trụ sở",
                         mode=mode, status=status, delegate_name="Phó Chủ tịch" if mode == "delegated" else None)
    db.session.add(s)
    db.session.flush()
    return s


def petition(code: str, received: date, *, kind: str = "complaint", status: str = "received",
             decided: date | None = None, hour: int = 9, **kwargs) -> Petition:
    n = next(_seq)
    p = Petition(tracking_code=f"T{n:06d}", agency_id=agency(code).id, kind=kind, status=status,
                 channel=kwargs.pop("channel", "post"), received_at=local(received, hour), title=f"Đơn {n}",
                 content="Nội dung", request="Yêu cầu", respondent="Ông A", access_key_hash="0" * 64,
                 decided_at=local(decided, 10) if decided else None, **kwargs)
    db.session.add(p)
    db.session.flush()
    return p


def case(code: str, kind: str, accepted: date, *, due: date | None = None, status: str = "accepted",
         **kwargs) -> Case:
    c = Case(agency_id=agency(code).id, kind=kind, status=status, title="Vụ việc", accepted_on=accepted,
             due_date=due, **kwargs)
    db.session.add(c)
    db.session.flush()
    return c


def inspection(code: str, started: date, *, concluded: date | None = None, topic: str = "administrative",
               found: int = 0, recommended: int = 0, due: date | None = None, **kwargs) -> Inspection:
    n = next(_seq)
    i = Inspection(agency_id=agency(code).id, kind=kwargs.pop("kind", "planned"), topic=topic,
                   title=f"Thanh tra {n}", subject="Sở X", decision_number=f"{n}/QĐ-TTr", started_on=started,
                   concluded_on=concluded, conclusion_due=due, money_violation=found, money_recommended=recommended,
                   **kwargs)
    db.session.add(i)
    db.session.flush()
    return i


def recovery(i: Inspection, day: date, money: int = 0, land: float = 0) -> InspectionRecovery:
    r = InspectionRecovery(inspection_id=i.id, recovered_on=day, money=money, land=land)
    db.session.add(r)
    db.session.flush()
    return r


def directive(code: str, issued: date, due: date, *, done: date | None = None, source: str = "chairman",
              key: bool = False, issuer: str = "LS") -> Directive:
    d = Directive(issuer_agency_id=agency(issuer).id, source=source, issued_on=issued, content="Nhiệm vụ",
                  is_key_task=key, assignee_agency_id=agency(code).id, due_on=due, done_on=done)
    db.session.add(d)
    db.session.flush()
    return d
