"""The reports pages: picker, summary with linked figures, forms, cells, workbook, print; scope and
permissions; bad periods answered at the field."""
from __future__ import annotations

import html
import io
import re
from datetime import date

from openpyxl import load_workbook

from app.extensions import db
from tests.reports import factories as f

NINE = {"period": "nine_months", "year": "2021"}


def text(resp) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True))))


def some_data():
    f.visit("TTLS", date(2021, 1, 5), people=3)
    f.visit("TTLS", date(2021, 2, 5))
    f.visit("XCL", date(2021, 2, 5))
    i = f.inspection("TTLS", date(2021, 1, 4), concluded=date(2021, 3, 1), found=1_391_100_000,
                     recommended=1_147_000_000)
    f.recovery(i, date(2021, 5, 1), money=1_018_800_000)
    f.directive("TTLS", date(2021, 2, 1), date(2021, 3, 1), done=date(2021, 2, 20))
    f.petition("TTLS", date(2021, 3, 3))
    db.session.commit()


def test_summary_with_every_figure_linked(login_as):
    some_data()
    client, _user = login_as("leader", "TTLS")
    resp = client.get("/staff/reports/", query_string=NINE)
    assert resp.status_code == 200
    page = text(resp)
    assert ("Trong 9 tháng đầu năm 2021, Thanh tra tỉnh Lạng Sơn triển khai 1 cuộc thanh tra và đã kết thúc 1 cuộc, "
            "phát hiện số tiền sai phạm là 1.391,1 triệu đồng, kiến nghị thu hồi 1.147,0 triệu đồng, đã thu hồi được "
            "1.018,8 triệu đồng, đạt tỷ lệ 88,8%; tiếp 2 lượt công dân, tiếp nhận 1 lượt đơn thư.") in page
    body = resp.get_data(as_text=True)
    narrative = re.search(r'id="report-narrative">(.*?)</p>', body, re.S).group(1)
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', narrative)
    assert len(links) >= 8
    visits_link = next(href for href, label in links if "col=visits" in href)
    cell = client.get(html.unescape(visits_link))
    assert cell.status_code == 200 and "2 hồ sơ" in text(cell)
    money_link = next(href for href, label in links if "col=money_recovered" in href)
    assert "1.018,8" in text(client.get(html.unescape(money_link)))


def test_form_page_cells_link_to_their_records(login_as):
    some_data()
    client, _user = login_as("leader", "TTLS")
    resp = client.get("/staff/reports/forms/01-tcd", query_string=NINE)
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "Tiếp thường xuyên" in body and 'colspan="' in body and "Đoàn đông người" in body
    link = re.search(r'href="(/staff/reports/forms/01-tcd/cell\?[^"]*col=total_people[^"]*)"', body).group(1)
    cell = client.get(html.unescape(link))
    assert cell.status_code == 200 and re.search(r"Thanh tra tỉnh Lạng Sơn: 4 · 2 hồ sơ", text(cell))
    for code in ("01-xld", "01-kqgq", "kqgq-tc", "02-kqgq"):
        assert client.get(f"/staff/reports/forms/{code}", query_string=NINE).status_code == 200
    assert client.get("/staff/reports/forms/99-xx", query_string=NINE).status_code == 404
    resp = client.get("/staff/reports/forms/01-tcd/cell", query_string={**NINE, "col": "nope"})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/staff/reports/forms/01-tcd?")


def test_workbook_has_the_summary_and_every_form_with_merged_headers(login_as):
    some_data()
    client, _user = login_as("leader", "TTLS")
    resp = client.get("/staff/reports/export.xlsx", query_string=NINE)
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == ["Tóm tắt", "01-TCD", "01-XLD", "01-KQGQ", "KQGQ-TC", "02-KQGQ"]
    assert "đạt tỷ lệ 88,8%" in wb["Tóm tắt"]["A4"].value
    ws = wb["01-TCD"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == "STT")
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert any(r.startswith(f"C{header + 1}:") for r in merged)  # "Tổng số" spans its columns
    numbers = values[header + 2] if values[header + 2][0] == "A" else values[header + 3]
    assert numbers[:4] == ["A", "B", 3, 4]
    data_row = next(row for row in values if row[1] == "Thanh tra tỉnh Lạng Sơn")
    assert data_row[2:4] == [2, 4]  # visits, people
    one = load_workbook(io.BytesIO(client.get("/staff/reports/export.xlsx",
                                              query_string={**NINE, "form": "01-xld"}).data))
    assert one.sheetnames == ["01-XLD"]


def test_print_view(login_as):
    some_data()
    client, _user = login_as("leader", "TTLS")
    resp = client.get("/staff/reports/print", query_string=NINE)
    assert resp.status_code == 200
    page = text(resp)
    assert "BÁO CÁO KẾT QUẢ CÔNG TÁC 9 THÁNG ĐẦU NĂM 2021" in page and "Biểu 02/KQGQ" in page
    assert "print-report.css" in resp.get_data(as_text=True)


def test_bad_periods_are_answered_at_the_field_and_keep_the_choice(login_as):
    client, _user = login_as("leader", "TTLS")
    resp = client.get("/staff/reports/", query_string={"period": "quarter", "year": "2021", "number": "7"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="number-error"' in body and "Hãy chọn quý" in body
    assert 'value="7"' in body and 'value="2021"' in body
    resp = client.get("/staff/reports/", query_string={"period": "range", "start": "31/02/2021", "end": "x"})
    body = resp.get_data(as_text=True)
    assert "Ngày bắt đầu không đúng dạng dd/mm/yyyy" in body and 'value="31/02/2021"' in body
    # A broken form link goes back to the picker, which says what is wrong.
    resp = client.get("/staff/reports/forms/01-tcd", query_string={"period": "month", "year": "2021"})
    assert resp.status_code == 302 and "/staff/reports/?" in resp.headers["Location"]
    assert "Hãy chọn tháng" in text(client.get(resp.headers["Location"]))


def test_scope_and_permissions(login_as):
    some_data()
    from tests.reports.factories import agency
    receptionist, _u = login_as("receptionist", "TTLS")
    assert receptionist.get("/staff/reports/", query_string=NINE).status_code == 403
    leader, _u = login_as("leader", "TTLS")
    assert leader.get("/staff/reports/", query_string={**NINE, "agency": agency("XCL").id}).status_code == 404
    assert leader.get("/staff/reports/forms/01-tcd/cell",
                      query_string={**NINE, "agency": agency("XCL").id, "col": "total_visits"}).status_code == 404
    # A leader cannot widen to a subtree; the flag is ignored.
    resp = leader.get("/staff/reports/forms/01-tcd", query_string={**NINE, "subtree": "1"})
    assert "gồm đơn vị trực thuộc" not in text(resp)
    supervisor, _u = login_as("supervisor", "LS")
    resp = supervisor.get("/staff/reports/forms/01-tcd", query_string={**NINE, "subtree": "1"})
    page = text(resp)
    assert "gồm đơn vị trực thuộc" in page and "Ủy ban nhân dân xã Cao Lộc" in page and "Tổng cộng" in page
    resp = supervisor.get("/staff/reports/forms/01-tcd",
                          query_string={**NINE, "agency": agency("XCL").id})
    assert resp.status_code == 200
