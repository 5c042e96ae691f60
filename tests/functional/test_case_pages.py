"""The case pages on both databases: the list's tabs and scope, the case page with its clock, and one form
per action — transitions, suspension and resumption, extensions by complexity, the conclusion with its
figures, refusals shown next to their field with what was typed kept, CSRF, and 404 outside the scope."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from app.agencies.models import Agency
from app.calendar.services import due_date
from app.cases.models import Case
from app.extensions import db
from app.formatting import local_today
from tests.conftest import csrf_of


def text(resp) -> str:
    return resp.get_data(as_text=True)


def make_case(agency_code="XCL", kind="denunciation", rule="denunciation.resolve", accepted=date(2026, 3, 2),
              resolver=None, title="Tố cáo cán bộ địa chính xã", **kwargs) -> Case:
    agency = db.session.scalars(select(Agency).where(Agency.code == agency_code)).one()
    case = Case(kind=kind, agency_id=agency.id, title=title, accepted_on=accepted, due_rule_code=rule,
                due_date=due_date(rule, accepted) if rule else None,
                resolver_id=resolver.id if resolver else None, **kwargs)
    db.session.add(case)
    db.session.commit()
    return case


def post(client, case, action, data, csrf=True):
    payload = {f"{action}-{k}": v for k, v in data.items()}
    if csrf:
        payload["csrf_token"] = csrf_of(client, f"/staff/cases/{case.id}")
    return client.post(f"/staff/cases/{case.id}/{action}", data=payload)


def reload(case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def test_the_list_has_tabs_and_shows_only_the_agency_cases(app, login_as):
    client, handler = login_as("handler", "XCL")
    today = local_today()
    mine = make_case(resolver=handler, title="Vụ của tôi", accepted=today - timedelta(days=2))
    overdue = make_case(title="Vụ quá hạn", accepted=today - timedelta(days=200))
    make_case(agency_code="PLVT", title="Vụ của phường khác", accepted=today)
    page = text(client.get("/staff/cases/"))
    assert "Vụ của tôi" in page and "Vụ quá hạn" in page and "Vụ của phường khác" not in page
    assert "Chờ lãnh đạo quyết định" not in page  # a handler has no approval tab
    page = text(client.get("/staff/cases/?tab=mine"))
    assert "Vụ của tôi" in page and "Vụ quá hạn" not in page
    page = text(client.get("/staff/cases/?tab=overdue"))
    assert "Vụ quá hạn" in page and "Vụ của tôi" not in page and "quá hạn" in page
    page = text(client.get("/staff/cases/?tab=all&kind=proposal"))
    assert "Vụ của tôi" not in page and "Không có vụ việc nào" in page
    # A leader sees the cases waiting for a decision only a leader may take.
    leader_client, leader = login_as("leader", "XCL")
    db.session.get(Case, overdue.id).status = "verifying"
    db.session.commit()
    page = text(leader_client.get("/staff/cases/?tab=approval"))
    assert "Vụ quá hạn" in page and "Vụ của tôi" not in page
    # The dashboard links to the tabs.
    home = text(client.get("/staff/"))
    assert re.search(r'id="figure-cases-mine">1 vụ việc tôi đang giải quyết', home)
    assert "/staff/cases/?tab=overdue" in home
    assert mine.id


def test_another_agency_gets_404_and_a_supervisor_reads_only(app, login_as):
    case = make_case()
    other, _ = login_as("leader", "PLVT")
    assert other.get(f"/staff/cases/{case.id}").status_code == 404
    assert post(other, type("C", (), {"id": case.id})(), "start_verification", {}, csrf=False).status_code == 400
    token = csrf_of(other, "/staff/cases/")
    assert other.post(f"/staff/cases/{case.id}/start_verification", data={"csrf_token": token}).status_code == 404
    sup, _ = login_as("supervisor", "LS")
    page = sup.get(f"/staff/cases/{case.id}")
    assert page.status_code == 200 and "Bắt đầu xác minh" not in text(page)
    token = csrf_of(sup, "/staff/cases/")
    assert sup.post(f"/staff/cases/{case.id}/start_verification", data={"csrf_token": token}).status_code == 403


def test_the_page_shows_the_clock_and_a_handler_starts_verification(app, login_as):
    client, handler = login_as("handler", "XCL")
    case = make_case(resolver=handler)
    page = text(client.get(f"/staff/cases/{case.id}"))
    assert "Hạn ban đầu" in page and "01/04/2026" in page and "Tố cáo" in page
    assert "Tạm đình chỉ" not in page.split('id="h-actions"')[1]  # a leader's decision
    resp = post(client, case, "start_verification", {"note": "Giao tổ xác minh"})
    assert resp.status_code == 302
    assert reload(case).status == "verifying"
    page = text(client.get(f"/staff/cases/{case.id}"))
    assert "Đang xác minh" in page and "Giao tổ xác minh" in page
    # Without the CSRF token nothing happens.
    assert post(client, case, "hold_dialogue", {}, csrf=False).status_code == 400
    # An action the table does not allow now.
    token = csrf_of(client, f"/staff/cases/{case.id}")
    assert client.post(f"/staff/cases/{case.id}/start_verification", data={"csrf_token": token}).status_code == 403


def test_a_leader_suspends_and_resumes_and_the_due_date_moves(app, login_as):
    client, leader = login_as("leader", "XCL")
    case = make_case()
    resp = post(client, case, "suspend", {"started_on": "10/03/2026", "reason": "", "decision_number": "03/QĐ"})
    assert resp.status_code == 422 and "Hãy ghi lý do tạm đình chỉ" in text(resp)
    assert 'value="03/QĐ"' in text(resp) and 'value="10/03/2026"' in text(resp)
    resp = post(client, case, "suspend", {"started_on": "01/02/2026", "reason": "Chờ vụ án", "decision_number": "03/QĐ"})
    assert resp.status_code == 422 and "trước ngày thụ lý" in text(resp) and "Chờ vụ án" in text(resp)
    resp = post(client, case, "suspend", {"started_on": "10/03/2026", "reason": "Chờ kết quả vụ án liên quan",
                                          "decision_number": "03/QĐ-UBND"})
    assert resp.status_code == 302
    stored = reload(case)
    assert stored.status == "suspended" and stored.due_date is None
    page = text(client.get(f"/staff/cases/{case.id}"))
    assert "Tạm dừng từ 10/03/2026" in page and "03/QĐ-UBND" in page
    assert "tạm dừng" in text(client.get("/staff/cases/"))
    assert post(client, case, "resume", {"ended_on": "20/03/2026"}).status_code == 302
    stored = reload(case)
    assert stored.status == "accepted" and stored.due_date == date(2026, 4, 13)
    page = text(client.get(f"/staff/cases/{case.id}"))
    assert "hạn mới 13/04/2026" in page


def test_extensions_follow_the_complexity_criteria(app, login_as):
    client, leader = login_as("leader", "XCL")
    case = make_case()
    ext = {"decision_number": "01/QĐ-UBND", "decided_on": "25/03/2026", "reason": "Nhiều nội dung"}
    resp = post(client, case, "extend", ext)
    assert resp.status_code == 422 and "chỉ được gia hạn 0 lần" in text(resp)
    assert 'value="01/QĐ-UBND"' in text(resp)
    resp = post(client, case, "extend", {**ext, "decision_number": ""})
    assert resp.status_code == 422 and "số quyết định và lý do" in text(resp)
    resp = client.post(f"/staff/cases/{case.id}/complexity",
                       data={"csrf_token": csrf_of(client, f"/staff/cases/{case.id}"), "complexity-criteria": "many_people"})
    assert resp.status_code == 302 and reload(case).complexity_level == "complex"
    assert post(client, case, "extend", ext).status_code == 302
    stored = reload(case)
    assert len(stored.extensions) == 1 and stored.due_date == date(2026, 5, 4)
    page = text(client.get(f"/staff/cases/{case.id}"))
    assert "Gia hạn theo quyết định số 01/QĐ-UBND" in page and "hạn mới 04/05/2026" in page
    resp = post(client, case, "extend", {**ext, "decision_number": "02/QĐ-UBND", "decided_on": "28/04/2026"})
    assert resp.status_code == 422 and "chỉ được gia hạn 1 lần" in text(resp)
    assert len(reload(case).extensions) == 1


def test_the_conclusion_with_outcome_and_figures_and_bad_inputs(app, login_as):
    client, leader = login_as("leader", "XCL")
    case = make_case(status="verifying")
    decision = {"outcome": "partly_true", "number": "", "decided_on": "30/03/2026", "signer": "Lộc Văn Xuân"}
    resp = post(client, case, "decide", decision)
    assert resp.status_code == 422 and "Hãy ghi số văn bản và người ký" in text(resp)
    assert 'value="Lộc Văn Xuân"' in text(resp) and "checked" in text(resp)
    resp = post(client, case, "decide", {**decision, "number": "05/KL-UBND", "decided_on": "01/01/2026"})
    assert resp.status_code == 422 and "trước ngày thụ lý" in text(resp)
    assert post(client, case, "decide", {**decision, "number": "05/KL-UBND"}).status_code == 302
    stored = reload(case)
    assert stored.status == "concluded" and stored.outcome == "partly_true"
    figures = {"money_recommended": "1.391.100.000", "money_recovered": "-5", "land_recommended": "250,5",
               "people_disciplined": "2", "officials_disciplined": "1"}
    resp = post(client, case, "figures", figures)
    assert resp.status_code == 422 and "Số liệu không được âm" in text(resp)
    assert 'value="1.391.100.000"' in text(resp) and 'value="-5"' in text(resp)
    resp = post(client, case, "figures", {**figures, "money_recovered": "abc"})
    assert resp.status_code == 422 and "Hãy nhập một số" in text(resp)
    assert post(client, case, "figures", {**figures, "money_recovered": "1.200.000.000"}).status_code == 302
    stored = reload(case)
    assert stored.money_recommended == 1_391_100_000 and stored.money_recovered == 1_200_000_000
    page = text(client.get(f"/staff/cases/{case.id}"))
    assert "Tố cáo đúng một phần" in page and "1.391,1 triệu đồng" in page and "1.200,0 triệu đồng" in page
    assert "250,5 m²" in page and "05/KL-UBND" in page


def test_a_superior_leader_opens_the_second_level_case(app, login_as):
    commune, commune_leader = login_as("leader", "XCL")
    case = make_case(kind="complaint_first", rule="complaint.first.resolve", status="verifying",
                     title="Khiếu nại quyết định thu hồi đất")
    assert post(commune, case, "decide", {"outcome": "incorrect", "number": "07/QĐ-UBND", "decided_on": "25/03/2026",
                                          "signer": "Lộc Văn Xuân", "received_on": "27/03/2026"}).status_code == 302
    assert "Thụ lý khiếu nại lần hai" not in text(commune.get(f"/staff/cases/{case.id}"))
    province, _ = login_as("leader", "LS")
    page = text(province.get(f"/staff/cases/{case.id}"))
    assert "Thụ lý khiếu nại lần hai" in page
    resp = post(province, case, "second_level", {"received_on": "05/05/2026"})
    assert resp.status_code == 422 and "Đã hết thời hạn" in text(resp) and 'value="05/05/2026"' in text(resp)
    resp = post(province, case, "second_level", {"received_on": "10/04/2026"})
    assert resp.status_code == 302
    second = db.session.scalars(select(Case).where(Case.parent_case_id == case.id)).one()
    assert resp.headers["Location"].endswith(f"/staff/cases/{second.id}")
    page = text(province.get(f"/staff/cases/{second.id}"))
    assert "Khiếu nại lần hai" in page and f"/staff/cases/{case.id}" in page


def test_a_leader_assigns_the_resolver_and_the_remote_flag_moves_the_due_date(app, login_as):
    from datetime import date

    from app.calendar.services import due_date
    from app.cases.models import Case
    from app.extensions import db
    from tests.conftest import csrf_of, make_user

    client, leader = login_as("leader", "XCL")
    handler = make_user("handler", "XCL", full_name="Hà Thị Xã")
    outsider = make_user("handler", "PLVT")
    case = Case(kind="complaint_first", agency_id=leader.agency_id, title="Khiếu nại thu hồi đất",
                accepted_on=date(2026, 3, 2), due_rule_code="complaint.first.resolve",
                due_date=due_date("complaint.first.resolve", date(2026, 3, 2)))
    db.session.add(case)
    db.session.commit()
    url = f"/staff/cases/{case.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Phân công giải quyết" in page and "Hà Thị Xã" in page
    token = csrf_of(client, url)
    bad = client.post(url + "/assign", data={"csrf_token": token, "assign-resolver": str(outsider.id),
                                             "assign-verification_team": "Tổ 1"})
    assert bad.status_code == 422  # not a choice of this agency
    resp = client.post(url + "/assign", data={"csrf_token": token, "assign-resolver": str(handler.id),
                                              "assign-leader": str(leader.id),
                                              "assign-verification_team": "Tổ xác minh số 1", "assign-is_remote": "y"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    db.session.expire_all()
    stored = db.session.get(Case, case.id)
    assert stored.resolver_id == handler.id and stored.leader_id == leader.id and stored.is_remote
    assert stored.due_date == date(2026, 4, 16)  # 45 days in a remote area
    # A handler gets no assignment form.
    other = app.test_client()
    from tests.conftest import sign_in

    sign_in(other, handler)
    assert "Phân công giải quyết" not in other.get(url).get_data(as_text=True)


def test_the_signed_decision_is_attached_checked_and_downloaded(app, login_as):
    import io
    from datetime import date

    from app.calendar.services import due_date
    from app.cases import services as case_services
    from app.cases.models import Case
    from app.extensions import db
    from app.storage import files
    from tests.conftest import csrf_of, make_user, sign_in
    from tests.files import pdf_bytes

    client, leader = login_as("leader", "XCL")
    case = Case(kind="denunciation", agency_id=leader.agency_id, title="Tố cáo cán bộ", accepted_on=date(2026, 3, 2),
                due_rule_code="denunciation.resolve", due_date=due_date("denunciation.resolve", date(2026, 3, 2)))
    db.session.add(case)
    db.session.flush()
    url = f"/staff/cases/{case.id}"
    case_services.apply(case, "start_verification", leader)
    db.session.commit()
    assert "Đính kèm quyết định đã ký" not in client.get(url).get_data(as_text=True)  # nothing decided yet
    case_services.decide(case, leader, case_services.Decision("true", "05/KL-UBND", date(2026, 3, 30), "Lộc Văn Xuân"))
    db.session.commit()
    token = csrf_of(client, url)
    bad = client.post(url + "/decision_file", data={"csrf_token": token, "decision_file-signed_file":
                                                    (io.BytesIO(b"MZ not a pdf"), "ket-luan.pdf")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "Chỉ nhận tệp PDF" in bad.get_data(as_text=True)
    ok = client.post(url + "/decision_file", data={"csrf_token": token, "decision_file-signed_file":
                                                   (io.BytesIO(pdf_bytes()), "ket-luan-05.pdf")},
                     content_type="multipart/form-data")
    assert ok.status_code == 302, ok.get_data(as_text=True)[:500]
    db.session.expire_all()
    stored = db.session.get(Case, case.id)
    assert stored.decision_file_name == "ket-luan-05.pdf" and files.read_bytes(stored.decision_file_key) == pdf_bytes()
    download = client.get(url + "/decision-file")
    assert download.status_code == 200 and download.data == pdf_bytes()
    # Another agency does not get it.
    other = app.test_client()
    sign_in(other, make_user("leader", "PLVT"))
    assert other.get(url + "/decision-file").status_code == 404
