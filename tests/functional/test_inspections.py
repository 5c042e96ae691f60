"""Inspections through the staff pages: record one, conclude it, follow recovery and recommendations,
with every bad input refused in plain Vietnamese and nothing typed lost; scope, permissions, the
confirmation before a recovery is deleted, the late flag in words, the list's filters and pages."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.agencies.models import Agency
from app.audit.models import Event
from app.extensions import db
from app.formatting import local_today
from app.inspections.models import Inspection, InspectionFollowUp, InspectionRecovery
from tests.conftest import csrf_of, search

BASE = "/staff/inspections"


def text(resp) -> str:
    return resp.get_data(as_text=True)


def vn(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def ago(days: int) -> date:
    return local_today() - timedelta(days=days)


def post(client, url: str, data: dict, page: str | None = None):
    """POST a form with the CSRF token read from its page."""
    return client.post(url, data={"csrf_token": csrf_of(client, page or url), **data})


def add(agency_code: str = "TTLS", **values) -> Inspection:
    agency = db.session.scalars(select(Agency).where(Agency.code == agency_code)).one()
    base = dict(kind="planned", topic="administrative", title="Thanh tra việc quản lý đất đai",
                subject="Ủy ban nhân dân xã Cao Lộc", decision_number="52/QĐ-TTr", started_on=ago(90),
                ended_on=ago(60), conclusion_due=ago(30))
    base.update(values)
    inspection = Inspection(agency_id=agency.id, **base)
    db.session.add(inspection)
    db.session.commit()
    return inspection


def concluded(agency_code: str = "TTLS", **values) -> Inspection:
    base = dict(conclusion_number="15/KL-TTr", concluded_on=ago(40), money_violation=1_391_100_000,
                money_recommended=1_147_000_000, land_violation=Decimal("2450.5"), land_recommended=Decimal("1200"))
    base.update(values)
    return add(agency_code, **base)


def inspection_form(**overrides) -> dict:
    data = {"kind": "planned", "topic": "anti_corruption",
            "title": "Thanh tra phòng, chống tham nhũng tại Sở Xây dựng", "subject": "Sở Xây dựng tỉnh Lạng Sơn",
            "decision_number": "45/QĐ-TTr", "decision_date": vn(ago(35)), "started_on": vn(ago(30)),
            "ended_on": vn(ago(5)), "conclusion_due": vn(ago(-20))}
    data.update(overrides)
    return data


def field_error(html: str, field_id: str) -> str:
    """The error text shown under a field."""
    match = re.search(rf'id="{field_id}-error">(.*?)</div>', html, re.S)
    assert match, f"no error at {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1))


# --- recording ----------------------------------------------------------------------------------

def test_a_handler_records_an_inspection(login_as):
    client, user = login_as("handler", "TTLS")
    assert "Ghi cuộc thanh tra" in text(client.get(f"{BASE}/"))
    resp = post(client, f"{BASE}/new", inspection_form())
    assert resp.status_code == 302, text(resp)[:3000]
    inspection = db.session.scalars(select(Inspection)).one()
    assert (inspection.agency_id, inspection.kind, inspection.topic, inspection.decision_number,
            inspection.started_on, inspection.conclusion_due) == (user.agency_id, "planned", "anti_corruption",
                                                                  "45/QĐ-TTr", ago(30), ago(-20))
    page = text(client.get(resp.headers["Location"]))
    assert "Thanh tra phòng, chống tham nhũng tại Sở Xây dựng" in page and "Ghi kết luận thanh tra" in page
    listed = text(client.get(f"{BASE}/"))
    assert "45/QĐ-TTr" in listed and "Đang thanh tra" in listed


@pytest.mark.parametrize("overrides,field,message", [
    ({"decision_number": ""}, "decision_number", "Hãy nhập số quyết định thanh tra."),
    ({"started_on": ""}, "started_on", "Hãy nhập ngày bắt đầu thanh tra."),
    ({"started_on": "31/02/2026"}, "started_on", "Ngày phải có dạng ngày/tháng/năm"),
    ({"started_on": "future"}, "started_on", "không thể ở tương lai"),
    ({"ended_on": "before"}, "ended_on", "Ngày kết thúc không thể trước ngày bắt đầu thanh tra"),
    ({"conclusion_due": "before"}, "conclusion_due", "Hạn ban hành kết luận không thể trước ngày bắt đầu"),
    ({"topic": ""}, "topic", "Hãy chọn nội dung thanh tra."),
])
def test_bad_inspection_input_is_refused_and_kept(login_as, overrides, field, message):
    client, _user = login_as("handler", "TTLS")
    swap = {"future": vn(ago(-1)), "before": vn(ago(31))}
    overrides = {k: swap.get(v, v) for k, v in overrides.items()}
    if overrides.get("started_on") == vn(ago(-1)):
        overrides.update(decision_date="", ended_on="", conclusion_due="")
    if field == "conclusion_due":
        overrides["ended_on"] = ""
    resp = post(client, f"{BASE}/new", inspection_form(**overrides))
    html = text(resp)
    assert resp.status_code == 422
    assert 'id="error-summary"' in html and message in field_error(html, field)
    # Nothing typed is lost.
    assert 'value="Thanh tra phòng, chống tham nhũng tại Sở Xây dựng"' in html
    assert 'value="Sở Xây dựng tỉnh Lạng Sơn"' in html
    if field != "started_on":
        assert f'value="{vn(ago(30))}"' in html
    if overrides.get("started_on") == "31/02/2026":
        assert 'value="31/02/2026"' in html
    assert db.session.scalars(select(Inspection)).first() is None


def test_an_inspection_is_edited_by_its_agency(login_as):
    client, _user = login_as("leader", "TTLS")
    inspection = add()
    page = text(client.get(f"{BASE}/{inspection.id}/edit"))
    assert 'value="52/QĐ-TTr"' in page and f'value="{vn(ago(90))}"' in page
    resp = post(client, f"{BASE}/{inspection.id}/edit", inspection_form(started_on=vn(ago(90)),
                                                                         decision_date=vn(ago(91)),
                                                                         decision_number="53/QĐ-TTr"))
    assert resp.status_code == 302, text(resp)[:2000]
    db.session.expire_all()
    assert db.session.get(Inspection, inspection.id).decision_number == "53/QĐ-TTr"
    assert db.session.scalars(select(Event.action).where(Event.subject_type == "inspection")).all() == ["updated"]


# --- the conclusion -----------------------------------------------------------------------------

def conclusion_form(**overrides) -> dict:
    data = {"number": "12/KL-TTr", "concluded_on": vn(ago(20)), "money_violation": "1.391.100.000",
            "money_recommended": "1.147.000.000", "land_violation": "2.450,5", "land_recommended": "1.200",
            "people_recommended_discipline": "3", "cases_to_investigation": "", "other_recommendations": ""}
    data.update(overrides)
    return data


def test_the_conclusion_is_recorded_with_amounts_typed_the_vietnamese_way(login_as):
    client, _user = login_as("handler", "TTLS")
    inspection = add(conclusion_due=ago(21))
    resp = post(client, f"{BASE}/{inspection.id}/conclusion", conclusion_form(), page=f"{BASE}/{inspection.id}")
    assert resp.status_code == 302, text(resp)[:3000]
    db.session.expire_all()
    inspection = db.session.get(Inspection, inspection.id)
    assert (inspection.money_violation, inspection.money_recommended) == (1_391_100_000, 1_147_000_000)
    assert Decimal(inspection.land_recommended) == Decimal("1200.0")
    assert inspection.people_recommended_discipline == 3 and inspection.cases_to_investigation == 0
    page = text(client.get(resp.headers["Location"]))
    # Concluded one day after its due date: flagged in words, on the page, in the list and in the flash.
    assert "Kết luận ban hành chậm so với hạn" in page
    assert "Kết luận ban hành chậm 1 ngày so với hạn." in page
    assert "1.391.100.000 đồng" in page and "1.391,1 triệu đồng" in page and "1.200,0 m²" in page
    assert 'value="1.147.000.000"' in page  # the correction form shows the figures as recorded
    listed = text(client.get(f"{BASE}/"))
    assert "Kết luận chậm 1 ngày" in listed


@pytest.mark.parametrize("overrides,field,message", [
    ({"money_recommended": "1.500.000.000"}, "money_recommended",
     "Số tiền kiến nghị thu hồi (1.500.000.000 đồng) không thể lớn hơn số tiền phát hiện sai phạm "
     "(1.391.100.000 đồng)."),
    ({"money_violation": "1.391,1"}, "money_violation", "Số tiền tính bằng đồng, không có phần lẻ"),
    ({"land_recommended": "3.000"}, "land_recommended", "không thể lớn hơn diện tích phát hiện sai phạm (2.450,5 m²)"),
    ({"land_violation": "hai nghìn"}, "land_violation", "Diện tích tính bằng m²"),
    ({"concluded_on": "future"}, "concluded_on", "không thể ở tương lai"),
    ({"concluded_on": "before"}, "concluded_on", "không thể trước ngày kết thúc thanh tra trực tiếp"),
    ({"number": ""}, "number", "Hãy nhập số kết luận thanh tra."),
    ({"people_recommended_discipline": "ba"}, "people_recommended_discipline", "Hãy nhập một số nguyên"),
])
def test_bad_conclusions_are_refused_at_the_field(login_as, overrides, field, message):
    client, _user = login_as("handler", "TTLS")
    inspection = add()
    swap = {"future": vn(ago(-1)), "before": vn(ago(61))}
    overrides = {k: swap.get(v, v) for k, v in overrides.items()}
    resp = post(client, f"{BASE}/{inspection.id}/conclusion", conclusion_form(**overrides),
                page=f"{BASE}/{inspection.id}")
    html = text(resp)
    assert resp.status_code == 422
    assert message in field_error(html, field)
    for name, typed in conclusion_form(**overrides).items():  # what was typed is still there
        if typed and name != "other_recommendations":
            assert f'value="{typed}"' in html, name
    db.session.expire_all()
    assert db.session.get(Inspection, inspection.id).concluded_on is None


# --- recovery -----------------------------------------------------------------------------------

def test_recovery_is_recorded_with_totals_and_progress(login_as):
    client, _user = login_as("handler", "TTLS")
    inspection = concluded()
    url = f"{BASE}/{inspection.id}"
    for day, money in ((ago(30), "600.000.000"), (ago(2), "418.800.000")):
        resp = post(client, f"{url}/recoveries", {"recovered_on": vn(day), "money": money, "land": "",
                                                  "document": "GNT", "note": ""}, page=url)
        assert resp.status_code == 302, text(resp)[:3000]
    page = text(client.get(url))
    assert re.search(r'id="recovery-totals">.*?1\.018\.800\.000 đồng', page, re.S)
    assert '<progress max="100" value="88.8"' in page
    assert ("Đã thu hồi 1.018.800.000 đồng trên 1.147.000.000 đồng kiến nghị (88,8%); còn phải thu hồi "
            "128.200.000 đồng.") in page
    assert "Còn phải thu hồi: 128.200.000 đồng." in page  # the form's help
    # More than what is left: refused at the field, with the remaining amount; typed values kept.
    resp = post(client, f"{url}/recoveries", {"recovered_on": vn(ago(1)), "money": "200.000.000",
                                              "document": "GNT 0300"}, page=url)
    html = text(resp)
    assert resp.status_code == 422
    assert "còn 128.200.000 đồng" in field_error(html, "money")
    assert 'value="200.000.000"' in html and 'value="GNT 0300"' in html and f'value="{vn(ago(1))}"' in html
    assert "recovery-form-box\" open" in html  # the refused form stays open
    assert len(db.session.scalars(select(InspectionRecovery)).all()) == 2
    listed = text(client.get(f"{BASE}/?state=recovery_incomplete"))
    assert inspection.title in listed and "đã thu hồi 88,8%" in listed


@pytest.mark.parametrize("data,field,message", [
    ({"recovered_on": "", "money": "1.000"}, "recovered_on", "Hãy nhập ngày thu hồi."),
    ({"recovered_on": "before", "money": "1.000"}, "recovered_on", "không thể trước ngày ban hành kết luận"),
    ({"recovered_on": "today", "money": "", "land": ""}, "money", "Hãy nhập số tiền hoặc diện tích đất đã thu hồi."),
    ({"recovered_on": "today", "money": "1,5"}, "money", "Số tiền tính bằng đồng"),
    ({"recovered_on": "today", "land": "1.300"}, "land", "còn 1.200,0 m²"),
])
def test_bad_recoveries_are_refused(login_as, data, field, message):
    client, _user = login_as("handler", "TTLS")
    inspection = concluded()
    swap = {"before": vn(ago(41)), "today": vn(local_today())}
    data = {k: swap.get(v, v) for k, v in data.items()}
    url = f"{BASE}/{inspection.id}"
    resp = post(client, f"{url}/recoveries", data, page=url)
    assert resp.status_code == 422
    assert message in field_error(text(resp), field)
    assert db.session.scalars(select(InspectionRecovery)).first() is None


def test_a_recovery_is_deleted_only_after_confirmation(login_as):
    client, _user = login_as("handler", "TTLS")
    inspection = concluded()
    recovery = InspectionRecovery(inspection_id=inspection.id, recovered_on=ago(3), money=600_000_000)
    db.session.add(recovery)
    db.session.commit()
    recovery_id = recovery.id
    url = f"{BASE}/{inspection.id}/recoveries/{recovery_id}/delete"
    assert url in text(client.get(f"{BASE}/{inspection.id}"))
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Xóa khoản thu hồi ngày" in text(confirm) and "600.000.000 đồng" in text(confirm)
    assert db.session.get(InspectionRecovery, recovery_id) is not None  # GET changes nothing
    resp = post(client, url, {})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(InspectionRecovery, recovery_id) is None
    assert db.session.scalars(select(Event.action).where(Event.subject_type == "inspection")).all() == [
        "recovery_deleted"]
    assert client.get(url).status_code == 404
    # Another inspection's recovery id under this inspection: 404.
    other = concluded(title="Khác")
    stray = InspectionRecovery(inspection_id=other.id, recovered_on=ago(3), money=1)
    db.session.add(stray)
    db.session.commit()
    assert client.get(f"{BASE}/{inspection.id}/recoveries/{stray.id}/delete").status_code == 404


# --- deleting a whole inspection -----------------------------------------------------------------

def _with_children() -> tuple[Inspection, int, int]:
    """A concluded inspection with a recovery and a follow-up: it, and the children's ids."""
    inspection = concluded()
    recovery = InspectionRecovery(inspection_id=inspection.id, recovered_on=ago(3), money=600_000_000)
    followup = InspectionFollowUp(inspection_id=inspection.id, recommendation="Kiểm điểm trách nhiệm")
    db.session.add_all([recovery, followup])
    db.session.commit()
    return inspection, recovery.id, followup.id


def _rows() -> tuple[int, int, int, int]:
    db.session.expire_all()
    return tuple(len(db.session.scalars(select(model)).all())
                 for model in (Inspection, InspectionRecovery, InspectionFollowUp, Event))


def test_an_inspection_is_deleted_with_its_recoveries_and_followups_after_confirmation(login_as):
    from app.audit.models import AuditEntry

    client, user = login_as("handler", "TTLS")
    inspection, recovery_id, followup_id = _with_children()
    inspection_id, kept = inspection.id, concluded(title="Cuộc thanh tra khác")
    url = f"{BASE}/{inspection_id}/delete"
    assert f'href="{url}"' in text(client.get(f"{BASE}/{inspection_id}"))  # the button on its page
    before = _rows()
    confirm = client.get(url)
    page = text(confirm)
    assert confirm.status_code == 200 and "Xóa cuộc thanh tra" in page and inspection.title in page
    assert "cùng 1 khoản thu hồi và 1 kiến nghị theo dõi" in page and "Không thể hoàn tác" in page
    assert f'action="{url}"' in page and 'name="csrf_token"' in page
    assert _rows() == before  # the confirmation page changes nothing
    assert client.post(url, data={}).status_code == 400  # no CSRF token
    assert _rows() == before
    resp = post(client, url, {})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"{BASE}/")
    listing = text(client.get(resp.headers["Location"]))
    assert "Đã xóa cuộc thanh tra theo quyết định số 52/QĐ-TTr." in listing and kept.title in listing
    db.session.expire_all()
    assert db.session.get(Inspection, inspection_id) is None and db.session.get(Inspection, kept.id) is not None
    assert db.session.get(InspectionRecovery, recovery_id) is None
    assert db.session.get(InspectionFollowUp, followup_id) is None
    event = db.session.scalars(select(Event).where(Event.subject_type == "inspection", Event.subject_id == inspection_id,
                                                   Event.action == "deleted")).one()
    assert event.actor_user_id == user.id and "52/QĐ-TTr" in event.note and "1 khoản thu hồi" in event.note
    line = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "workflow.inspection.deleted")).one()
    assert (line.subject_type, line.subject_id, line.actor_user_id) == ("inspection", inspection_id, user.id)
    assert client.get(url).status_code == 404 and client.get(f"{BASE}/{inspection_id}").status_code == 404


def test_only_the_inspections_own_agency_may_delete_it(login_as):
    inspection, recovery_id, _followup_id = _with_children()
    url = f"{BASE}/{inspection.id}/delete"
    # Another agency, and the body above that is not a supervisor: the inspection does not exist.
    for role, code in (("handler", "XCL"), ("leader", "LS")):
        client, _user = login_as(role, code)
        token = csrf_of(client, f"{BASE}/")
        assert client.get(url).status_code == 404
        assert client.post(url, data={"csrf_token": token}).status_code == 404, (role, code)
    # A supervisor reads it but may not change it, nor see the button; nor may roles without inspections.
    supervisor, _user = login_as("supervisor", "LS")
    assert url not in text(supervisor.get(f"{BASE}/{inspection.id}"))
    token = csrf_of(supervisor, f"{BASE}/")
    assert supervisor.get(url).status_code == 403
    assert supervisor.post(url, data={"csrf_token": token}).status_code == 403
    for role in ("receptionist", "admin"):
        client, _user = login_as(role, "TTLS")
        assert client.post(url, data={"csrf_token": csrf_of(client, "/staff/password")}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Inspection, inspection.id) is not None
    assert db.session.get(InspectionRecovery, recovery_id) is not None


# --- follow-up ----------------------------------------------------------------------------------

def test_a_recommendation_is_followed_until_done(login_as):
    client, _user = login_as("handler", "TTLS")
    inspection = concluded()
    url = f"{BASE}/{inspection.id}"
    resp = post(client, f"{url}/followups", {"recommendation": "", "due_on": "32/13/2026"}, page=url)
    assert resp.status_code == 422
    html = text(resp)
    assert "Hãy ghi nội dung kiến nghị." in field_error(html, "recommendation")
    assert "Ngày phải có dạng ngày/tháng/năm" in field_error(html, "due_on") and 'value="32/13/2026"' in html
    resp = post(client, f"{url}/followups", {"recommendation": "Kiểm điểm trách nhiệm cá nhân",
                                             "due_on": vn(ago(50))}, page=url)
    assert resp.status_code == 422 and "trước ngày ban hành kết luận" in field_error(text(resp), "due_on")
    assert "Kiểm điểm trách nhiệm cá nhân" in text(resp)
    resp = post(client, f"{url}/followups", {"recommendation": "Kiểm điểm trách nhiệm cá nhân",
                                             "due_on": vn(ago(10))}, page=url)
    assert resp.status_code == 302
    followup = db.session.scalars(select(InspectionFollowUp)).one()
    done_url = f"{url}/followups/{followup.id}/done"
    assert "quá hạn 10 ngày" in text(client.get(url))
    resp = post(client, done_url, {"done_on": vn(ago(2)), "result_note": ""})
    assert resp.status_code == 422 and "Hãy ghi kết quả thực hiện." in text(resp)
    assert f'value="{vn(ago(2))}"' in text(resp)
    resp = post(client, done_url, {"done_on": vn(ago(2)), "result_note": "Đã tổ chức kiểm điểm"})
    assert resp.status_code == 302
    page = text(client.get(url))
    assert "Đã thực hiện" in page and "Đã tổ chức kiểm điểm" in page and "(trễ hạn)" in page
    assert client.get(done_url).status_code == 302  # already done: back to the page


# --- the list, the late flag, the dashboard -------------------------------------------------------

def test_late_conclusions_are_flagged_in_words(login_as):
    client, _user = login_as("leader", "TTLS")
    overdue = add(title="Thanh tra quá hạn kết luận", conclusion_due=ago(3))
    due_today = add(title="Thanh tra hạn kết luận hôm nay", conclusion_due=local_today())
    on_time = concluded(title="Thanh tra kết luận đúng hạn", conclusion_due=ago(40))
    listed = text(client.get(f"{BASE}/"))
    assert "Quá hạn kết luận 3 ngày" in listed
    row = re.search(rf'id="inspection-{due_today.id}">(.*?)</tr>', listed, re.S).group(1)
    assert "Quá hạn" not in row and "chậm" not in row
    row = re.search(rf'id="inspection-{on_time.id}">(.*?)</tr>', listed, re.S).group(1)
    assert "Đã kết luận" in row and "chậm" not in row
    late_only = text(client.get(f"{BASE}/?state=late"))
    assert overdue.title in late_only and due_today.title not in late_only and on_time.title not in late_only
    page = text(client.get(f"{BASE}/{overdue.id}"))
    assert "Đã quá hạn 3 ngày mà chưa ban hành kết luận." in page
    home = text(client.get("/staff/"))
    assert 'id="late-conclusions"' in home and "1 cuộc thanh tra quá hạn ban hành kết luận" in home
    assert overdue.title in home and due_today.title not in home and "quá hạn 3 ngày" in home


def test_no_dashboard_warning_without_late_conclusions(login_as):
    client, _user = login_as("leader", "TTLS")
    add(conclusion_due=local_today())
    assert 'id="late-conclusions"' not in text(client.get("/staff/"))


def test_the_list_filters_and_pages(login_as):
    client, _user = login_as("handler", "TTLS")
    for i in range(27):
        add(title=f"Thanh tra số {i:02d}", started_on=ago(100 + i), conclusion_due=None)
    add(title="Thanh tra việc quản lý, sử dụng đất tại xã Cao Lộc", topic="anti_corruption", kind="ad_hoc",
        started_on=ago(5), ended_on=None, conclusion_due=None)
    first = text(client.get(f"{BASE}/"))
    assert "28 cuộc thanh tra" in first and "Trang 1 / 2" in first
    assert "Thanh tra số 23" in first and "Thanh tra số 24" not in first
    second = text(client.get(f"{BASE}/?page=2"))
    assert "Thanh tra số 24" in second and "Thanh tra số 26" in second and "Thanh tra số 00" not in second
    found = text(search(client, f"{BASE}/", {"q": "quan ly su dung dat"}))
    assert "1 cuộc thanh tra" in found and "xã Cao Lộc" in found
    assert 'value="quan ly su dung dat"' in found  # the search box keeps what was typed
    assert "1 cuộc thanh tra" in text(client.get(f"{BASE}/?kind=ad_hoc&topic=anti_corruption"))
    assert "0 cuộc thanh tra" in text(client.get(f"{BASE}/?kind=ad_hoc&topic=complaints"))
    # Unknown filter values are ignored, not an error.
    assert "28 cuộc thanh tra" in text(client.get(f"{BASE}/?kind=x&state=y&year=abc&topic=%3Cb%3E"))


# --- scope and permissions ----------------------------------------------------------------------

def test_another_agency_sees_nothing(login_as):
    inspection = concluded()
    recovery = InspectionRecovery(inspection_id=inspection.id, recovered_on=ago(3), money=1)
    followup = InspectionFollowUp(inspection_id=inspection.id, recommendation="Kiểm điểm")
    db.session.add_all([recovery, followup])
    db.session.commit()
    url = f"{BASE}/{inspection.id}"
    for role, code in (("handler", "XCL"), ("leader", "LS")):  # LS: the body above, but not a supervisor
        client, _user = login_as(role, code)
        token = csrf_of(client, f"{BASE}/")
        assert inspection.title not in text(client.get(f"{BASE}/"))
        for method, path in (("GET", url), ("GET", f"{url}/edit"), ("POST", f"{url}/edit"),
                             ("POST", f"{url}/conclusion"), ("POST", f"{url}/recoveries"),
                             ("GET", f"{url}/recoveries/{recovery.id}/delete"),
                             ("POST", f"{url}/recoveries/{recovery.id}/delete"), ("POST", f"{url}/followups"),
                             ("GET", f"{url}/delete"), ("POST", f"{url}/delete"),
                             ("GET", f"{url}/followups/{followup.id}/done")):
            resp = client.open(path, method=method, data={"csrf_token": token})
            assert resp.status_code == 404, (role, method, path, resp.status_code)
    assert db.session.get(InspectionRecovery, recovery.id) is not None


def test_a_supervisor_reads_the_subtree_but_changes_nothing(login_as):
    inspection = concluded()
    client, _user = login_as("supervisor", "LS")
    page = text(client.get(f"{BASE}/{inspection.id}"))
    assert inspection.title in page and "Thanh tra tỉnh Lạng Sơn" in page
    assert "Ghi kết quả thu hồi" not in page and "Sửa kết luận" not in page
    assert inspection.title in text(client.get(f"{BASE}/"))
    token = csrf_of(client, f"{BASE}/")
    assert client.get(f"{BASE}/new").status_code == 403
    assert client.post(f"{BASE}/{inspection.id}/conclusion", data={"csrf_token": token}).status_code == 403
    assert client.post(f"{BASE}/{inspection.id}/recoveries", data={"csrf_token": token}).status_code == 403


@pytest.mark.parametrize("role", ["receptionist", "admin"])
def test_roles_without_inspections_are_refused(login_as, role):
    client, _user = login_as(role, "TTLS")
    assert client.get(f"{BASE}/").status_code == 403
    assert client.get(f"{BASE}/new").status_code == 403


def test_anonymous_users_are_sent_to_sign_in(app):
    resp = app.test_client().get(f"{BASE}/")
    assert resp.status_code == 302 and "/staff/login" in resp.headers["Location"]
