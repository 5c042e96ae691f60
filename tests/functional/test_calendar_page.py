"""The calendar page: the deadline calculator around Tết 2027, the holiday list, overrides, the rules,
and `flask calendar due`."""
from __future__ import annotations

import html as htmllib
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit.models import Event
from app.calendar.models import CalendarOverride
from app.extensions import db
from app.formatting import local_today
from tests.conftest import csrf_of

PAGE = "/staff/calendar/"


def text(resp) -> str:
    return htmllib.unescape(resp.get_data(as_text=True))


def calc(client, **args):
    return text(client.get(PAGE, query_string=args))


def due_shown(page: str) -> str | None:
    found = re.search(r"Hạn cuối: (\d\d/\d\d/\d{4})", page)
    return found.group(1) if found else None


def add_override(client, **data):
    return client.post("/staff/calendar/overrides", data={"csrf_token": csrf_of(client, PAGE), **data})


@pytest.fixture
def admin_client(login_as):
    return login_as("admin", "LS")[0]


# --- access -----------------------------------------------------------------------------------

def test_handler_reads_the_calendar_but_cannot_change_it(login_as):
    client, _ = login_as("handler", "TTLS")
    page = text(client.get(PAGE))
    assert "Tính hạn" in page and "Thêm điều chỉnh lịch" not in page
    row = CalendarOverride(day=date(2027, 2, 13), kind="working_day", reason="Làm bù")
    db.session.add(row)
    db.session.commit()
    token = csrf_of(client, PAGE)
    assert client.post("/staff/calendar/overrides", data={"csrf_token": token, "day": "20/02/2027",
                                                          "kind": "working_day", "reason": "x"}).status_code == 403
    assert client.get(f"/staff/calendar/overrides/{row.id}/delete").status_code == 403
    assert client.post(f"/staff/calendar/overrides/{row.id}/delete", data={"csrf_token": token}).status_code == 403
    assert db.session.scalar(select(func.count(CalendarOverride.id))) == 1


def test_anonymous_visitor_is_sent_to_sign_in(client):
    resp = client.get(PAGE)
    assert resp.status_code == 302 and "/staff/login" in resp.headers["Location"]


def test_admin_sees_every_part(admin_client):
    page = text(admin_client.get(PAGE))
    for heading in ("Tính hạn", "Ngày nghỉ lễ, Tết và ngày điều chỉnh năm", "Thêm điều chỉnh lịch",
                    "Các quy định thời hạn"):
        assert heading in page


# --- calculator -------------------------------------------------------------------------------

def test_denunciation_initial_over_tet_2027(login_as):
    client, _ = login_as("handler", "TTLS")
    page = calc(client, rule="denunciation.initial", start="03/02/2027")
    # Tết Đinh Mùi: 04–10/02/2027 off; 7 working days = 11, 12, 15, 16, 17, 18, 19 February.
    assert due_shown(page) == "19/02/2027"
    assert "Thứ Sáu" in page and "7 ngày làm việc" in page
    assert "Luật Tố cáo 2018, Điều 24 khoản 1" in page
    assert 'value="03/02/2027"' in page  # the form keeps what was asked


def test_make_up_saturday_override_changes_the_result(admin_client):
    resp = add_override(admin_client, day="13/02/2027", kind="working_day", reason="Làm bù cho ngày 10/02/2027")
    assert resp.status_code == 302, text(resp)[:2000]
    page = calc(admin_client, rule="denunciation.initial", start="03/02/2027")
    assert due_shown(page) == "18/02/2027"


def test_extra_day_off_pushes_the_due_date(admin_client):
    assert add_override(admin_client, day="15/02/2027", kind="day_off", reason="Nghỉ thêm theo thông báo").status_code == 302
    assert due_shown(calc(admin_client, rule="denunciation.initial", start="03/02/2027")) == "22/02/2027"


def test_complex_and_remote_variants(admin_client):
    # 30 calendar days from 05/01/2027 end on 04/02/2027, inside Tết: moved to 11/02/2027.
    page = calc(admin_client, rule="complaint.first.resolve", start="05/01/2027")
    assert due_shown(page) == "11/02/2027" and "30 ngày" in page
    page = calc(admin_client, rule="complaint.first.resolve", start="05/01/2027", complex="y")
    assert due_shown(page) == "19/02/2027" and "45 ngày" in page and "Phức tạp" in page
    page = calc(admin_client, rule="complaint.first.resolve", start="05/01/2027", complex="y", remote="y")
    assert "60 ngày" in page and "Vùng sâu, vùng xa, phức tạp" in page
    for box in ("complex", "remote"):  # the boxes stay ticked
        assert "checked" in re.search(rf'<input[^>]*id="{box}"[^>]*>', page).group(0)


@pytest.mark.parametrize("args, message", [
    ({"rule": "", "start": "03/02/2027"}, "Hãy chọn quy định thời hạn."),
    ({"rule": "denunciation.initial", "start": ""}, "Hãy nhập ngày bắt đầu tính"),
    ({"rule": "denunciation.initial", "start": "31/02/2027"}, "Ngày phải có dạng ngày/tháng/năm"),
    ({"rule": "denunciation.initial", "start": "hôm qua"}, "Ngày phải có dạng ngày/tháng/năm"),
    ({"rule": "khong.co", "start": "03/02/2027"}, "Không có quy định thời hạn với mã này."),
    ({"rule": "denunciation.initial", "start": "03/02/2015"}, "Quy định này chưa có hiệu lực vào ngày 03/02/2015."),
])
def test_calculator_bad_input_gets_a_message_and_keeps_what_was_typed(admin_client, args, message):
    resp = admin_client.get(PAGE, query_string=args)
    page = text(resp)
    assert resp.status_code == 200 and message in page and due_shown(page) is None
    if args["start"]:
        assert f'value="{args["start"]}"' in page


def test_calculator_changes_nothing(admin_client):
    before = db.session.scalar(select(func.count(Event.id)))
    calc(admin_client, rule="denunciation.initial", start="03/02/2027")
    assert db.session.scalar(select(func.count(Event.id))) == before


# --- holidays and overrides -------------------------------------------------------------------

def test_holiday_list_of_a_year_with_overrides_and_reasons(admin_client):
    add_override(admin_client, day="13/02/2027", kind="working_day", reason="Làm bù theo Thông báo 5/TB")
    page = text(admin_client.get(PAGE, query_string={"year": 2027}))
    page = page[page.index('id="holidays"'):page.index('id="override"')]
    assert "năm 2027" in page
    for expected in ("06/02/2027", "Tết Nguyên Đán", "Giao thừa", "02/09/2027", "Quốc khánh",
                     "13/02/2027", "Làm bù theo Thông báo 5/TB", "Làm bù (cơ quan điều chỉnh)"):
        assert expected in page
    assert page.index("06/02/2027") < page.index("13/02/2027") < page.index("02/09/2027")
    assert "Làm bù theo Thông báo 5/TB" not in text(admin_client.get(PAGE, query_string={"year": 2026}))


def test_holiday_names_follow_the_interface_language(admin_client):
    admin_client.post("/lang", data={"csrf_token": csrf_of(admin_client, PAGE), "lang": "en", "next": PAGE})
    page = text(admin_client.get(PAGE, query_string={"year": 2027}))
    assert "Lunar New Year" in page and "Tết Nguyên Đán" not in page


def test_holiday_list_defaults_to_this_year_and_refuses_a_bad_year(admin_client):
    year = local_today().year
    page = text(admin_client.get(PAGE))
    assert f"năm {year}" in page and f'value="{year}"' in page
    page = text(admin_client.get(PAGE, query_string={"year": "abc"}))
    assert "Năm phải là một số" in page and f"năm {year}" in page and 'value="abc"' in page
    page = text(admin_client.get(PAGE, query_string={"year": "1800"}))
    assert "Năm từ 2000 đến 2100." in page


def test_add_override_writes_an_event(admin_client):
    assert add_override(admin_client, day="13/02/2027", kind="working_day", reason="Làm bù").status_code == 302
    row = db.session.scalars(select(CalendarOverride)).one()
    assert (row.day, row.kind, row.reason) == (date(2027, 2, 13), "working_day", "Làm bù")
    assert db.session.scalars(select(Event.action).where(Event.subject_type == "calendar_override",
                                                         Event.subject_id == row.id)).all() == ["created"]


def test_a_date_has_one_override(admin_client):
    add_override(admin_client, day="13/02/2027", kind="working_day", reason="Làm bù")
    resp = add_override(admin_client, day="13/02/2027", kind="working_day", reason="Làm bù lần hai")
    page = text(resp)
    assert resp.status_code == 422 and "Ngày 13/02/2027 đã có điều chỉnh (Làm bù)" in page
    assert 'value="Làm bù lần hai"' in page
    assert db.session.scalar(select(func.count(CalendarOverride.id))) == 1


@pytest.mark.parametrize("data, message", [
    ({"day": "", "kind": "day_off", "reason": "Nghỉ"}, "Hãy nhập ngày (ngày/tháng/năm)."),
    ({"day": "30/02/2027", "kind": "day_off", "reason": "Nghỉ"}, "Ngày phải có dạng ngày/tháng/năm"),
    ({"day": "15/02/2027", "reason": "Nghỉ"}, "Hãy chọn ngày nghỉ thêm hoặc ngày làm bù."),
    ({"day": "15/02/2027", "kind": "holiday", "reason": "Nghỉ"}, "Hãy chọn ngày nghỉ thêm hoặc ngày làm bù."),
    ({"day": "15/02/2027", "kind": "day_off", "reason": "  "}, "Hãy ghi lý do"),
    ({"day": "15/02/2027", "kind": "day_off", "reason": "x" * 301}, "Lý do tối đa 300 ký tự."),
    ({"day": "13/02/2027", "kind": "day_off", "reason": "Nghỉ"}, "vốn đã là ngày nghỉ"),
    ({"day": "08/02/2027", "kind": "day_off", "reason": "Nghỉ"}, "vốn đã là ngày nghỉ"),
    ({"day": "15/02/2027", "kind": "working_day", "reason": "Làm"}, "vốn đã là ngày làm việc"),
])
def test_override_bad_input_gets_a_message_and_keeps_what_was_typed(admin_client, data, message):
    resp = add_override(admin_client, **data)
    page = text(resp)
    assert resp.status_code == 422 and message in page
    if data["day"]:
        assert f'value="{data["day"]}"' in page
    if data["reason"].strip() and len(data["reason"]) < 300:
        assert f'value="{data["reason"]}"' in page
    assert db.session.scalar(select(func.count(CalendarOverride.id))) == 0


def test_delete_override_with_confirmation(admin_client):
    add_override(admin_client, day="13/02/2027", kind="working_day", reason="Làm bù")
    row = db.session.scalars(select(CalendarOverride)).one()
    url = f"/staff/calendar/overrides/{row.id}/delete"
    page = text(admin_client.get(url))
    assert "Xóa điều chỉnh ngày 13/02/2027" in page
    assert db.session.scalar(select(func.count(CalendarOverride.id))) == 1  # the GET changed nothing
    resp = admin_client.post(url, data={"csrf_token": csrf_of(admin_client, url)})
    assert resp.status_code == 302
    assert db.session.scalar(select(func.count(CalendarOverride.id))) == 0
    assert db.session.scalars(select(Event.action).where(Event.subject_type == "calendar_override",
                                                         Event.subject_id == row.id)).all() == ["created", "deleted"]
    assert due_shown(calc(admin_client, rule="denunciation.initial", start="03/02/2027")) == "19/02/2027"
    assert admin_client.get(url).status_code == 404


# --- rules ------------------------------------------------------------------------------------

def test_rules_table_with_unverified_mark(admin_client):
    page = text(admin_client.get(PAGE))
    table = page[page.index("Các quy định thời hạn"):]
    assert "denunciation.initial" in table and "Luật Tố cáo 2018, Điều 24 khoản 1" in table
    assert "01/01/2019" in table and "ngày nhận đơn" in table and "Kéo dài (xác minh nhiều nơi)" in table
    triage_row = re.search(r"<tr>\s*<td><code>petition.triage</code>.*?</tr>", table, re.S).group(0)
    assert "⚠ chưa kiểm chứng" in triage_row and "10 ngày làm việc" in triage_row
    resolve_row = re.search(r"<tr>\s*<td><code>denunciation.resolve</code>.*?</tr>", table, re.S).group(0)
    assert "chưa kiểm chứng" not in resolve_row


# --- CLI --------------------------------------------------------------------------------------

def test_cli_due_date(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["calendar", "due", "denunciation.initial", "2027-02-03"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2027-02-19"
    result = runner.invoke(args=["calendar", "due", "complaint.first.resolve", "2027-01-05", "--complex"])
    assert result.output.strip() == "2027-02-19"
    result = runner.invoke(args=["calendar", "due", "complaint.first.resolve", "2027-01-05", "--complex", "--remote"])
    assert result.exit_code == 0 and result.output.strip() == "2027-03-08"


def test_cli_due_date_counts_the_overrides(app):
    db.session.add(CalendarOverride(day=date(2027, 2, 13), kind="working_day", reason="Làm bù"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["calendar", "due", "denunciation.initial", "2027-02-03"])
    assert result.output.strip() == "2027-02-18"


@pytest.mark.parametrize("args, message", [
    (["khong.co", "2027-02-03"], "Unknown rule 'khong.co'"),
    (["denunciation.initial", "03/02/2027"], "Bad date '03/02/2027'"),
    (["denunciation.initial", "2027-02-30"], "Bad date"),
])
def test_cli_due_date_refuses_unknown_rule_or_bad_date(app, args, message):
    result = app.test_cli_runner().invoke(args=["calendar", "due", *args])
    assert result.exit_code == 1
    assert message in result.output
