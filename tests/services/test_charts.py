"""The chart figures (app.reports.charts), on both databases: months in Viet Nam time, the scope,
what is counted once, content and commune groups, the on-time rate per quarter, directives by
status, visits — and the SVG the charts are drawn as."""
from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from app.agencies.models import Agency, AdminUnit
from app.auth.scope import subtree_ids, visible_agency_ids
from app.cases.models import Case
from app.extensions import db
from app.formatting import LOCAL_TZ
from app.oversight.models import Directive
from app.petitions.models import ContentCategory, Petition, Petitioner
from app.reception.models import Visit
from app.reports import charts, svg
from tests.conftest import make_user

YEAR = 2025
SVG = "{http://www.w3.org/2000/svg}"


def agency(code: str) -> Agency:
    return db.session.scalars(select(Agency).where(Agency.code == code)).one()


def commune(code: str) -> AdminUnit:
    return db.session.scalars(select(AdminUnit).where(AdminUnit.level == "commune", AdminUnit.code == code)).one()


def category(code: str) -> ContentCategory:
    return db.session.scalars(select(ContentCategory).where(ContentCategory.code == code)).one()


def local(y, m, d, hh=9, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ)


def add_petition(code="TTLS", at=None, kind="complaint", *, category_code=None, commune_code=None,
                 protected=False, status="received", source=None, people=None) -> Petition:
    p = Petition(tracking_code=uuid.uuid4().hex[:12], agency_id=agency(code).id, kind=kind, channel="post",
                 status=status, received_at=at or local(YEAR, 3, 10), title="Đơn", content="Nội dung",
                 request="Yêu cầu", respondent="UBND", access_key_hash="x" * 64,
                 category_id=category(category_code).id if category_code else None,
                 source_petition_id=source.id if source else None)
    for position, commune_code_ in enumerate(people or [commune_code]):
        p.petitioners.append(Petitioner(
            position=position, role="petitioner" if position == 0 else "representative", is_protected=protected,
            full_name=None if protected else "Người gửi",
            commune_id=commune(commune_code_).id if commune_code_ and not protected else None))
    db.session.add(p)
    db.session.flush()
    return p


def add_case(code="TTLS", decided=None, due=None, kind="complaint_first") -> Case:
    c = Case(kind=kind, agency_id=agency(code).id, title="Vụ việc", accepted_on=date(YEAR, 1, 2),
             due_date=due, decision_date=decided, status="decided" if decided else "verifying")
    db.session.add(c)
    db.session.flush()
    return c


def add_directive(code="TTLS", issued=date(YEAR, 2, 1), due=date(YEAR, 3, 1), done=None) -> Directive:
    d = Directive(source="chairman", issued_on=issued, content="Nhiệm vụ", assignee_agency_id=agency(code).id,
                  due_on=due, done_on=done)
    db.session.add(d)
    db.session.flush()
    return d


_numbers = iter(range(1, 100_000))


def add_visit(officer, code="TTLS", at=None, people=1) -> Visit:
    at = at or local(YEAR, 5, 5)
    v = Visit(agency_id=agency(code).id, year=at.year, number=next(_numbers), visited_at=at,
              officer_id=officer.id, place="Trụ sở", kind="complaint", summary="Nội dung", outcome="settled",
              people_count=people, is_group=people >= 5)
    db.session.add(v)
    db.session.flush()
    return v


def only(code: str):
    return select(Agency.id).where(Agency.id == agency(code).id)


# --- months ----------------------------------------------------------------------------------

def test_months_are_those_of_viet_nam(app):
    add_petition(at=local(YEAR, 1, 31, 23, 30))  # 16:30 UTC on the 31st: January
    add_petition(at=local(YEAR, 2, 1, 0, 30))  # 17:30 UTC on 31 January: February
    add_petition(at=local(YEAR, 1, 1, 0, 10))  # 17:10 UTC on 31 December of the year before: January
    add_petition(at=local(YEAR - 1, 12, 31, 23, 30))  # the year before
    add_petition(at=local(YEAR, 12, 31, 23, 59), kind="denunciation")  # 16:59 UTC: still December
    add_petition(at=local(YEAR + 1, 1, 1, 0, 0))  # the next year
    by_month = charts.petitions_by_month(only("TTLS"), YEAR)
    assert by_month["complaint"][:2] == [2, 1] and sum(by_month["complaint"]) == 3
    assert by_month["denunciation"][11] == 1 and sum(by_month["denunciation"]) == 1
    assert sum(by_month["proposal"]) == 0
    assert charts.petitions_by_month(only("TTLS"), YEAR - 1)["complaint"][11] == 1


def test_a_petition_at_half_past_eleven_on_a_months_last_day_counts_in_that_month(app):
    at = local(YEAR, 4, 30, 23, 30)
    assert at.astimezone(timezone.utc).day == 30 and at.astimezone(timezone.utc).hour == 16
    add_petition(at=at, kind="proposal")
    assert charts.petitions_by_month(None, YEAR)["proposal"] == [0, 0, 0, 1] + [0] * 8


# --- scope and what is counted once ----------------------------------------------------------

def test_scope_is_the_users_agencies(app):
    add_petition("TTLS")
    add_petition("XCL")
    add_petition("XCL", kind="proposal")
    leader = make_user("leader", "TTLS")
    supervisor = make_user("supervisor", "LS")
    assert sum(map(sum, charts.petitions_by_month(visible_agency_ids(leader), YEAR).values())) == 1
    assert sum(map(sum, charts.petitions_by_month(visible_agency_ids(supervisor), YEAR).values())) == 3
    assert sum(map(sum, charts.petitions_by_month(subtree_ids(agency("XCL").id), YEAR).values())) == 2
    assert sum(map(sum, charts.petitions_by_month(None, YEAR).values())) == 3


def test_split_parent_left_out_and_transfers_counted_once_in_the_scope(app):
    add_petition("BTCD", status="split")  # its parts are counted instead
    add_petition("BTCD", kind="complaint")
    add_petition("BTCD", kind="denunciation", protected=True)
    original = add_petition("BTCD", kind="proposal", status="transferred")
    add_petition("XCL", kind="proposal", source=original, at=local(YEAR, 3, 12))  # the copy XCL received
    province = subtree_ids(agency("LS").id)
    assert {k: sum(v) for k, v in charts.petitions_by_month(province, YEAR).items()} == {
        "complaint": 1, "denunciation": 1, "proposal": 1}
    # For the commune alone, the copy is a petition it received.
    assert sum(charts.petitions_by_month(only("XCL"), YEAR)["proposal"]) == 1


# --- content and communes --------------------------------------------------------------------

def test_categories_most_frequent_first(app):
    for _ in range(3):
        add_petition(category_code="KN.HC.DAT.TRANHCHAP")
    add_petition(category_code="TC.THAMNHUNG", kind="denunciation", protected=True)
    add_petition()  # not classified
    rows = charts.petitions_by_category(only("TTLS"), YEAR)
    assert rows == [("Tranh chấp đất đai", "complaint", 3), (None, None, 1), ("Tham nhũng", "denunciation", 1)] \
        or rows == [("Tranh chấp đất đai", "complaint", 3), ("Tham nhũng", "denunciation", 1), (None, None, 1)]
    fig = charts.collect(only("TTLS"), YEAR, date(YEAR, 12, 31))
    staff = charts.category_chart(fig)
    assert dict(zip(staff.categories, (v.text for v in staff.series[0].values))) == {
        "Tranh chấp đất đai (Khiếu nại)": "3", "Tham nhũng (Tố cáo)": "1", "Chưa phân loại nội dung": "1"}
    # Public, threshold 3: the one-petition group is folded into "other", which is itself "dưới 3".
    public = charts.category_chart(fig, threshold=3)
    assert dict(zip(public.categories, (v.text for v in public.series[0].values))) == {
        "Tranh chấp đất đai (Khiếu nại)": "3", "Nội dung khác": "dưới 3", "Chưa phân loại nội dung": "dưới 3"}


def test_fold_keeps_the_top_groups():
    rows = [("A", 9), ("B", 7), ("C", 6), ("D", 2), (None, 4)]
    assert charts._fold(rows, 2, None, "khác", "không rõ") == [("A", 9), ("B", 7), ("khác", 8), ("không rõ", 4)]
    assert charts._fold(rows, 5, 5, "khác", "không rõ") == [("A", 9), ("B", 7), ("C", 6), ("khác", 2),
                                                            ("không rõ", 4)]


def test_communes_of_the_first_petitioner_and_never_a_denunciator(app):
    add_petition(commune_code="6193")
    add_petition(commune_code="6193", kind="proposal")
    add_petition(people=["5983", "6193"])  # counted once, at the first petitioner's commune
    add_petition()  # no commune given
    add_petition(kind="denunciation", protected=True, commune_code="6193")
    rows = dict(charts.petitions_by_commune(only("TTLS"), YEAR))
    cao_loc, lvt = commune("6193").name, commune("5983").name
    assert rows == {cao_loc: 2, lvt: 1, None: 1}


# --- on time ---------------------------------------------------------------------------------

def test_on_time_rate_per_quarter(app):
    add_case(decided=date(YEAR, 3, 31), due=date(YEAR, 3, 31))  # Q1, on the due day: on time
    add_case(decided=date(YEAR, 4, 1), due=date(YEAR, 3, 31))  # Q2, a day late
    add_case(decided=date(YEAR, 5, 2), due=date(YEAR, 6, 1))  # Q2, on time
    add_case(decided=date(YEAR, 6, 30), due=None)  # Q2, decided, no due date: not judged
    add_case(decided=date(YEAR + 1, 1, 1), due=date(YEAR, 12, 31))  # next year
    add_case(due=date(YEAR, 5, 1))  # not decided
    add_case("XCL", decided=date(YEAR, 2, 2), due=date(YEAR, 1, 1))  # another agency
    quarters = charts.on_time_by_quarter(only("TTLS"), YEAR)
    assert [(q.quarter, q.decided, q.on_time, q.late) for q in quarters] == [
        (1, 1, 1, 0), (2, 3, 1, 1), (3, 0, 0, 0), (4, 0, 0, 0)]
    assert quarters[0].rate == 100 and quarters[1].rate == 50 and quarters[2].rate is None
    chart = charts.on_time_chart(charts.collect(only("TTLS"), YEAR, date(YEAR, 12, 31)))
    assert [v.text for v in chart.series[0].values] == ["100,0%", "50,0%", "—", "—"]
    assert chart.footer[0].text == "66,7%"
    # Public, threshold 5: rates over fewer judged cases are not published.
    public = charts.on_time_chart(charts.collect(only("TTLS"), YEAR, date(YEAR, 12, 31)), threshold=5)
    assert [v.text for v in public.series[0].values] == ["không công bố", "không công bố", "—", "—"]
    assert [s.key for s in public.series] == ["rate", "decided"]


# --- directives and visits -------------------------------------------------------------------

def test_directives_by_status_at_the_years_end_or_today(app):
    add_directive(due=date(YEAR, 3, 1), done=date(YEAR, 2, 20))  # done on time
    add_directive(due=date(YEAR, 3, 1), done=date(YEAR, 4, 2))  # done late
    add_directive(due=date(YEAR, 9, 30))  # open: in progress in June, overdue at the year's end
    add_directive(due=date(YEAR, 3, 1), done=date(YEAR + 1, 1, 5))  # done only next year: overdue in YEAR
    add_directive(issued=date(YEAR - 1, 12, 1))  # issued the year before
    add_directive("XCL")  # another agency
    end = charts.directives_by_status(only("TTLS"), YEAR, date(YEAR + 1, 6, 1))
    assert end == {"done_on_time": 1, "done_late": 1, "in_progress": 0, "overdue": 2}
    june = charts.directives_by_status(only("TTLS"), YEAR, date(YEAR, 6, 15))
    assert june == {"done_on_time": 1, "done_late": 1, "in_progress": 1, "overdue": 1}
    may = charts.directives_by_status(only("TTLS"), YEAR, date(YEAR, 3, 15))
    assert may == {"done_on_time": 1, "done_late": 0, "in_progress": 1, "overdue": 2}


def test_visits_in_the_local_year(app):
    officer = make_user("receptionist", "TTLS")
    add_visit(officer, people=6)
    add_visit(officer, at=local(YEAR, 1, 1, 0, 30))  # 17:30 UTC the day before: this year
    add_visit(officer, at=local(YEAR - 1, 12, 31, 23, 0))
    add_visit(officer, "XCL")
    assert charts.visit_totals(only("TTLS"), YEAR) == (2, 7)
    assert charts.visit_totals(None, YEAR) == (3, 8)


def test_first_year_offered(app):
    assert charts.first_year(None, 2026) == 2022
    add_petition(at=local(2019, 6, 1))
    assert charts.first_year(None, 2026) == 2019


# --- the SVG ---------------------------------------------------------------------------------

def _parse(markup) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    title, desc = root.find(SVG + "title"), root.find(SVG + "desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert not any(el.get("style") for el in root.iter())
    return root


@pytest.mark.parametrize("shape", ["columns", "bars", "line"])
def test_svg_is_well_formed_named_and_has_no_inline_style(shape):
    values = (svg.count(3), svg.count(0), svg.hidden("dưới 5"), svg.count(1234))
    chart = svg.Chart(id=f"t-{shape}", title="Đơn <năm> & \"quý\"", description="Mô tả", shape=shape,
                      categories=("Quý I", "Quý II", "Quý III", "Quý IV"),
                      series=(svg.Series("a", "Khiếu nại", values), svg.Series("b", "Tố cáo", values)))
    root = _parse(chart.svg())
    assert root.find(SVG + "title").text == 'Đơn <năm> & "quý"'
    texts = [t.text for t in root.iter(SVG + "text")]
    assert "1.234" in texts or "2.468" in texts  # Vietnamese thousands separator


def test_stacked_columns_draw_one_rect_per_segment_and_a_legend():
    chart = svg.Chart(id="t", title="T", description="D", categories=("T1", "T2"),
                      series=(svg.Series("a", "Khiếu nại", (svg.count(2), svg.count(0))),
                              svg.Series("b", "Tố cáo", (svg.count(3), svg.count(1)))))
    root = _parse(chart.svg())
    fills = [r.get("fill") for r in root.iter(SVG + "rect") if r.get("stroke") == "#fff"]
    assert len(fills) == 3 and len(set(fills)) == 2 and "url(#t-p1)" in fills  # a pattern, not colour alone
    assert root.find(f".//{SVG}pattern[@id='t-p1']") is not None
    texts = [t.text for t in root.iter(SVG + "text")]
    assert "Khiếu nại" in texts and "Tố cáo" in texts and "5" in texts  # legend and the total of T1


def test_empty_chart_is_reported_empty():
    chart = svg.Chart(id="t", title="T", description="D", categories=("A",),
                      series=(svg.Series("a", "A", (svg.count(0),)),))
    assert chart.is_empty
