"""At risk of escalation, on both databases: each signal computed from the links, the ranking by
the weights, the scope of the user, and closed cases left out."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from sqlalchemy import select

from app.agencies.models import Agency
from app.cases import escalation
from app.cases.models import Case
from app.extensions import db
from app.petitions.models import Petition
from app.reception.models import Visit
from tests.conftest import make_user

TODAY = date(2026, 5, 4)


def agency(code):
    return db.session.scalars(select(Agency).where(Agency.code == code)).one()


def make_case(code="XCL", due=date(2026, 6, 30), **kw):
    case = Case(kind=kw.pop("kind", "denunciation"), agency_id=agency(code).id, title=kw.pop("title", "Vụ việc"),
                accepted_on=date(2026, 3, 2), due_date=due, **kw)
    db.session.add(case)
    db.session.flush()
    return case


def make_petition(code="XCL", case=None, source=None):
    p = Petition(tracking_code=uuid.uuid4().hex[:12], agency_id=agency(code).id, kind="complaint", channel="post",
                 title="Đơn", content="Nội dung", request="Yêu cầu", respondent="UBND", access_key_hash="x" * 64,
                 case_id=case.id if case else None, source_petition_id=source.id if source else None)
    db.session.add(p)
    db.session.flush()
    return p


_numbers = iter(range(1, 10_000))


def make_visit(officer, code="XCL", **links):
    v = Visit(agency_id=agency(code).id, year=2026, number=next(_numbers),
              visited_at=datetime(2026, 4, 20, 3, 0, tzinfo=timezone.utc), officer_id=officer.id, place="Trụ sở",
              kind="complaint", summary="Nội dung", outcome="settled", **links)
    db.session.add(v)
    db.session.flush()
    return v


def test_signals_are_computed_ranked_and_each_kept(app):
    officer = make_user("handler", "XCL")
    quiet = make_case(title="Không có dấu hiệu")  # due far ahead, nothing linked
    # A: overdue by 4 days, two repeat visits (one by case, one by petition), one of them a group,
    # three petitions joined, one petition at the province about it.
    a = make_case(title="Vụ A", due=date(2026, 4, 30))
    pa1, _pa2, _pa3 = make_petition(case=a), make_petition(case=a), make_petition(case=a)
    make_visit(officer, repeat_of_case_id=a.id, is_repeat=True, is_group=True, people_count=7)
    make_visit(officer, repeat_of_petition_id=pa1.id, is_repeat=True)
    make_visit(officer, petition_id=pa1.id)  # the first visit: linked, not a repeat
    make_petition("LS", source=pa1)  # sent up to the province (source link)
    make_petition("PLVT", source=pa1)  # a sibling commune is not a higher body
    # B: due in 3 days, a second-level appeal opened on it.
    b = make_case(title="Vụ B", due=date(2026, 5, 7), kind="complaint_first", status="decided")
    make_case("LS", title="Vụ B lần hai", kind="complaint_second", parent_case_id=b.id)
    # C: closed, even though overdue.
    make_case(title="Vụ C", due=date(2026, 1, 1), status="closed")

    supervisor = make_user("supervisor", "LS")
    rows = escalation.at_risk(supervisor, TODAY)
    titles = [r.title for r in rows]
    assert "Vụ C" not in titles and quiet.title not in titles
    assert titles[0] == "Vụ A"
    ra = rows[0]
    values = {n: s.value for n, s in ra.signals.items()}
    assert values == {"repeat_visits": 2, "group_visits": 1, "petitions_joined": 2, "overdue": 4, "near_due": 0,
                      "second_level": 0, "higher_body": 1}
    assert [s.name for s in ra.present] == ["repeat_visits", "group_visits", "petitions_joined", "overdue",
                                           "higher_body"]
    w = {n: v[0] for n, v in escalation.WEIGHTS.items()}
    assert ra.score == 2 * w["repeat_visits"] + w["group_visits"] + 2 * w["petitions_joined"] + w["overdue"] \
        + w["higher_body"]
    rb = next(r for r in rows if r.title == "Vụ B")
    assert rb.signals["near_due"].value == 3 and rb.signals["second_level"].present
    # The second-level case itself (at the province) is open and carries the signal too.
    assert next(r for r in rows if r.title == "Vụ B lần hai").signals["second_level"].present
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)


def test_scope_and_due_today(app):
    make_case(title="Hạn hôm nay", due=TODAY)
    other = make_case("PLVT", title="Phường", due=date(2026, 4, 1))
    handler = make_user("handler", "XCL")
    rows = escalation.at_risk(handler, TODAY)
    assert [r.title for r in rows] == ["Hạn hôm nay"]
    assert rows[0].signals["near_due"].present and rows[0].signals["near_due"].value == 0
    assert other.id in {r.case_id for r in escalation.at_risk(make_user("supervisor", "LS"), TODAY)}
    assert escalation.at_risk(make_user("supervisor", "LS"), TODAY, limit=1)[0].title == "Phường"
