"""The reception desk through its pages: logging visits, groups, letters, look-up, repeats, bad input."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import IdentityAccess
from app.extensions import db
from app.formatting import local_today
from app.petitions.models import Attachment, Petition, Petitioner
from app.reception.models import Person, Visit, VisitVisitor
from tests.conftest import csrf_of, hidden_fields, make_user, sign_in
from tests.files import pdf_bytes

DESK = "/staff/reception/visits/new"


def desk_data(client, **overrides) -> dict:
    """Form data of a valid single visit whose letter is received."""
    html = client.get(DESK).get_data(as_text=True)
    tokens = hidden_fields(html)
    data = {
        "csrf_token": tokens["csrf_token"], "form_token": tokens["form_token"],
        "visited_on": local_today().strftime("%d/%m/%Y"), "visited_time": "00:01",
        "place": "Trụ sở Ban Tiếp công dân tỉnh", "people_count": "1",
        "visitors-0-full_name": "Hoàng Văn Sơn", "visitors-0-id_number": "020080004321",
        "visitors-0-phone": "0912345678", "visitors-0-address": "Thôn Bản Làn, xã Cao Lộc",
        "kind": "complaint", "summary": "Khiếu nại quyết định thu hồi đất của UBND xã Cao Lộc.",
        "request_text": "Đề nghị xem xét lại mức bồi thường.", "outcome": "petition_received",
    }
    data.update(overrides)
    return data


def post_visit(client, data, files=None):
    payload = dict(data)
    if files:
        payload["attachments"] = files
    return client.post(DESK, data=payload, content_type="multipart/form-data")


def test_a_single_visit_with_a_letter_creates_a_walk_in_petition(app, login_as):
    client, user = login_as("receptionist", "BTCD")
    resp = post_visit(client, desk_data(client), files=[(io.BytesIO(pdf_bytes()), "don.pdf")])
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    visit = db.session.scalars(select(Visit)).one()
    assert resp.headers["Location"].endswith(f"/staff/reception/visits/{visit.id}")
    assert (visit.number, visit.year, visit.people_count, visit.is_group) == (1, local_today().year, 1, False)
    petition = visit.petition
    assert petition.channel == "walk_in" and petition.status == "received" and petition.agency_id == user.agency_id
    assert [a.original_name for a in petition.attachments] == ["don.pdf"]
    assert petition.petitioners[0].person_id == visit.visitors[0].person_id
    # The answer owed (Luật TCD Đ.28): ten working days, from the rule table.
    from app.calendar.services import due_date

    assert visit.reply_due == due_date("reception.reply", local_today())
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert petition.tracking_code in page and "Hoàng Văn Sơn" in page
    # The petition is in the triage inbox of the agency.
    assert petition.tracking_code in client.get("/staff/petitions/").get_data(as_text=True)


def test_a_group_of_twelve_with_three_representatives_is_one_visit(app, login_as):
    client, _user = login_as("receptionist", "BTCD")
    data = desk_data(client, people_count="12", **{
        "visitors-1-full_name": "Lương Thị Mai", "visitors-1-id_number": "020185002222",
        "visitors-2-full_name": "Vi Văn Tâm"})
    resp = post_visit(client, data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    visit = db.session.scalars(select(Visit)).one()
    assert visit.people_count == 12 and visit.is_group
    assert [v.role for v in visit.visitors] == ["representative"] * 3
    assert visit.petition.is_group and visit.petition.group_size == 12
    assert len(visit.petition.petitioners) == 3


@pytest.mark.parametrize("count, reps, message", [
    ("8", 3, "chỉ được cử tối đa 2 người đại diện"),
    ("12", 6, None),  # the form has room for five only: the sixth never arrives
])
def test_a_group_with_too_many_representatives_is_refused(app, login_as, count, reps, message):
    client, _user = login_as("receptionist", "BTCD")
    extra = {f"visitors-{i}-full_name": f"Người đại diện {i}" for i in range(1, reps)}
    data = desk_data(client, people_count=count, **extra)
    resp = post_visit(client, data)
    if message:
        assert resp.status_code == 422
        html = resp.get_data(as_text=True)
        assert message in html
        assert "Người đại diện 2" in html and "Khiếu nại quyết định thu hồi đất" in html  # nothing lost
        assert db.session.scalar(select(func.count(Visit.id))) == 0
    else:
        assert resp.status_code == 302
        assert len(db.session.scalars(select(Visit)).one().visitors) == 5


def test_a_group_without_a_representative_is_refused(app, login_as):
    client, _user = login_as("receptionist", "BTCD")
    data = desk_data(client, people_count="7", **{"visitors-0-full_name": ""})
    resp = post_visit(client, data)
    assert resp.status_code == 422
    assert "người đại diện" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Visit.id))) == 0


def test_a_visit_in_the_future_is_refused_and_nothing_is_lost(app, login_as):
    client, _user = login_as("receptionist", "BTCD")
    tomorrow = (local_today() + timedelta(days=1)).strftime("%d/%m/%Y")
    resp = post_visit(client, desk_data(client, visited_on=tomorrow),
                      files=[(io.BytesIO(pdf_bytes()), "don.pdf")])
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Thời gian tiếp không thể ở tương lai." in html
    assert "Hoàng Văn Sơn" in html and "Đề nghị xem xét lại mức bồi thường." in html
    assert "don.pdf" in html  # the file is kept for the next attempt
    data = desk_data(client)
    data["form_token"] = hidden_fields(html)["form_token"]
    assert post_visit(client, data).status_code == 302
    assert [a.original_name for a in db.session.scalars(select(Attachment))] == ["don.pdf"]


def test_a_refusal_needs_a_legal_ground_and_a_reason(app, login_as):
    client, _user = login_as("receptionist", "BTCD")
    resp = post_visit(client, desk_data(client, outcome="refused", outcome_note="Công dân xúc phạm cán bộ"))
    assert resp.status_code == 422
    assert "phải nêu một căn cứ tại Điều 9" in resp.get_data(as_text=True)
    resp = post_visit(client, desk_data(client, outcome="refused", refusal_ground="disruptive", outcome_note=""))
    assert resp.status_code == 422
    assert "lý do từ chối" in resp.get_data(as_text=True)
    resp = post_visit(client, desk_data(client, outcome="refused", refusal_ground="disruptive",
                                        outcome_note="Công dân xúc phạm cán bộ tiếp."))
    assert resp.status_code == 302
    visit = db.session.scalars(select(Visit)).one()
    assert visit.refusal_ground == "disruptive" and visit.petition_id is None and visit.reply_due is None


@pytest.mark.parametrize("overrides, message", [
    ({"outcome": "guided"}, "cơ quan có thẩm quyền mà công dân được hướng dẫn đến"),
    ({"outcome": "transferred"}, "cơ quan nhận chuyển đơn"),
    ({"outcome": "settled"}, "nội dung đã giải thích"),
    ({"visitors-0-id_number": "12345"}, "12 chữ số"),
    ({"visitors-0-phone": "12"}, "Số điện thoại không đúng"),
    ({"visited_time": "25:99"}, "giờ:phút"),
    ({"visited_on": "31/02/2026"}, "Ngày"),
    ({"summary": ""}, "tóm tắt nội dung"),
    ({"kind": ""}, "khiếu nại, tố cáo hay kiến nghị"),
    ({"people_count": "0"}, "Số người đến từ 1"),
    ({"people_count": "1", "visitors-1-full_name": "Người thứ hai"}, "nhiều hơn số người đến"),
    ({"visitors-1-id_number": "020080001111"}, "Hãy nhập họ tên của người này."),
])
def test_bad_input_is_answered_and_kept(app, login_as, overrides, message):
    client, _user = login_as("receptionist", "BTCD")
    resp = post_visit(client, desk_data(client, **overrides))
    assert resp.status_code == 422, overrides
    html = resp.get_data(as_text=True)
    assert message in html, (overrides, html[html.find("error-summary"):][:1500])
    assert "Đề nghị xem xét lại mức bồi thường." in html
    assert db.session.scalar(select(func.count(Visit.id))) == 0


def test_a_category_of_another_kind_is_refused(app, login_as):
    from app.petitions.models import ContentCategory

    client, _user = login_as("receptionist", "BTCD")
    other = db.session.scalars(select(ContentCategory).where(ContentCategory.kind == "denunciation")).first()
    resp = post_visit(client, desk_data(client, category=str(other.id)))
    assert resp.status_code == 422
    assert "không thuộc loại nội dung này" in resp.get_data(as_text=True)


def test_a_known_id_number_is_reused_and_a_different_name_is_asked_about(app, login_as):
    client, _user = login_as("receptionist", "BTCD")
    assert post_visit(client, desk_data(client, outcome="settled", outcome_note="Đã giải thích.")).status_code == 302
    # The same ID number with another name: the desk asks, nothing is overwritten.
    data = desk_data(client, **{"visitors-0-full_name": "Hoàng Văn Sơn B", "outcome": "settled",
                                "outcome_note": "Đã giải thích lại."})
    resp = post_visit(client, data)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "đã có trong hồ sơ với tên" in html and "Giữ tên trong hồ sơ" in html
    person = db.session.scalars(select(Person)).one()
    assert person.full_name == "Hoàng Văn Sơn"
    # Keep the record's name: one person, two visits.
    data["form_token"] = hidden_fields(html)["form_token"]
    data["visitors-0-name_decision"] = "keep"
    assert post_visit(client, data).status_code == 302
    assert db.session.scalar(select(func.count(Person.id))) == 1
    assert db.session.scalars(select(Person)).one().full_name == "Hoàng Văn Sơn"
    # Correct the name: still one person, renamed.
    data = desk_data(client, **{"visitors-0-full_name": "Hoàng Văn Sơn B", "outcome": "settled",
                                "outcome_note": "Đã giải thích.", "visitors-0-name_decision": "update"})
    assert post_visit(client, data).status_code == 302
    assert db.session.scalar(select(func.count(Person.id))) == 1
    db.session.expire_all()
    assert db.session.scalars(select(Person)).one().full_name == "Hoàng Văn Sơn B"
    assert db.session.scalar(select(func.count(VisitVisitor.id))) == 3


def test_look_up_finds_people_with_and_without_diacritics(app, login_as):
    client, _user = login_as("receptionist", "BTCD")
    post_visit(client, desk_data(client))
    for q in ("Hoàng Văn", "hoang van son", "0200800", "0912345678"):
        html = client.post("/staff/reception/people", data={"csrf_token": csrf_of(client, "/staff/reception/visits/new"), "q": q}).get_data(as_text=True)
        assert "Hoàng Văn Sơn" in html, q
    html = client.post("/staff/reception/people", data={"csrf_token": csrf_of(client, "/staff/reception/visits/new"), "q": "Nguyễn Không Có"}).get_data(as_text=True)
    assert "Không tìm thấy" in html
    # A desk of another agency does not find the people who came here.
    other = app.test_client()
    sign_in(other, make_user("receptionist", "XCL"))
    for q in ("hoang van son", "0200800"):
        assert "Hoàng Văn Sơn" not in other.post("/staff/reception/people", data={"csrf_token": csrf_of(other, "/staff/reception/visits/new"), "q": q}).get_data(as_text=True)


def test_picking_a_person_without_javascript_fills_the_form(app, login_as):
    client, _user = login_as("receptionist", "BTCD")
    post_visit(client, desk_data(client))
    person = db.session.scalars(select(Person)).one()
    tokens = hidden_fields(client.get(DESK).get_data(as_text=True))
    resp = client.post(DESK, data={"csrf_token": tokens["csrf_token"], "form_token": tokens["form_token"],
                                   "lookup_q": "hoang", "do_lookup": "Tra cứu", "people_count": "1",
                                   "visitors-0-full_name": ""})
    assert resp.status_code == 200 and f'name="pick_person" value="{person.id}"' in resp.get_data(as_text=True)
    resp = client.post(DESK, data={"csrf_token": tokens["csrf_token"], "form_token": tokens["form_token"],
                                   "pick_person": str(person.id), "people_count": "1", "visitors-0-full_name": ""})
    html = resp.get_data(as_text=True)
    assert 'value="020080004321"' in html and f'value="{person.id}"' in html
    # The history panel shows the earlier visit and its petition, with the warning.
    assert "việc đang được giải quyết" in html
    assert db.session.scalars(select(Visit)).one().register_number in html


def test_history_panel_and_a_repeat_visit_link_to_the_earlier_matter(app, login_as):
    client, _user = login_as("receptionist", "BTCD")
    post_visit(client, desk_data(client))
    first = db.session.scalars(select(Visit)).one()
    html = client.post("/staff/reception/history", data={"csrf_token": csrf_of(client, "/staff/reception/visits/new"), "id_number": "020080004321"}).get_data(as_text=True)
    assert f'value="petition:{first.petition_id}"' in html and f'value="visit:{first.id}"' in html
    resp = post_visit(client, desk_data(client, repeat_ref=f"petition:{first.petition_id}", outcome="settled",
                                        outcome_note="Đơn đang được xử lý, hẹn trả lời."))
    assert resp.status_code == 302
    second = db.session.scalars(select(Visit).order_by(Visit.id.desc())).first()
    assert second.is_repeat and second.repeat_of_petition_id == first.petition_id and second.number == 2


def test_a_repeat_pointing_outside_the_users_scope_is_refused(app, login_as):
    client_x, _ = login_as("receptionist", "XCL")
    post_visit(client_x, desk_data(client_x))
    foreign = db.session.scalars(select(Visit)).one()
    client, _user = login_as("receptionist", "BTCD")
    resp = post_visit(client, desk_data(client, repeat_ref=f"visit:{foreign.id}"))
    assert resp.status_code == 422
    assert "Vụ việc cũ đã chọn không tìm thấy" in resp.get_data(as_text=True)
    # Nor does the other agency's visit show in the history panel.
    html = client.post("/staff/reception/history", data={"csrf_token": csrf_of(client, "/staff/reception/visits/new"), "id_number": "020080004321"}).get_data(as_text=True)
    assert foreign.register_number not in html


def test_a_double_submit_logs_one_visit(app, login_as):
    client, _user = login_as("receptionist", "BTCD")
    data = desk_data(client)
    first = post_visit(client, data)
    second = post_visit(client, data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count(Visit.id))) == 1
    assert db.session.scalar(select(func.count(Petition.id))) == 1


def test_a_denunciation_visit_keeps_the_identity_encrypted(app, login_as):
    client, officer = login_as("receptionist", "BTCD")
    resp = post_visit(client, desk_data(client, kind="denunciation",
                                        summary="Tố cáo cán bộ địa chính xã nhận tiền."))
    assert resp.status_code == 302
    visit = db.session.scalars(select(Visit)).one()
    assert visit.is_protected and db.session.scalar(select(func.count(Person.id))) == 0
    assert visit.visitors[0].person_id is None and b"Ho\xc3\xa0ng" not in visit.visitors[0].ciphertext
    petitioner = db.session.scalars(select(Petitioner)).one()
    assert petitioner.is_protected and petitioner.full_name is None
    # Masked on the page, even for the officer, until revealed (and every reveal is logged).
    page = client.get(f"/staff/reception/visits/{visit.id}").get_data(as_text=True)
    assert "Hoàng Văn Sơn" not in page and "được bảo mật" in page
    token = hidden_fields(page)["csrf_token"]
    shown = client.post(f"/staff/reception/visits/{visit.id}/identity", data={"csrf_token": token})
    assert "Hoàng Văn Sơn" in shown.get_data(as_text=True)
    assert db.session.scalar(select(func.count(IdentityAccess.id)).where(IdentityAccess.visit_id == visit.id)) == 1
    # Another receptionist of the agency sees it masked and may not reveal it; the look-up finds nothing.
    other = app.test_client()
    sign_in(other, make_user("receptionist", "BTCD"))
    page = other.get(f"/staff/reception/visits/{visit.id}").get_data(as_text=True)
    assert "Hoàng Văn Sơn" not in page
    assert other.post(f"/staff/reception/visits/{visit.id}/identity",
                      data={"csrf_token": hidden_fields(page)["csrf_token"]}).status_code == 403
    assert "Hoàng" not in other.post("/staff/reception/people", data={"csrf_token": csrf_of(other, "/staff/reception/visits/new"), "q": "hoang"}).get_data(as_text=True)


def test_the_reply_is_recorded_once_and_checked(app, login_as):
    client, _user = login_as("receptionist", "BTCD")
    post_visit(client, desk_data(client))
    visit = db.session.scalars(select(Visit)).one()
    url = f"/staff/reception/visits/{visit.id}"
    token = hidden_fields(client.get(url).get_data(as_text=True))["csrf_token"]
    tomorrow = (local_today() + timedelta(days=1)).strftime("%d/%m/%Y")
    resp = client.post(url + "/reply", data={"csrf_token": token, "replied_on": tomorrow, "note": "Đã thụ lý"})
    assert resp.status_code == 422 and "không thể ở tương lai" in resp.get_data(as_text=True)
    resp = client.post(url + "/reply", data={"csrf_token": token, "replied_on": local_today().strftime("%d/%m/%Y"),
                                             "note": ""})
    assert resp.status_code == 422 and "nội dung đã trả lời" in resp.get_data(as_text=True)
    resp = client.post(url + "/reply", data={"csrf_token": token, "replied_on": local_today().strftime("%d/%m/%Y"),
                                             "note": "Đã thông báo thụ lý khiếu nại."})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).replied_on == local_today()
    resp = client.post(url + "/reply", data={"csrf_token": token, "replied_on": local_today().strftime("%d/%m/%Y"),
                                             "note": "Lần nữa"})
    assert resp.status_code == 422 and "Đã ghi nhận trả lời" in resp.get_data(as_text=True)


def test_the_desk_is_for_desk_roles_and_visits_are_scoped(app, login_as):
    client, _user = login_as("receptionist", "BTCD")
    post_visit(client, desk_data(client))
    visit = db.session.scalars(select(Visit)).one()
    admin = app.test_client()
    sign_in(admin, make_user("admin", "LS"))
    assert admin.get(DESK).status_code == 403
    other = app.test_client()
    sign_in(other, make_user("receptionist", "XCL"))
    assert other.get(f"/staff/reception/visits/{visit.id}").status_code == 404
    supervisor = app.test_client()
    sign_in(supervisor, make_user("supervisor", "LS"))
    assert supervisor.get(f"/staff/reception/visits/{visit.id}").status_code == 200
    assert supervisor.get(DESK).status_code == 403


def test_a_visit_without_csrf_is_refused(app, login_as):
    client, _user = login_as("receptionist", "BTCD")
    data = desk_data(client)
    data.pop("csrf_token")
    resp = post_visit(client, data)
    assert resp.status_code == 400
    assert db.session.scalar(select(func.count(Visit.id))) == 0


def test_look_ups_never_put_what_is_typed_in_a_url(login_as):
    """Names and ID numbers typed at the desk go in POST bodies: a GET look-up is not served."""
    client, _user = login_as("receptionist", "TTLS")
    assert client.get("/staff/reception/people", query_string={"q": "Nguyễn"}).status_code == 405
    assert client.get("/staff/reception/history", query_string={"id_number": "020080004321"}).status_code == 405
