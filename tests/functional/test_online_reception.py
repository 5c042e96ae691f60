"""Online reception (Luật 136/2025/QH15): slots, the public request, the citizen's answers,
the staff's decisions, the desk hand-over and the recording of the meeting.

Dates: the public form and the staff screens run on today's real date, so these tests compute
the first day a slot may be published from the calendar and the notice rule (never a fixed
"5"); the services are also exercised with a fixed `today`.
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from app.agencies.models import Agency
from app.audit.models import Event, IdentityAccess
from app.calendar.models import DeadlineRule
from app.calendar.services import WorkCalendar
from app.crypto import decrypt_json, encrypt_json
from app.extensions import db
from app.formatting import LOCAL_TZ, format_date, local_today
from app.reception import online
from app.reception.models import OnlineRequest, OnlineSlot, Visit, VisitChannel
from app.petitions.tracking import hash_access_key
from app.reception.services import VisitDraft, VisitError, VisitorInput, log_visit
from tests.conftest import csrf_of, hidden_fields, make_user
from tests.files import pdf_bytes

BASE = "/staff/reception/online"
PUBLIC = "/tiep-cong-dan-truc-tuyen"
CCCD = "020085001234"


# --- helpers ----------------------------------------------------------------------------------

def agency(code: str) -> Agency:
    return db.session.scalars(select(Agency).where(Agency.code == code)).one()


def first_open_day() -> date:
    """The earliest day a slot may be published today (the notice rule, on the working-day calendar)."""
    return online.notice(local_today()).earliest


def later_working_day(after: date, skip: int = 0) -> date:
    cal = WorkCalendar.load()
    day = cal.next_working_day(after)
    for _ in range(skip):
        day = cal.next_working_day(day + timedelta(days=1))
    return day


def make_slot(code: str = "BTCD", day: date | None = None, start: str = "09:00", end: str = "10:00",
              capacity: int = 1, published: bool = True) -> OnlineSlot:
    """A slot written straight to the database (bypasses the publishing rules, e.g. for a past slot)."""
    day = day or first_open_day()
    starts, ends = online.slot_instants(day, time.fromisoformat(start), time.fromisoformat(end))
    slot = OnlineSlot(agency_id=agency(code).id, starts_at=starts, ends_at=ends, capacity=capacity,
                      published=published)
    db.session.add(slot)
    db.session.commit()
    return slot


def request_data(on: OnlineSlot, **overrides) -> dict:
    data = {
        "agency": str(on.agency_id), "slot": str(on.id), "kind": "complaint",
        "summary": "Khiếu nại việc bồi thường khi thu hồi đất nông nghiệp của gia đình tôi.",
        "full_name": "Nguyễn Văn An", "id_number": CCCD, "phone": "0912 345 678",
        "email": "an.nguyen@example.vn", "consent": "y", "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}  # None: the field is not sent at all


def open_form(client) -> dict:
    resp = client.get(PUBLIC + "/")
    assert resp.status_code == 200
    return hidden_fields(resp.get_data(as_text=True))


def post_request(client, tokens, data):
    return client.post(PUBLIC + "/", data={"csrf_token": tokens["csrf_token"], "form_token": tokens["form_token"],
                                           **data})


def file_request(client, slot, **overrides) -> tuple[str, str]:
    resp = post_request(client, open_form(client), request_data(slot, **overrides))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    html = client.get(PUBLIC + "/receipt").get_data(as_text=True)
    code = re.search(r'id="request-code">([^<]+)<', html).group(1)
    key = re.search(r'id="access-key">([^<]+)<', html).group(1)
    return code, key


def track(client, code, key):
    token = csrf_of(client, PUBLIC + "/status")
    return client.post(PUBLIC + "/status", data={"csrf_token": token, "code": code, "key": key})


def the_request(code: str) -> OnlineRequest:
    db.session.expire_all()
    return db.session.scalars(select(OnlineRequest).where(OnlineRequest.code == code)).one()


def staff_post(client, url, data, page=None):
    token = csrf_of(client, page or url)
    return client.post(url, data={"csrf_token": token, **data})


def act(client, req, action, **fields):
    """Post a staff action form of the request page, with the version the page shows."""
    page = client.get(f"{BASE}/requests/{req.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    version = re.search(rf'name="{action}-version"[^>]*value="(\d+)"', html) or \
        re.search(rf'value="(\d+)"[^>]*name="{action}-version"', html)
    data = {f"{action}-version": version.group(1) if version else str(req.version_id)}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    return client.post(f"{BASE}/requests/{req.id}/{action}",
                       data={"csrf_token": hidden_fields(html)["csrf_token"], **data})


def mp4_bytes(size: int = 4096) -> bytes:
    head = (24).to_bytes(4, "big") + b"ftypmp42" + (0).to_bytes(4, "big") + b"mp42isom"
    box = (8).to_bytes(4, "big") + b"free"
    return head + box + b"\x00" * max(0, size - len(head) - len(box))


def text(resp) -> str:
    return resp.get_data(as_text=True)


# --- slots ------------------------------------------------------------------------------------

def test_staff_publish_a_slot_and_see_it_listed(login_as):
    client, user = login_as("receptionist", "BTCD")
    day = first_open_day()
    resp = staff_post(client, f"{BASE}/slots", {"day": format_date(day), "start_time": "08:00", "end_time": "09:30",
                                                 "capacity": "2"})
    assert resp.status_code == 302, text(resp)[:3000]
    slot = db.session.scalars(select(OnlineSlot)).one()
    assert slot.agency_id == user.agency_id and slot.capacity == 2 and slot.published
    local = slot.starts_at.astimezone(LOCAL_TZ)
    assert (local.date(), local.strftime("%H:%M")) == (day, "08:00")
    html = text(client.get(f"{BASE}/slots"))
    assert f"08:00–09:30" in html and format_date(day) in html
    assert "0 / 2" in html  # bookings / capacity


def test_slot_on_a_sunday_is_refused_and_what_was_typed_is_kept(login_as):
    client, _user = login_as("receptionist", "BTCD")
    day = first_open_day()
    sunday = day + timedelta(days=(6 - day.weekday()) % 7 or 7)
    resp = staff_post(client, f"{BASE}/slots", {"day": format_date(sunday), "start_time": "08:00",
                                                 "end_time": "09:00", "capacity": "3"})
    html = text(resp)
    assert resp.status_code == 422
    assert "Chủ nhật, không phải ngày làm việc" in html
    assert "chỉ bố trí vào ngày làm việc" in html
    assert f'value="{format_date(sunday)}"' in html and 'value="08:00"' in html and 'value="3"' in html
    assert db.session.scalars(select(OnlineSlot)).first() is None


def test_slot_on_a_public_holiday_is_refused(login_as):
    client, _user = login_as("receptionist", "BTCD")
    start = first_open_day()
    holidays_ahead = sorted(d for y in (start.year, start.year + 1)
                            for d in WorkCalendar.public_holidays(y) if d >= start and d.weekday() < 5)
    holiday = holidays_ahead[0]
    resp = staff_post(client, f"{BASE}/slots", {"day": format_date(holiday), "start_time": "08:00",
                                                 "end_time": "09:00", "capacity": "1"})
    assert resp.status_code == 422
    assert f"Ngày {format_date(holiday)} là ngày nghỉ lễ" in text(resp)


def test_slot_too_soon_is_refused_with_the_earliest_day(login_as):
    client, _user = login_as("leader", "BTCD")
    tomorrow = WorkCalendar.load().next_working_day(local_today() + timedelta(days=1))
    rule = db.session.scalars(select(DeadlineRule).where(DeadlineRule.code == online.NOTICE_RULE)).one()
    resp = staff_post(client, f"{BASE}/slots", {"day": format_date(tomorrow), "start_time": "14:00",
                                                 "end_time": "15:00", "capacity": "1"})
    html = text(resp)
    assert resp.status_code == 422
    assert f"trước ít nhất {rule.days} ngày làm việc" in html
    assert format_date(first_open_day()) in html
    assert 'value="14:00"' in html


def test_end_before_start_and_bad_times_are_refused(login_as):
    client, _user = login_as("receptionist", "BTCD")
    day = format_date(first_open_day())
    resp = staff_post(client, f"{BASE}/slots", {"day": day, "start_time": "10:00", "end_time": "09:00",
                                                 "capacity": "1"})
    assert resp.status_code == 422 and "Giờ kết thúc phải sau giờ bắt đầu." in text(resp)
    resp = staff_post(client, f"{BASE}/slots", {"day": day, "start_time": "25:00", "end_time": "9h",
                                                 "capacity": "0"})
    html = text(resp)
    assert resp.status_code == 422
    assert "Giờ phải có dạng giờ:phút" in html and "từ 1 đến" in html
    assert 'value="25:00"' in html
    assert db.session.scalars(select(OnlineSlot)).first() is None


def test_notice_period_is_read_from_the_rule(app):
    """The ⚠ notice period is data: change the rule and the earliest day moves (fixed dates)."""
    user = make_user("receptionist", "BTCD")
    today = date(2026, 10, 5)  # a Monday
    assert online.notice(today).earliest == date(2026, 10, 12)  # 5 working days, as seeded
    rule = db.session.scalars(select(DeadlineRule).where(DeadlineRule.code == online.NOTICE_RULE)).one()
    rule.days = 8
    db.session.flush()
    assert online.notice(today).earliest == date(2026, 10, 15)
    with pytest.raises(online.OnlineError, match="15/10/2026"):
        online.publish_slot(user, day=date(2026, 10, 14), start="08:00", end="09:00", capacity=1, today=today)
    slot = online.publish_slot(user, day=date(2026, 10, 15), start="08:00", end="09:00", capacity=1, today=today)
    assert slot.id
    # Before the law is in force there is no rule: a clear message, not a crash.
    with pytest.raises(online.OnlineError, match="Chưa có quy định"):
        online.publish_slot(user, day=date(2026, 6, 15), start="08:00", end="09:00", capacity=1,
                            today=date(2026, 6, 1))


def test_unpublish_and_delete_need_a_confirmation_and_respect_confirmed_requests(login_as, client):
    staff, _user = login_as("receptionist", "BTCD")
    slot = make_slot(capacity=2)
    page = staff.get(f"{BASE}/slots/{slot.id}/unpublish")
    assert page.status_code == 200 and "Ngừng công bố khung giờ" in text(page)
    assert staff_post(staff, f"{BASE}/slots/{slot.id}/unpublish", {}, page=f"{BASE}/slots").status_code == 302
    db.session.expire_all()
    assert not db.session.get(OnlineSlot, slot.id).published
    assert "online-agencies" not in text(client.get(PUBLIC + "/"))  # no longer offered

    assert staff_post(staff, f"{BASE}/slots/{slot.id}/publish", {}, page=f"{BASE}/slots").status_code == 302
    code, _key = file_request(client, slot)
    req = the_request(code)
    assert act(staff, req, "confirm", meeting_link="https://meet.example.gov.vn/tcd-1").status_code == 302
    page = staff.get(f"{BASE}/slots/{slot.id}/delete")
    assert page.status_code == 200 and "không hoàn tác" in text(page)
    resp = staff_post(staff, f"{BASE}/slots/{slot.id}/delete", {}, page=f"{BASE}/slots")
    assert resp.status_code == 422 and "Không thể xóa khung giờ đã có 1 lịch tiếp được xác nhận" in text(resp)
    assert db.session.get(OnlineSlot, slot.id) is not None

    unused_id = make_slot(start="14:00", end="15:00").id
    assert staff_post(staff, f"{BASE}/slots/{unused_id}/delete", {}, page=f"{BASE}/slots").status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(OnlineSlot).where(OnlineSlot.id == unused_id)).first() is None


# --- the public form --------------------------------------------------------------------------

def test_public_page_explains_and_offers_only_open_slots(client):
    open_slot = make_slot("BTCD")
    make_slot("XCL", published=False)  # an unpublished slot: its agency is not listed
    too_soon = make_slot("PLVT", day=local_today() + timedelta(days=1))  # inside the notice period
    html = text(client.get(PUBLIC + "/"))
    assert "Tiếp công dân trực tuyến là gì?" in html
    assert "theo ngày làm việc" in html
    assert "chỉ hiển thị sau khi cơ quan xác nhận" in html
    assert "Ban Tiếp công dân tỉnh Lạng Sơn" in html
    assert "Ủy ban nhân dân xã Cao Lộc" not in html
    assert "Ủy ban nhân dân phường Lương Văn Tri" not in html
    offered = re.search(r'<select[^>]*name="slot".*?</select>', html, re.S).group(0)
    assert f'value="{open_slot.id}"' in offered and f'value="{too_soon.id}"' not in offered
    assert 'optgroup label="Ban Tiếp công dân tỉnh Lạng Sơn"' in offered
    assert 'class="hp"' in html and 'name="website"' in html
    assert "<script>" not in html and "style=" not in html


def test_request_gives_a_code_and_a_key_shown_once(client):
    slot = make_slot()
    code, key = file_request(client, slot)
    year = datetime.now(LOCAL_TZ).year
    assert re.fullmatch(rf"TT-BTCD-{year}-\d{{6}}", code)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", key)
    req = the_request(code)
    assert req.status == "requested" and req.slot_id == slot.id and req.full_name == "Nguyễn Văn An"
    assert key not in req.access_key_hash and req.access_key_hash == hash_access_key(key)
    html = text(client.get(PUBLIC + "/receipt"))
    assert "chỉ hiển thị trên biên nhận này" in html and online.slot_label(slot) in html
    client.post(PUBLIC + "/receipt/done", data={"csrf_token": csrf_of(client, PUBLIC + "/receipt")})
    assert client.get(PUBLIC + "/receipt").status_code == 302  # the key is not shown again
    event = db.session.scalars(select(Event).where(Event.subject_type == "online_request")).one()
    assert event.action == "requested" and event.is_public


def test_double_submit_creates_one_request(client):
    slot = make_slot(capacity=3)
    tokens = open_form(client)
    first = post_request(client, tokens, request_data(slot))
    second = post_request(client, tokens, request_data(slot))
    assert first.status_code == second.status_code == 302
    assert len(db.session.scalars(select(OnlineRequest)).all()) == 1
    assert "access-key" in text(client.get(PUBLIC + "/receipt"))


@pytest.mark.parametrize("overrides, message", [
    ({"id_number": "12345"}, "Số căn cước công dân gồm đúng 12 chữ số."),
    ({"id_number": "999085001234"}, "Ba chữ số đầu của số căn cước công dân không phải mã tỉnh hợp lệ."),
    ({"consent": ""}, "Hãy đánh dấu ô đồng ý để gửi yêu cầu."),
    ({"phone": "12345"}, "Số điện thoại không đúng định dạng Việt Nam"),
    ({"summary": "ngắn"}, "Phần tóm tắt cần từ 20 đến 5.000 ký tự."),
    ({"kind": None}, "Hãy chọn loại nội dung."),
    ({"slot": ""}, "Hãy chọn thời gian tiếp."),
])
def test_bad_input_is_explained_and_nothing_typed_is_lost(client, overrides, message):
    slot = make_slot()
    data = request_data(slot, **overrides)
    resp = post_request(client, open_form(client), data)
    html = text(resp)
    assert resp.status_code == 422
    assert message in html
    assert "Nguyễn Văn An" in html and "an.nguyen@example.vn" in html
    assert data["summary"] in html
    if data.get("slot"):
        option = re.search(rf'<option[^>]*value="{slot.id}"[^>]*>', html).group(0)
        assert " selected" in option
    if overrides.get("id_number"):
        assert f'value="{overrides["id_number"]}"' in html
    assert db.session.scalars(select(OnlineRequest)).first() is None


def test_slot_of_another_agency_is_refused(client):
    btcd = make_slot("BTCD")
    xcl = make_slot("XCL", start="14:00", end="15:00")
    resp = post_request(client, open_form(client), request_data(btcd, slot=str(xcl.id)))
    assert resp.status_code == 422
    assert "Khung giờ đã chọn không thuộc cơ quan đã chọn." in text(resp)
    assert db.session.scalars(select(OnlineRequest)).first() is None


def test_full_slot_is_not_offered_and_refused(client, app):
    slot = make_slot(capacity=1)
    make_slot(start="14:00", end="15:00")  # another slot, still open: the form is shown
    file_request(client, slot)
    other = app.test_client()
    html = text(other.get(PUBLIC + "/"))
    assert f'value="{slot.id}"' not in html
    resp = post_request(other, open_form(other), request_data(slot, full_name="Trần Thị Bình"))
    assert resp.status_code == 422
    assert "đã đủ người đăng ký" in text(resp) and "Trần Thị Bình" in text(resp)
    assert len(db.session.scalars(select(OnlineRequest)).all()) == 1


def test_honeypot_creates_nothing(client):
    slot = make_slot()
    resp = post_request(client, open_form(client), request_data(slot, website="http://spam.example"))
    assert resp.status_code == 400
    assert db.session.scalars(select(OnlineRequest)).first() is None


def test_expired_csrf_keeps_what_was_typed(client):
    slot = make_slot()
    tokens = open_form(client)
    resp = client.post(PUBLIC + "/", data={"csrf_token": "stale", "form_token": tokens["form_token"],
                                           **request_data(slot)})
    html = text(resp)
    assert resp.status_code == 400
    assert "Phiên làm việc đã hết hạn" in html and "Khiếu nại việc bồi thường" in html
    assert db.session.scalars(select(OnlineRequest)).first() is None


def test_denunciation_identity_is_encrypted_and_masked(client, login_as):
    slot = make_slot()
    code, _key = file_request(client, slot, kind="denunciation", full_name="Lê Văn Tố", phone="0987654321")
    req = the_request(code)
    assert (req.full_name, req.id_number, req.phone, req.email) == (None, None, None, None)
    assert decrypt_json(req.protected_identity) == {"full_name": "Lê Văn Tố", "id_number": CCCD,
                                                    "phone": "0987654321", "email": "an.nguyen@example.vn"}
    handler, _h = login_as("handler", "BTCD")
    for url in (f"{BASE}/?tab=requested", f"{BASE}/requests/{req.id}"):
        html = text(handler.get(url))
        assert "Lê Văn Tố" not in html and CCCD not in html and "Người tố cáo (được bảo mật)" in html
    assert handler.post(f"{BASE}/requests/{req.id}/identity",
                        data={"csrf_token": csrf_of(handler, f"{BASE}/requests/{req.id}")}).status_code == 403
    leader, boss = login_as("leader", "BTCD")
    assert "Lê Văn Tố" not in text(leader.get(f"{BASE}/requests/{req.id}"))  # only on request
    resp = leader.post(f"{BASE}/requests/{req.id}/identity",
                       data={"csrf_token": csrf_of(leader, f"{BASE}/requests/{req.id}")})
    assert resp.status_code == 200 and "Lê Văn Tố" in text(resp) and CCCD in text(resp)
    logged = db.session.scalars(select(Event).where(Event.subject_type == "online_request",
                                                    Event.action == "identity_revealed")).one()
    assert logged.actor_user_id == boss.id
    # The desk's prefill: only a leader gets the identity, and that read is logged too.
    assert online.prefill_for_visit(req)["full_name"] is None
    assert online.prefill_for_visit(req, boss)["full_name"] == "Lê Văn Tố"


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_SUBMIT": "2 per hour"}])
def test_submissions_are_rate_limited(client, app_overrides):
    from app.extensions import limiter

    limiter.reset()
    slot = make_slot(capacity=5)
    for _ in range(2):
        file_request(client, slot)
    resp = post_request(client, open_form(client), request_data(slot))
    assert resp.status_code == 429
    assert len(db.session.scalars(select(OnlineRequest)).all()) == 2
    limiter.reset()


# --- the citizen's status page ----------------------------------------------------------------

def test_wrong_code_and_wrong_key_read_the_same(client, app):
    slot = make_slot()
    code, key = file_request(client, slot)
    other = app.test_client()
    wrong_key, wrong_code = track(other, code, "AAAA-AAAA-AAAA"), track(other, "TT-BTCD-2026-999999", key)
    assert wrong_key.status_code == wrong_code.status_code == 422
    msg = "Mã yêu cầu hoặc mã truy cập không đúng."
    assert msg in text(wrong_key) and msg in text(wrong_code)
    strip = lambda h: re.sub(r'value="[^"]*"', "", h).replace(code, "X").replace("TT-BTCD-2026-999999", "X")  # noqa
    assert strip(text(wrong_key)) == strip(text(wrong_code))
    assert "Phòng họp" not in text(other.get(PUBLIC + "/status"))


def test_meeting_link_shown_only_once_confirmed(client, login_as):
    slot = make_slot()
    code, key = file_request(client, slot)
    assert track(client, code, key.lower().replace("-", " ")).status_code == 302
    html = text(client.get(PUBLIC + "/status"))
    assert "Đã gửi yêu cầu, chờ xác nhận" in html and online.slot_label(slot) in html
    assert "meeting-link" not in html
    staff, _u = login_as("receptionist", "BTCD")
    assert act(staff, the_request(code), "confirm", meeting_link="https://meet.example.gov.vn/tcd-9",
               note="Chuẩn bị thẻ căn cước.").status_code == 302
    html = text(client.get(PUBLIC + "/status"))
    assert "Đã xác nhận lịch tiếp" in html and "https://meet.example.gov.vn/tcd-9" in html
    assert "Chuẩn bị thẻ căn cước." in html and "Cơ quan xác nhận lịch tiếp" in html


def test_citizen_accepts_the_proposed_slot(client, login_as):
    wanted = make_slot()
    better = make_slot(start="14:00", end="15:00")
    code, key = file_request(client, wanted)
    staff, _u = login_as("handler", "BTCD")
    assert act(staff, the_request(code), "propose", slot=str(better.id), note="Buổi sáng đã kín.").status_code == 302
    req = the_request(code)
    assert (req.status, req.proposed_slot_id) == ("proposed", better.id)
    track(client, code, key)
    html = text(client.get(PUBLIC + "/status"))
    assert "Cơ quan đề nghị thời gian khác" in html and online.slot_label(better) in html
    assert "Buổi sáng đã kín." in html
    resp = client.post(PUBLIC + "/status/accept", data={"csrf_token": hidden_fields(html)["csrf_token"],
                                                          "answer-version": str(req.version_id)})
    assert resp.status_code == 302
    req = the_request(code)
    assert (req.status, req.slot_id, req.proposed_slot_id) == ("requested", better.id, None)
    # Staff then confirm it.
    assert act(staff, req, "confirm", meeting_link="https://meet.example.gov.vn/x").status_code == 302
    assert the_request(code).status == "confirmed"


def test_citizen_picks_another_slot_or_cancels_after_confirming(client):
    first = make_slot(capacity=2)
    second = make_slot(start="15:00", end="16:00")
    code, key = file_request(client, first)
    track(client, code, key)
    html = text(client.get(PUBLIC + "/status"))
    req = the_request(code)
    resp = client.post(PUBLIC + "/status/change", data={"csrf_token": hidden_fields(html)["csrf_token"],
                                                          "change-version": str(req.version_id), "change-slot": ""})
    assert resp.status_code == 422 and "Hãy chọn thời gian tiếp." in text(resp)
    resp = client.post(PUBLIC + "/status/change", data={"csrf_token": hidden_fields(html)["csrf_token"],
                                                          "change-version": str(req.version_id),
                                                          "change-slot": str(second.id)})
    assert resp.status_code == 302
    assert the_request(code).slot_id == second.id

    page = client.get(PUBLIC + "/status/cancel")
    assert page.status_code == 200 and "Bạn chắc chắn muốn hủy" in text(page)
    assert the_request(code).status == "requested"  # the page alone changes nothing
    form = hidden_fields(text(page))
    version = re.search(r'name="answer-version"[^>]*value="(\d+)"', text(page)).group(1)
    resp = client.post(PUBLIC + "/status/cancel", data={"csrf_token": form["csrf_token"], "answer-version": version})
    assert resp.status_code == 302
    assert the_request(code).status == "cancelled"
    assert "Đã hủy" in text(client.get(PUBLIC + "/status"))
    # The seat is free again.
    assert online.room_left(second) == 1


# --- the staff side ---------------------------------------------------------------------------

def test_confirm_requires_an_http_link(client, login_as):
    code, _key = file_request(client, make_slot())
    staff, _u = login_as("receptionist", "BTCD")
    for bad in ("", "meet.example.gov.vn/x", "ftp://meet.example.gov.vn/x", "javascript:alert(1)",
                "https://meet.example.gov.vn/a b"):
        resp = act(staff, the_request(code), "confirm", meeting_link=bad, note="Lời nhắn giữ lại")
        assert resp.status_code == 422, bad
        assert ("phải là địa chỉ web" in text(resp)) or ("Hãy nhập đường dẫn" in text(resp))
        assert "Lời nhắn giữ lại" in text(resp)
    assert the_request(code).status == "requested"


def test_confirm_refused_when_the_slot_is_full(client, login_as):
    slot = make_slot(capacity=1)
    code, _key = file_request(client, slot)
    # A second request on the same slot (as if two had raced for its last seat).
    extra = OnlineRequest(code="TT-BTCD-2026-900001", access_key_hash="0" * 64, agency_id=slot.agency_id,
                          status="requested", kind="proposal", summary="Kiến nghị sửa đường liên thôn.",
                          full_name="Trần Thị Bình", slot_id=slot.id)
    db.session.add(extra)
    db.session.commit()
    staff, _u = login_as("receptionist", "BTCD")
    assert act(staff, the_request(code), "confirm", meeting_link="https://meet.example.gov.vn/1").status_code == 302
    resp = act(staff, the_request("TT-BTCD-2026-900001"), "confirm", meeting_link="https://meet.example.gov.vn/2")
    assert resp.status_code == 422
    assert "đã đủ 1 công dân được xác nhận" in text(resp)
    assert 'value="https://meet.example.gov.vn/2"' in text(resp)
    assert the_request("TT-BTCD-2026-900001").status == "requested"


def test_propose_only_the_agencys_slots_with_room(client, login_as):
    code, _key = file_request(client, make_slot())
    foreign = make_slot("XCL", start="14:00", end="15:00")
    full = make_slot(start="16:00", end="17:00", capacity=1)
    file_request(client, full)
    staff, _u = login_as("receptionist", "BTCD")
    page = text(staff.get(f"{BASE}/requests/{the_request(code).id}"))
    assert f'value="{foreign.id}"' not in page and f'value="{full.id}"' not in page
    resp = act(staff, the_request(code), "propose", slot=str(foreign.id))
    assert resp.status_code == 422 and "Khung giờ đã chọn không thuộc cơ quan của bạn." in text(resp)
    resp = act(staff, the_request(code), "propose", slot=str(full.id))
    assert resp.status_code == 422 and "đã đủ người" in text(resp)
    assert the_request(code).status == "requested"


def test_decline_needs_a_reason_the_citizen_reads(client, login_as):
    code, key = file_request(client, make_slot())
    staff, _u = login_as("leader", "BTCD")
    resp = act(staff, the_request(code), "decline", reason="  ")
    assert resp.status_code == 422 and "Hãy ghi lý do để công dân được biết." in text(resp)
    assert act(staff, the_request(code), "decline",
               reason="Nội dung thuộc thẩm quyền UBND xã Cao Lộc.").status_code == 302
    assert the_request(code).status == "declined"
    track(client, code, key)
    html = text(client.get(PUBLIC + "/status"))
    assert "Không bố trí được" in html and "thuộc thẩm quyền UBND xã Cao Lộc" in html
    assert "Hủy yêu cầu" not in html  # nothing left to cancel


def test_a_stale_form_is_refused(client, login_as):
    code, key = file_request(client, make_slot())
    staff, _u = login_as("receptionist", "BTCD")
    req = the_request(code)
    page = text(staff.get(f"{BASE}/requests/{req.id}"))
    # Meanwhile the citizen cancels.
    track(client, code, key)
    cancel = text(client.get(PUBLIC + "/status/cancel"))
    version = re.search(r'name="answer-version"[^>]*value="(\d+)"', cancel).group(1)
    client.post(PUBLIC + "/status/cancel", data={"csrf_token": hidden_fields(cancel)["csrf_token"],
                                                  "answer-version": version})
    resp = staff.post(f"{BASE}/requests/{req.id}/confirm", data={
        "csrf_token": hidden_fields(page)["csrf_token"], "confirm-version": str(req.version_id),
        "confirm-meeting_link": "https://meet.example.gov.vn/1"})
    assert resp.status_code == 409 and "vừa được thay đổi" in text(resp)
    assert the_request(code).status == "cancelled"


def test_another_agencys_request_is_not_found(client, login_as):
    code, _key = file_request(client, make_slot())
    req = the_request(code)
    other, _u = login_as("leader", "XCL")
    assert other.get(f"{BASE}/requests/{req.id}").status_code == 404
    token = csrf_of(other, f"{BASE}/")
    for action in ("confirm", "propose", "decline", "identity"):
        assert other.post(f"{BASE}/requests/{req.id}/{action}", data={"csrf_token": token}).status_code == 404
    assert code not in text(other.get(f"{BASE}/?tab=all"))
    supervisor, _s = login_as("supervisor", "LS")
    assert supervisor.get(f"{BASE}/").status_code == 403
    assert the_request(code).status == "requested"


def test_list_by_status_with_pagination(client, login_as):
    slot = make_slot(capacity=online.MAX_CAPACITY)
    for i in range(online.PAGE_SIZE + 2):
        db.session.add(OnlineRequest(code=f"TT-BTCD-2026-{800000 + i}", access_key_hash="0" * 64,
                                     agency_id=slot.agency_id, status="requested", kind="proposal",
                                     summary="Kiến nghị", full_name=f"Người {i}", slot_id=slot.id))
    db.session.add(OnlineRequest(code="TT-BTCD-2026-700000", access_key_hash="0" * 64, agency_id=slot.agency_id,
                                 status="declined", kind="proposal", summary="Kiến nghị", full_name="Người bị từ chối"))
    db.session.commit()
    staff, _u = login_as("receptionist", "BTCD")
    first = text(staff.get(f"{BASE}/"))
    assert f"{online.PAGE_SIZE + 2} yêu cầu" in first and "Trang 1 / 2" in first
    assert "Người bị từ chối" not in first
    second = text(staff.get(f"{BASE}/?tab=requested&page=2"))
    assert second.count("TT-BTCD-2026-8") == 2
    closed = text(staff.get(f"{BASE}/?tab=closed"))
    assert "TT-BTCD-2026-700000" in closed and "TT-BTCD-2026-800000" not in closed


# --- the desk hand-over and the recording -----------------------------------------------------

def _held_visit(code: str, staff_user, slot: OnlineSlot, form_token: str = "online-visit-form-token-0001") -> Visit:
    req = the_request(code)
    values = online.prefill_for_visit(req)
    draft = VisitDraft(visited_at=values["visited_at"], place="Trực tuyến", kind=values["kind"],
                       summary=values["summary"], outcome="settled", outcome_note="Đã giải thích.",
                       visitors=[VisitorInput(full_name=values["full_name"] or "Người tố cáo",
                                              id_number=values["id_number"], phone=values["phone"])],
                       channel=VisitChannel.ONLINE.value, online_request_id=req.id,
                       meeting_link=values["meeting_link"])
    result = log_visit(draft, user=staff_user, form_token=form_token)
    online.mark_held(req, result.visit)
    db.session.commit()
    return result.visit


def past_slot(code="BTCD") -> OnlineSlot:
    """A slot that started an hour ago (written directly: the meeting is over)."""
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=2)
    slot = OnlineSlot(agency_id=agency(code).id, starts_at=start, ends_at=start + timedelta(hours=1), capacity=3,
                      published=True)
    db.session.add(slot)
    db.session.commit()
    return slot


def confirmed_request(slot, *, kind="complaint", full_name="Nguyễn Văn An") -> OnlineRequest:
    req = OnlineRequest(code=f"TT-BTCD-2026-6{slot.id:05d}", access_key_hash="0" * 64, agency_id=slot.agency_id,
                        status="confirmed", kind=kind, summary="Khiếu nại việc bồi thường.", slot_id=slot.id,
                        meeting_link="https://meet.example.gov.vn/held")
    if kind == "denunciation":
        req.protected_identity = encrypt_json({"full_name": full_name, "id_number": CCCD, "phone": None,
                                                      "email": None})
    else:
        req.full_name, req.id_number, req.phone = full_name, CCCD, "0912345678"
    db.session.add(req)
    db.session.commit()
    return req


def test_record_goes_to_the_desk_prefilled_and_mark_held(login_as):
    staff, user = login_as("receptionist", "BTCD")
    slot = past_slot()
    req = confirmed_request(slot)
    page = text(staff.get(f"{BASE}/requests/{req.id}"))
    assert "Ghi sổ buổi tiếp" in page
    resp = staff.get(f"{BASE}/requests/{req.id}/record")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/staff/reception/visits/new?online_request={req.id}")
    desk = text(staff.get(resp.headers["Location"]))  # the desk form, prefilled from the request
    assert "Khiếu nại việc bồi thường." in desk and "https://meet.example.gov.vn/held" in desk
    values = online.prefill_for_visit(req)
    assert values == {"kind": "complaint", "summary": "Khiếu nại việc bồi thường.", "full_name": "Nguyễn Văn An",
                      "id_number": CCCD, "phone": "0912345678", "meeting_link": "https://meet.example.gov.vn/held",
                      "visited_at": slot.starts_at, "channel": "online", "online_request_id": req.id,
                      "is_protected": False}
    visit = _held_visit(req.code, user, slot)
    assert the_request(req.code).status == "held"
    assert visit.channel == "online" and visit.online_request_id == req.id
    held = db.session.scalars(select(Event).where(Event.subject_type == "online_request",
                                                  Event.action == "held")).one()
    assert held.note == visit.register_number and held.actor_user_id == user.id
    # Marking it held again (a second visit) is refused, as a VisitError the desk already handles.
    with pytest.raises(VisitError):
        online.mark_held(the_request(req.code), visit)
    # A request not yet confirmed cannot be recorded.
    fresh = make_slot()
    other = OnlineRequest(code="TT-BTCD-2026-500001", access_key_hash="0" * 64, agency_id=fresh.agency_id,
                          status="requested", kind="proposal", summary="Kiến nghị", full_name="B", slot_id=fresh.id)
    db.session.add(other)
    db.session.commit()
    assert staff.get(f"{BASE}/requests/{other.id}/record").headers["Location"].endswith(f"/requests/{other.id}")


def upload(client, visit_id, content: bytes, name: str, **extra):
    token = csrf_of(client, f"{BASE}/visits/{visit_id}/recording/attach")
    return client.post(f"{BASE}/visits/{visit_id}/recording", content_type="multipart/form-data",
                       data={"csrf_token": token, "recording": (io.BytesIO(content), name), **extra})


def test_recording_upload_checked_by_content_and_downloaded(login_as):
    staff, user = login_as("receptionist", "BTCD")
    slot = past_slot()
    visit = _held_visit(confirmed_request(slot).code, user, slot)
    page = staff.get(f"{BASE}/visits/{visit.id}/recording/attach")
    assert page.status_code == 200 and "MP4, WebM, MP3, M4A, AAC, OGG" in text(page)

    resp = upload(staff, visit.id, pdf_bytes(), "buoi-tiep.mp4")
    assert resp.status_code == 422 and "Tệp không phải bản ghi âm, ghi hình được chấp nhận" in text(resp)
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).recording_key is None

    resp = upload(staff, visit.id, b"", "rong.mp4")
    assert resp.status_code == 422

    data = mp4_bytes()
    assert upload(staff, visit.id, data, "buoi-tiep.bin").status_code == 302
    db.session.expire_all()
    v = db.session.get(Visit, visit.id)
    assert (v.recording_type, v.recording_size, v.recording_name) == ("video/mp4", len(data), "buoi-tiep.mp4")
    desk_page = text(staff.get(f"/staff/reception/visits/{visit.id}"))  # the desk includes online/_recording.html
    assert f'href="{BASE}/visits/{visit.id}/recording"' in desk_page and "buoi-tiep.mp4" in desk_page
    got = staff.get(f"{BASE}/visits/{visit.id}/recording")
    assert got.status_code == 200 and got.data == data
    assert got.headers["Content-Type"] == "video/mp4"
    assert got.headers["Content-Disposition"].startswith("attachment")

    # Replacing needs the confirmation box; the old file goes once the new one is stored.
    old_key = v.recording_key
    resp = upload(staff, visit.id, mp4_bytes(5000), "moi.mp4")
    assert resp.status_code == 422 and "xác nhận thay bản ghi cũ" in text(resp)
    assert upload(staff, visit.id, mp4_bytes(5000), "moi.mp4", replace="y").status_code == 302
    db.session.expire_all()
    v = db.session.get(Visit, visit.id)
    assert v.recording_name == "moi.mp4" and v.recording_key != old_key
    from app.storage import files

    assert not files.path_for(old_key).exists() and files.path_for(v.recording_key).exists()
    actions = [e.action for e in db.session.scalars(select(Event).where(Event.subject_type == "visit"))]
    assert "recording_attached" in actions and "recording_replaced" in actions


def test_recording_size_limit_and_the_request_limit_override(login_as, app):
    staff, user = login_as("receptionist", "BTCD")
    slot = past_slot()
    visit = _held_visit(confirmed_request(slot).code, user, slot)
    # A recording may be larger than MAX_CONTENT_LENGTH (sized for attachments) …
    app.config["MAX_CONTENT_LENGTH"] = 8 * 1024
    app.config["MAX_RECORDING_BYTES"] = 64 * 1024
    assert upload(staff, visit.id, mp4_bytes(20 * 1024), "lon.mp4").status_code == 302
    # … but not than MAX_RECORDING_BYTES.
    resp = upload(staff, visit.id, mp4_bytes(70 * 1024), "qua-lon.mp4", replace="y")
    assert resp.status_code == 422 and "Tệp lớn hơn 64 KB, không thể tải lên." in text(resp)
    resp = upload(staff, visit.id, mp4_bytes(2 * 1024 * 1024), "rat-lon.mp4", replace="y")
    assert resp.status_code == 413 and "Tệp bản ghi quá lớn" in text(resp)
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).recording_size == 20 * 1024
    # Other forms keep the ordinary limit.
    resp = staff.post(f"{BASE}/slots", data={"csrf_token": "x", "day": "x" * 10000})
    assert resp.status_code == 413


def test_recording_scope_and_protected_recordings(login_as):
    staff, user = login_as("receptionist", "BTCD")
    slot = past_slot()
    visit = _held_visit(confirmed_request(slot, kind="denunciation").code, user, slot)
    assert upload(staff, visit.id, mp4_bytes(), "to-cao.mp4").status_code == 302
    # Another agency sees nothing.
    other, _o = login_as("leader", "XCL")
    assert other.get(f"{BASE}/visits/{visit.id}/recording").status_code == 404
    assert other.get(f"{BASE}/visits/{visit.id}/recording/attach").status_code == 404
    assert upload(other, visit.id, mp4_bytes(), "x.mp4").status_code == 404
    # A denunciator is seen and heard: only the officer who received them and a leader.
    handler, _h = login_as("handler", "BTCD")
    assert handler.get(f"{BASE}/visits/{visit.id}/recording").status_code == 403
    desk_page = text(handler.get(f"/staff/reception/visits/{visit.id}"))
    assert "to-cao.mp4" in desk_page and f'href="{BASE}/visits/{visit.id}/recording"' not in desk_page
    leader, boss = login_as("leader", "BTCD")
    assert leader.get(f"{BASE}/visits/{visit.id}/recording").status_code == 200
    assert staff.get(f"{BASE}/visits/{visit.id}/recording").status_code == 200
    readers = {row.user_id for row in db.session.scalars(select(IdentityAccess).where(
        IdentityAccess.visit_id == visit.id))}
    assert {boss.id, user.id} <= readers


def test_in_person_visits_have_no_recording(login_as):
    staff, user = login_as("receptionist", "BTCD")
    draft = VisitDraft(visited_at=datetime.now(timezone.utc) - timedelta(hours=1), place="Trụ sở", kind="proposal",
                       summary="Kiến nghị sửa đường.", outcome="settled", outcome_note="Đã trả lời.",
                       visitors=[VisitorInput(full_name="Nguyễn Văn An", id_number=CCCD)])
    visit = log_visit(draft, user=user, form_token="in-person-form-token-00001").visit
    db.session.commit()
    assert staff.get(f"{BASE}/visits/{visit.id}/recording/attach").status_code == 404
    assert upload(staff, visit.id, mp4_bytes(), "x.mp4").status_code == 404
