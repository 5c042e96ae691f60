"""The chart pages: the staff charts (/staff/reports/charts/), the dashboard's chart and the public
statistics (/thong-ke/) — they render, every SVG is well-formed XML with a name, the tables hold the
figures, the scope and the permission hold, a bad choice gets a message at its field, and the
public page shows no personal data and hides small groups."""
from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import date, datetime

import lxml.html
import pytest
from sqlalchemy import select

from app.agencies.models import Agency, AdminUnit
from app.cases.models import Case
from app.extensions import db
from app.formatting import LOCAL_TZ, local_today
from app.oversight.models import Directive
from app.petitions.models import ContentCategory, Petition, Petitioner
from app.reception.models import Visit
from tests.conftest import make_user

YEAR = local_today().year - 1  # a whole past year, always offered by the year picker
SVG_RE = re.compile(r"<svg xmlns=\"http://www.w3.org/2000/svg\".*?</svg>", re.S)
NAME, ID_NUMBER, PHONE = "Hoàng Thị Dễ Nhận", "020199887766", "0987654321"


def text(resp) -> str:
    return resp.get_data(as_text=True)


def agency(code: str) -> Agency:
    return db.session.scalars(select(Agency).where(Agency.code == code)).one()


def add_petition(code="TTLS", month=3, kind="complaint", *, category_code=None, commune_code=None,
                 name="Người gửi", id_number=None, hour=9) -> Petition:
    p = Petition(tracking_code=f"{code}-{YEAR}-{uuid.uuid4().hex[:6]}", agency_id=agency(code).id, kind=kind,
                 channel="post", received_at=datetime(YEAR, month, 10, hour, tzinfo=LOCAL_TZ),
                 title="Đơn về việc cấp giấy chứng nhận", content="Nội dung riêng của đơn", request="Yêu cầu",
                 respondent="Ông Lục Văn Bị", access_key_hash="x" * 64)
    if category_code:
        p.category_id = db.session.scalars(
            select(ContentCategory.id).where(ContentCategory.code == category_code)).one()
    unit = None
    if commune_code:
        unit = db.session.scalars(select(AdminUnit.id).where(AdminUnit.level == "commune",
                                                             AdminUnit.code == commune_code)).one()
    p.petitioners.append(Petitioner(position=0, role="petitioner", full_name=name, id_number=id_number,
                                    phone=PHONE if id_number else None, commune_id=unit))
    db.session.add(p)
    return p


def add_case(code="TTLS", decided=date(YEAR, 2, 10), due=date(YEAR, 2, 28)) -> Case:
    c = Case(kind="complaint_first", agency_id=agency(code).id, title="Vụ việc của ông Lục Văn Bị",
             accepted_on=date(YEAR, 1, 5), due_date=due, decision_date=decided, status="decided")
    db.session.add(c)
    return c


def svgs(page: str) -> list[ET.Element]:
    """Every inline SVG of a page, parsed as XML (fails on malformed markup)."""
    found = [ET.fromstring(m) for m in SVG_RE.findall(page)]
    for root in found:
        assert root.get("role") == "img" and root.get("aria-labelledby")
        title = root.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and title.text and title.get("id") in root.get("aria-labelledby")
    return found


def table(page: str, table_id: str) -> dict[str, list[str]]:
    """A chart's table as {row header: [cells]} (the footer row included)."""
    tree = lxml.html.fromstring(page)
    tables = tree.xpath(f"//table[@id='{table_id}']")
    assert len(tables) == 1, table_id
    assert tables[0].xpath("./caption"), "a table has a caption"
    rows = {}
    for tr in tables[0].xpath(".//tbody/tr | .//tfoot/tr"):
        rows[tr.xpath("./th")[0].text_content().strip()] = [td.text_content().strip() for td in tr.xpath("./td")]
    return rows


@pytest.fixture
def data(app):
    """Petitions, cases and visits of a past year at the inspectorate (TTLS) and a commune (XCL)."""
    for _ in range(3):
        add_petition(month=1, category_code="KN.HC.DAT.TRANHCHAP", commune_code="6193")
    for _ in range(6):
        add_petition(month=3, category_code="KN.HC.DAT.BOITHUONG", commune_code="5983")
    add_petition(month=3, kind="proposal", category_code="KNPA.QUANLY", name=NAME, id_number=ID_NUMBER,
                 commune_code="6193")
    add_petition(month=2, kind="denunciation", category_code="TC.THAMNHUNG")
    add_petition("XCL", month=5, kind="proposal")
    add_case(decided=date(YEAR, 2, 10), due=date(YEAR, 2, 28))
    add_case(decided=date(YEAR, 3, 10), due=date(YEAR, 2, 28))
    add_case("XCL", decided=date(YEAR, 8, 1), due=date(YEAR, 9, 1))
    db.session.add(Directive(source="chairman", issued_on=date(YEAR, 2, 1), content="Nhiệm vụ", due_on=date(YEAR, 3, 1),
                             done_on=date(YEAR, 4, 1), assignee_agency_id=agency("TTLS").id))
    officer = make_user("receptionist", "TTLS")
    db.session.add(Visit(agency_id=agency("TTLS").id, year=YEAR, number=1,
                         visited_at=datetime(YEAR, 4, 2, 9, tzinfo=LOCAL_TZ), officer_id=officer.id, place="Trụ sở",
                         kind="complaint", summary="Nội dung", outcome="settled", people_count=3))
    db.session.commit()


# --- staff chart page --------------------------------------------------------------------------

def test_staff_charts_show_the_figures_of_the_scope(login_as, data):
    client, _user = login_as("leader", "TTLS")
    resp = client.get(f"/staff/reports/charts/?year={YEAR}")
    assert resp.status_code == 200
    page = text(resp)
    assert len(svgs(page)) == 5
    months = table(page, "chart-kind-month-table")
    assert months["Tháng 1"] == ["3", "0", "0", "3"]
    assert months["Tháng 2"] == ["0", "1", "0", "1"]
    assert months["Tháng 3"] == ["6", "0", "1", "7"]
    assert months["Tháng 5"] == ["0", "0", "0", "0"]  # XCL's petition is not the inspectorate's
    assert months["Cả năm"] == ["9", "1", "1", "11"]
    categories = table(page, "chart-category-table")
    assert categories["Đền bù, giải phóng mặt bằng, giải tỏa (Khiếu nại)"] == ["6"]
    assert categories["Tham nhũng (Tố cáo)"] == ["1"]  # staff see every group, however small
    communes = table(page, "chart-commune-table")
    assert sum(int(v[0]) for v in communes.values()) == 10  # the denunciation is not placed
    on_time = table(page, "chart-on-time-table")
    assert on_time["Quý I"] == ["50,0%", "2", "1", "1"] and on_time["Cả năm"] == ["50,0%", "2", "1", "1"]
    assert 'id="kf-received">11<' in page and 'id="kf-visits">1<' in page
    assert table(page, "chart-directives-table")["Hoàn thành quá hạn"] == ["1"]
    assert NAME not in page and ID_NUMBER not in page


def test_supervisor_sees_the_subtree_and_can_narrow_it(login_as, data):
    client, _user = login_as("supervisor", "LS")
    page = text(client.get(f"/staff/reports/charts/?year={YEAR}"))
    assert table(page, "chart-kind-month-table")["Cả năm"][-1] == "12"
    assert '<select' in page and 'name="agency"' in page
    xcl = agency("XCL").id
    page = text(client.get(f"/staff/reports/charts/?year={YEAR}&agency={xcl}"))
    assert table(page, "chart-kind-month-table")["Cả năm"][-1] == "1"
    assert f'<option selected value="{xcl}">' in page or f'value="{xcl}" selected' in page


def test_a_leader_of_another_agency_sees_only_theirs(login_as, data):
    client, _user = login_as("leader", "XCL")
    page = text(client.get(f"/staff/reports/charts/?year={YEAR}"))
    assert table(page, "chart-kind-month-table")["Cả năm"][-1] == "1"
    assert 'name="agency"' not in page  # one agency: nothing to choose
    # Asking for the inspectorate by id changes nothing: it is not among the choices.
    page = text(client.get(f"/staff/reports/charts/?year={YEAR}&agency={agency('TTLS').id}"))
    assert table(page, "chart-kind-month-table")["Cả năm"][-1] == "1"


def test_bad_choices_get_a_message_at_the_field(login_as, data):
    client, _user = login_as("supervisor", "LS")
    page = text(client.get("/staff/reports/charts/?year=1890&agency=abc"))
    assert "Hãy chọn một năm trong danh sách." in page and "Hãy chọn một cơ quan trong danh sách." in page
    assert 'id="year-error"' in page and 'aria-invalid="true"' in page
    this_year = local_today().year
    assert f"Đang hiện năm {this_year}, tất cả cơ quan trong phạm vi." in page
    assert f"<h1 class=\"h3\">Biểu đồ thống kê năm {this_year}</h1>" in page


@pytest.mark.parametrize("role", ["receptionist", "handler"])
def test_roles_without_report_read_are_refused(login_as, role):
    client, _user = login_as(role, "TTLS")
    assert client.get("/staff/reports/charts/").status_code == 403
    assert 'id="link-charts"' not in text(client.get("/staff/"))


def test_anonymous_is_sent_to_sign_in(client):
    resp = client.get("/staff/reports/charts/")
    assert resp.status_code == 302 and "/staff/login" in resp.headers["Location"]


def test_dashboard_shows_this_years_chart_to_report_readers(login_as):
    add_petition("TTLS")  # last year: not on this year's chart
    p = add_petition("TTLS", kind="denunciation")
    now = datetime.now(LOCAL_TZ)
    p.received_at = now
    db.session.commit()
    client, _user = login_as("leader", "TTLS")
    page = text(client.get("/staff/"))
    assert 'id="link-charts"' in page
    [root] = svgs(page)
    assert "dashboard-kind-month" in root.get("aria-labelledby")
    months = table(page, "dashboard-kind-month-table")
    assert months[f"Tháng {now.month}"] == ["0", "1", "0", "1"] and months["Cả năm"] == ["0", "1", "0", "1"]


# --- public statistics -----------------------------------------------------------------------

def test_public_statistics_aggregate_only(client, data):
    resp = client.get(f"/thong-ke/?year={YEAR}")
    assert resp.status_code == 200
    page = text(resp)
    assert len(svgs(page)) == 5
    assert 'id="kf-received">12<' in page and 'id="kf-decided">3<' in page and 'id="kf-visits">1<' in page
    assert table(page, "stats-month-table")["Tháng 3"] == ["7"]
    assert table(page, "stats-kind-table") == {"Khiếu nại": ["9"], "Tố cáo": ["1"], "Kiến nghị, phản ánh": ["2"],
                                               "Tổng": ["12"]}
    # Groups under the threshold (5) are folded into "other"; a group still under it shows "dưới 5".
    categories = table(page, "stats-category-table")
    assert categories == {"Đền bù, giải phóng mặt bằng, giải tỏa (Khiếu nại)": ["6"], "Nội dung khác": ["5"],
                          "Chưa phân loại nội dung": ["dưới 5"]}
    communes = table(page, "stats-commune-table")
    assert communes["Phường Lương Văn Tri"] == ["6"] and communes["Các xã, phường khác"] == ["dưới 5"]
    assert communes["Không rõ địa bàn"] == ["dưới 5"] and len(communes) == 3
    # Fewer than five cases judged in a quarter: no rate published.
    on_time = table(page, "stats-on-time-table")
    assert on_time["Quý I"] == ["không công bố", "2"] and on_time["Cả năm"] == ["không công bố", "3"]
    assert 'id="kf-rate">không công bố<' in page
    # No personal data, no record: names, ID number, phone, codes, content, respondent.
    for secret in (NAME, ID_NUMBER, PHONE, "Người gửi", f"TTLS-{YEAR}-", "Nội dung riêng", "Lục Văn Bị"):
        assert secret not in page, secret
    assert resp.headers["Cache-Control"].startswith("private, max-age=") and "no-store" not in resp.headers[
        "Cache-Control"]


def test_public_statistics_of_one_province_agency(client, data):
    page = text(client.get(f"/thong-ke/?year={YEAR}&agency={agency('TTLS').id}"))
    assert 'id="kf-received">11<' in page and "Số liệu của Thanh tra tỉnh Lạng Sơn" in page
    options = lxml.html.fromstring(page).xpath("//select[@name='agency']/option/text()")
    assert "Ủy ban nhân dân xã Cao Lộc" not in options and "Thanh tra tỉnh Lạng Sơn" in options
    page = text(client.get(f"/thong-ke/?year={YEAR}&agency={agency('XCL').id}"))  # not a province body
    assert "Hãy chọn một cơ quan trong danh sách." in page and 'id="kf-received">12<' in page


def test_public_bad_year_gets_a_message(client):
    page = text(client.get("/thong-ke/?year=hai-nghin"))
    assert "Hãy chọn một năm trong danh sách." in page
    assert f"Đang hiện năm {local_today().year}." in page


@pytest.fixture
def app_overrides(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("app_overrides", [{"STATS_CACHE_SECONDS": 600}], indirect=True)
def test_public_figures_are_kept_for_a_while(client, data):
    assert 'id="kf-received">12<' in text(client.get(f"/thong-ke/?year={YEAR}"))
    add_petition()
    db.session.commit()
    assert 'id="kf-received">12<' in text(client.get(f"/thong-ke/?year={YEAR}"))  # kept
    # Another agency or year is counted afresh.
    assert 'id="kf-received">12<' in text(client.get(f"/thong-ke/?year={YEAR}&agency={agency('TTLS').id}"))


@pytest.mark.parametrize("app_overrides", [{"STATS_CACHE_SECONDS": 0, "STATS_SMALL_CELL": 2}], indirect=True)
def test_threshold_and_cache_are_settings(client, data):
    page = text(client.get(f"/thong-ke/?year={YEAR}"))
    assert table(page, "stats-category-table")["Tranh chấp đất đai (Khiếu nại)"] == ["3"]
    add_petition()
    db.session.commit()
    assert 'id="kf-received">13<' in text(client.get(f"/thong-ke/?year={YEAR}"))  # not kept
