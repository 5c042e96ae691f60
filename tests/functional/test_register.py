"""The reception register (sổ tiếp công dân): list, filters, pagination, Excel export, print view."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest
from app.extensions import db
from app.petitions.services import new_form_token
from app.reception.services import VisitDraft, VisitorInput, log_visit
from tests.conftest import search

MASKED = "Người tố cáo (được bảo mật)"
REGISTER = "/staff/reception/register/"


def log(user, *, when=datetime(2026, 11, 20, 2, 30, tzinfo=timezone.utc), outcome="petition_received",
        kind="complaint", name="Nguyễn Văn An", id_number="020085001234", phone=None, people_count=1,
        summary="Không đồng ý mức bồi thường khi thu hồi đất.", **extra):
    """Log one visit through the desk service (committed)."""
    draft = VisitDraft(
        visited_at=when, place="Trụ sở tiếp công dân", kind=kind, outcome=outcome, summary=summary,
        request="Đề nghị xem xét lại.", prior_handling=extra.pop("prior_handling", None),
        people_count=people_count,
        visitors=[VisitorInput(full_name=name, id_number=id_number, phone=phone, address="Thôn Bản Làn, xã Cao Lộc")],
        **extra,
    )
    visit = log_visit(draft, user=user, form_token=new_form_token()).visit
    db.session.commit()
    return visit


@pytest.fixture
def book(login_as):
    """A small register of the reception board (BTCD) and one visit of another agency (XCL)."""
    client, user = login_as("receptionist", "BTCD", full_name="Lê Văn Tiếp")
    visits = {
        "complaint": log(user, prior_handling="UBND xã đã trả lời bằng văn bản ngày 01/10/2026."),
        "guided": log(user, when=datetime(2026, 11, 10, 3, 0, tzinfo=timezone.utc), outcome="guided",
                      kind="proposal", name="Trần Thị Hoa", id_number="020190001234", phone="0987654321",
                      summary="Phản ánh đường giao thông nông thôn xuống cấp.", guided_to="UBND xã Cao Lộc"),
        "denunciation": log(user, when=datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc), kind="denunciation",
                            name="Phạm Văn Tố", id_number="020077004321",
                            summary="Tố cáo cán bộ địa chính nhận tiền."),
        "group": log(user, when=datetime(2026, 10, 5, 2, 0, tzinfo=timezone.utc), outcome="refused",
                     name="Hoàng Văn Đoàn", id_number="020066001111", people_count=8,
                     summary="Đoàn khiếu nại kéo dài.", refusal_ground="persistent",
                     outcome_note="Vụ việc đã được giải quyết đúng pháp luật."),
    }
    _other_client, other = login_as("receptionist", "XCL")
    log(other, name="Vũ Thị Khác", id_number="020055002222", summary="Việc của xã khác.")
    return client, user, visits


def rows_of(html: str) -> str:
    """The table body of the register page."""
    match = re.search(r"<tbody>(.*)</tbody>", html, re.S)
    return match.group(1) if match else ""


def test_register_lists_the_agency_visits_with_the_law_columns(book):
    client, _user, visits = book
    resp = client.get(REGISTER)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Sổ tiếp công dân" in html and 'aria-current="page"' in html  # the reception tabs
    body = rows_of(html)
    for text in ("Nguyễn Văn An", "Thôn Bản Làn, xã Cao Lộc", "20/11/2026", "UBND xã đã trả lời bằng văn bản",
                 "Đề nghị xem xét lại.", "Hướng dẫn đến cơ quan có thẩm quyền: UBND xã Cao Lộc",
                 "Từ chối tiếp: Điều 9 khoản 3", "Lần đầu", visits["complaint"].register_number):
        assert text in body, text
    assert "4 lượt tiếp" in html
    # Another agency's visit is not in this register; a denunciator is masked.
    assert "Vũ Thị Khác" not in html
    assert "Phạm Văn Tố" not in html and MASKED in body
    # Newest first.
    assert body.index("25/11/2026") < body.index("20/11/2026") < body.index("10/11/2026") < body.index("05/10/2026")


@pytest.mark.parametrize("query, present, absent", [
    ({"kind": "proposal"}, ["Trần Thị Hoa"], ["Nguyễn Văn An", MASKED]),
    ({"outcome": "refused"}, ["Hoàng Văn Đoàn"], ["Nguyễn Văn An"]),
    ({"group_only": "y"}, ["Hoàng Văn Đoàn"], ["Trần Thị Hoa"]),
    ({"date_from": "15/11/2026", "date_to": "21/11/2026"}, ["Nguyễn Văn An"], ["Trần Thị Hoa", MASKED]),
    ({"q": "duong giao thong"}, ["Trần Thị Hoa"], ["Nguyễn Văn An"]),
    ({"q": "Nguyen Van An"}, ["Nguyễn Văn An"], ["Trần Thị Hoa"]),
    ({"q": "020190001234"}, ["Trần Thị Hoa"], ["Nguyễn Văn An"]),
    ({"q": "0987 654 321"}, ["Trần Thị Hoa"], ["Nguyễn Văn An"]),
    ({"q": "Pham Van To"}, [], ["Nguyễn Văn An", MASKED]),  # a denunciator is never found by name
    ({"reply": "awaiting"}, ["Nguyễn Văn An", MASKED], ["Trần Thị Hoa", "Hoàng Văn Đoàn"]),
    ({"awaiting": "1"}, ["Nguyễn Văn An", MASKED], ["Trần Thị Hoa"]),  # the dashboard's link
    ({"channel": "online"}, [], ["Nguyễn Văn An"]),
    ({"repeat": "repeat"}, [], ["Nguyễn Văn An"]),
    ({"repeat": "first"}, ["Nguyễn Văn An", "Trần Thị Hoa"], []),
])
def test_filters_narrow_the_register(book, query, present, absent):
    client, _user, _visits = book
    # The search box is sent by POST (the term never goes into a URL); the other filters are links too.
    resp = search(client, REGISTER, query) if "q" in query else client.get(REGISTER, query_string=query)
    body = rows_of(resp.get_data(as_text=True))
    for text in present:
        assert text in body, (query, text)
    for text in absent:
        assert text not in body, (query, text)


def test_filter_by_register_number_and_officer(book, login_as):
    client, user, visits = book
    body = rows_of(search(client, REGISTER, {"q": visits["guided"].register_number}).get_data(as_text=True))
    assert "Trần Thị Hoa" in body and "Nguyễn Văn An" not in body
    _c, colleague = login_as("receptionist", "BTCD", full_name="Đỗ Thị Đồng Nghiệp")
    log(colleague, name="Bùi Văn Mới", id_number="020011003333")
    html = client.get(REGISTER).get_data(as_text=True)
    assert "Đỗ Thị Đồng Nghiệp" in html  # offered as an officer
    body = rows_of(client.get(REGISTER, query_string={"officer": str(colleague.id)}).get_data(as_text=True))
    assert "Bùi Văn Mới" in body and "Nguyễn Văn An" not in body


def test_overdue_replies(book):
    client, _user, visits = book
    visit = visits["complaint"]
    visit.reply_due = visit.visited_at.date() - timedelta(days=1)
    db.session.commit()
    for query in ({"reply": "overdue"}, {"awaiting": "1", "overdue": "1"}):
        body = rows_of(client.get(REGISTER, query_string=query).get_data(as_text=True))
        assert "Nguyễn Văn An" in body and MASKED not in body, query
    visit.replied_on = visit.visited_at.date()
    db.session.commit()
    overdue = client.get(REGISTER, query_string={"reply": "overdue"}).get_data(as_text=True)
    assert "Nguyễn Văn An" not in rows_of(overdue)
    assert "Nguyễn Văn An" in rows_of(client.get(REGISTER, query_string={"reply": "replied"}).get_data(as_text=True))


def test_bad_dates_are_reported_and_ignored(book):
    client, _user, _visits = book
    query = {"date_from": "21/11/2026", "date_to": "01/11/2026"}
    html = client.get(REGISTER, query_string=query).get_data(as_text=True)
    assert "Ngày kết thúc phải sau ngày bắt đầu." in html
    # The wrong bound is not applied; the valid one is.
    body = rows_of(html)
    assert MASKED in body and "Nguyễn Văn An" not in body


def test_pagination_25_a_page(login_as):
    client, user = login_as("receptionist", "BTCD")
    start = datetime(2026, 11, 1, 1, 0, tzinfo=timezone.utc)
    for i in range(27):
        log(user, when=start + timedelta(hours=i), name=f"Công Dân {i:02d}", id_number=None)
    first = client.get(REGISTER).get_data(as_text=True)
    assert "27 lượt tiếp" in first and "Trang 1 / 2" in first
    assert rows_of(first).count("<tr>") == 25
    assert "Công Dân 26" in first and "Công Dân 01" not in first
    assert 'href="/staff/reception/register/?page=2"' in first
    second = client.get(REGISTER, query_string={"page": 2}).get_data(as_text=True)
    assert rows_of(second).count("<tr>") == 2 and "Công Dân 00" in second and "Công Dân 01" in second
    # The page link keeps the filters.
    filtered = client.get(REGISTER, query_string={"kind": "complaint"}).get_data(as_text=True)
    assert "kind=complaint" in re.search(r'<nav aria-label="Phân trang">.*?</nav>', filtered, re.S).group(0)


def test_export_xlsx(book):
    client, _user, visits = book
    resp = client.get("/staff/reception/register/export.xlsx",
                      query_string={"date_from": "01/10/2026", "date_to": "30/11/2026"})
    assert resp.status_code == 200
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename=so-tiep-cong-dan-2026-10-01-2026-11-30.xlsx" in resp.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    assert ws["A1"].value == "BAN TIẾP CÔNG DÂN TỈNH LẠNG SƠN"
    assert ws["A2"].value == "SỔ TIẾP CÔNG DÂN"
    assert ws["A3"].value == "Từ ngày 01/10/2026 đến ngày 30/11/2026"
    header = [c.value for c in ws[5]]
    assert header[:4] == ["STT", "Ngày tiếp", "Họ tên", "Địa chỉ"]
    assert "Quá trình xem xét, giải quyết" in header and "Yêu cầu, đề nghị" in header
    assert "Hướng xử lý, kết quả" in header and "Lần đầu / tái diễn" in header and "Số người" in header
    assert ws.freeze_panes == "A6"
    rows = {r[2].value: r for r in ws.iter_rows(min_row=6)}
    assert len(rows) == 4  # three named visitors and the masked one; the other agency is absent
    # Oldest first: the register's order.
    assert [r[0].value for r in ws.iter_rows(min_row=6)][0] == visits["group"].register_number
    row = rows["Nguyễn Văn An"]
    col = {name: i for i, name in enumerate(header)}
    assert row[col["STT"]].value == visits["complaint"].register_number
    assert row[col["Địa chỉ"]].value == "Thôn Bản Làn, xã Cao Lộc"
    assert row[col["Quá trình xem xét, giải quyết"]].value == "UBND xã đã trả lời bằng văn bản ngày 01/10/2026."
    assert row[col["Hướng xử lý, kết quả"]].value.startswith("Tiếp nhận đơn: mã hồ sơ BTCD-2026-")
    assert row[col["Lần đầu / tái diễn"]].value == "Lần đầu"
    date_cell = row[col["Ngày tiếp"]]
    assert date_cell.is_date and date_cell.value.date().isoformat() == "2026-11-20"
    assert date_cell.number_format == "dd/mm/yyyy"
    assert row[col["Nội dung vụ việc"]].alignment.wrap_text
    assert rows["Hoàng Văn Đoàn"][col["Số người"]].value == 8
    masked = rows[MASKED]
    assert masked[col["Địa chỉ"]].value == MASKED
    assert "Phạm Văn Tố" not in str([[c.value for c in r] for r in ws.iter_rows()])


def test_export_never_turns_text_into_a_formula(login_as):
    client, user = login_as("receptionist", "BTCD")
    log(user, summary='=HYPERLINK("http://example.com","bấm")')
    ws = openpyxl.load_workbook(io.BytesIO(client.get("/staff/reception/register/export.xlsx").data)).active
    cell = [r for r in ws.iter_rows(min_row=6)][0][6]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_export_cap_is_said_in_the_file(book, monkeypatch):
    from app.reception import register

    client, _user, _visits = book
    monkeypatch.setattr(register, "EXPORT_CAP", 2)
    resp = client.get("/staff/reception/register/export.xlsx")
    assert "filename=so-tiep-cong-dan-dau-ky-" in resp.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    assert ws["A3"].value == "Toàn bộ thời gian"
    assert "Chỉ xuất 2 trên tổng số 4 lượt tiếp" in ws["A4"].value
    assert len(list(ws.iter_rows(min_row=7))) == 2


def test_print_view(book):
    client, _user, _visits = book
    resp = client.get("/staff/reception/register/print", query_string={"kind": "complaint"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "SỔ TIẾP CÔNG DÂN" in html and "css/print-register.css" in html and "js/print.js" in html
    assert "Nguyễn Văn An" in html and "20/11/2026" in html and "Hoàng Văn Đoàn" in html and "2 lượt tiếp" in html
    assert "Trần Thị Hoa" not in html and MASKED not in html
    assert html.index("05/10/2026") < html.index("20/11/2026")  # the register's order
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) and " style=" not in html
    assert "kind=complaint" in html  # the export and back links keep the filter
    everything = client.get("/staff/reception/register/print").get_data(as_text=True)
    assert "4 lượt tiếp" in everything and MASKED in everything and "Phạm Văn Tố" not in everything


def test_print_view_cap(book, monkeypatch):
    from app.reception import register

    client, _user, _visits = book
    monkeypatch.setattr(register, "PRINT_CAP", 3)
    html = client.get("/staff/reception/register/print").get_data(as_text=True)
    assert "Bản in chỉ gồm 3 lượt tiếp đầu tiên trên tổng số 4" in html
    assert "25/11/2026" not in html  # the newest is cut


def test_other_agency_and_supervisor_scope(book, login_as):
    _client, _user, _visits = book
    other_client, _other = login_as("handler", "XCL")
    body = rows_of(other_client.get(REGISTER).get_data(as_text=True))
    assert "Vũ Thị Khác" in body and "Nguyễn Văn An" not in body
    sup_client, _sup = login_as("supervisor", "LS")
    html = sup_client.get(REGISTER).get_data(as_text=True)
    assert "Nguyễn Văn An" in html and "Vũ Thị Khác" in html and "Ban Tiếp công dân tỉnh Lạng Sơn" in html
    assert "Phạm Văn Tố" not in html
    admin_client, _admin = login_as("admin", "LS")
    assert admin_client.get(REGISTER).status_code == 403
    assert admin_client.get("/staff/reception/register/export.xlsx").status_code == 403


def test_repeat_visits_are_marked_and_filtered(book):
    client, user, visits = book
    log(user, when=datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc), name="Trần Thị Hoa", id_number="020190001234",
        kind="proposal", summary="Lại phản ánh đường giao thông.", repeat_ref=f"visit:{visits['guided'].id}")
    body = rows_of(client.get(REGISTER, query_string={"repeat": "repeat"}).get_data(as_text=True))
    assert "Lại phản ánh đường giao thông." in body and "Tái diễn" in body
    assert "Nguyễn Văn An" not in body and body.count("<tr>") == 1


def test_register_links_each_row_to_its_visit_when_the_page_exists(app, book):
    from flask import url_for

    client, _user, visits = book
    html = client.get(REGISTER).get_data(as_text=True)
    if "reception.visit" not in app.view_functions:
        pytest.skip("the visit page (reception.visit) is not there yet")
    with app.test_request_context():
        link = url_for("reception.visit", visit_id=visits["complaint"].id)
    assert f'href="{link}"' in html
