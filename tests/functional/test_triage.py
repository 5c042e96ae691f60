"""Staff triage through the web: paper intake, classify, propose, approve, transfer, identity."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.agencies.models import Agency
from app.audit.models import IdentityAccess
from app.cases.models import Case
from app.extensions import db
from app.petitions.models import Petition
from tests.conftest import csrf_of, hidden_fields, search, valid_petition_data
from tests.files import pdf_bytes
from tests.functional.test_petition_form import open_form, post_form


def register_paper(client, **overrides):
    html = client.get("/staff/petitions/new").get_data(as_text=True)
    tokens = hidden_fields(html)
    data = {
        "csrf_token": tokens["csrf_token"], "form_token": tokens["form_token"],
        "channel": "post", "received_on": "20/11/2026", "letter_date": "15/11/2026", "kind": "complaint",
        "people-0-full_name": "Trần Thị Hoa", "people-0-id_number": "020190001234", "people-0-phone": "0987654321",
        "people-0-address": "Thôn Nà Pàn, xã Cao Lộc",
        "respondent": "UBND xã Cao Lộc", "title": "Khiếu nại việc thu hồi đất",
        "content": "Gia đình tôi không đồng ý với quyết định thu hồi đất của UBND xã Cao Lộc.",
        "request_text": "Đề nghị hủy quyết định",
    }
    data.update(overrides)
    return client.post("/staff/petitions/new", data=data, content_type="multipart/form-data")


def detail_version(client, petition_id):
    html = client.get(f"/staff/petitions/{petition_id}").get_data(as_text=True)
    return re.search(r'name="[a-z_]+-version"[^>]*value="(\d+)"', html).group(1), html


def act(client, petition_id, action, prefix, data):
    version, html = detail_version(client, petition_id)
    payload = {"csrf_token": hidden_fields(html)["csrf_token"], f"{prefix}-version": version}
    payload.update({f"{prefix}-{k}" if not k.startswith("check_") else k: v for k, v in data.items()})
    return client.post(f"/staff/petitions/{petition_id}/{action}", data=payload)


ALL_CHECKS = {f"check_{c}": "y" for c in ("language", "identity", "complaint_content", "denunciation_content",
                                           "not_sent_to_many", "not_already_guided")}


def test_handler_registers_paper_petition_and_sees_it_in_inbox(login_as):
    client, user = login_as("handler", "TTLS")
    resp = register_paper(client, **{"attachments": [(__import__("io").BytesIO(pdf_bytes()), "don.pdf")]})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    petition = db.session.scalars(select(Petition)).one()
    assert petition.tracking_code.startswith("TTLS-2026-")
    assert petition.channel == "post" and petition.agency.code == "TTLS"
    assert petition.letter_date.isoformat() == "2026-11-15"
    assert petition.received_at.astimezone().date().isoformat() in ("2026-11-20", "2026-11-19")
    receipt = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert petition.tracking_code in receipt and 'id="access-key"' in receipt
    inbox = client.get("/staff/petitions/").get_data(as_text=True)
    assert petition.tracking_code in inbox and "Trần Thị Hoa" in inbox
    assert "quá hạn" in inbox or "còn" in inbox


def test_full_triage_accept_opens_case(login_as, app):
    handler_client, handler = login_as("handler", "TTLS")
    register_paper(handler_client)
    petition = db.session.scalars(select(Petition)).one()
    resp = act(handler_client, petition.id, "classify", "classify",
               {"kind": "complaint", "within_jurisdiction": "yes", **ALL_CHECKS})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    resp = act(handler_client, petition.id, "propose", "propose", {"action": "accept", "note": "Đủ điều kiện"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert petition.status == "proposed"
    # A handler cannot approve.
    assert act(handler_client, petition.id, "approve", "approve", {}).status_code == 403
    leader_client, leader = login_as("leader", "TTLS")
    page = leader_client.get(f"/staff/petitions/{petition.id}").get_data(as_text=True)
    assert "Phê duyệt" in page
    resp = act(leader_client, petition.id, "approve", "approve", {})
    assert resp.status_code == 302
    db.session.expire_all()
    assert petition.status == "accepted"
    case = db.session.get(Case, petition.case_id)
    assert case.kind == "complaint_first" and case.due_rule_code == "complaint.first.resolve"
    assert case.due_date > case.accepted_on


def test_transfer_lands_in_other_agency_inbox_with_history(login_as):
    handler_client, _ = login_as("handler", "TTLS")
    register_paper(handler_client)
    petition = db.session.scalars(select(Petition)).one()
    commune = db.session.scalars(select(Agency).where(Agency.code == "XCL")).one()
    act(handler_client, petition.id, "classify", "classify", {"kind": "complaint", "within_jurisdiction": "no", **ALL_CHECKS})
    resp = act(handler_client, petition.id, "propose", "propose", {"action": "transfer", "transfer_agency": str(commune.id)})
    assert resp.status_code == 302
    leader_client, _ = login_as("leader", "TTLS")
    assert act(leader_client, petition.id, "approve", "approve", {}).status_code == 302
    copy = db.session.scalars(select(Petition).where(Petition.agency_id == commune.id)).one()
    assert copy.source_petition_id == petition.id and copy.status == "received"
    commune_client, _ = login_as("handler", "XCL")
    inbox = commune_client.get("/staff/petitions/").get_data(as_text=True)
    assert copy.tracking_code in inbox
    page = commune_client.get(f"/staff/petitions/{copy.id}").get_data(as_text=True)
    assert "Đã phân loại đơn" in page and "Đã chuyển đơn" in page  # the source's history travels along
    # The original agency's petition is not visible to the commune.
    assert commune_client.get(f"/staff/petitions/{petition.id}").status_code == 404


def test_denunciation_transferred_only_once(login_as):
    commune = db.session.scalars(select(Agency).where(Agency.code == "XCL")).one()
    client, _ = login_as("leader", "TTLS")
    register_paper(client, kind="denunciation")
    petition = db.session.scalars(select(Petition)).one()
    act(client, petition.id, "classify", "classify", {"kind": "denunciation", "within_jurisdiction": "no", **ALL_CHECKS})
    act(client, petition.id, "propose", "propose", {"action": "transfer", "transfer_agency": str(commune.id)})
    assert act(client, petition.id, "approve", "approve", {}).status_code == 302
    copy = db.session.scalars(select(Petition).where(Petition.agency_id == commune.id)).one()
    commune_client, _ = login_as("leader", "XCL")
    act(commune_client, copy.id, "classify", "classify", {"kind": "denunciation", "within_jurisdiction": "no", **ALL_CHECKS})
    ls = db.session.scalars(select(Agency).where(Agency.code == "LS")).one()
    resp = act(commune_client, copy.id, "propose", "propose", {"action": "transfer", "transfer_agency": str(ls.id)})
    assert resp.status_code == 422
    assert "đã được chuyển một lần" in resp.get_data(as_text=True)


def test_stale_version_is_refused_plainly(login_as):
    client, _ = login_as("handler", "TTLS")
    register_paper(client)
    petition = db.session.scalars(select(Petition)).one()
    version, html = detail_version(client, petition.id)
    token = hidden_fields(html)["csrf_token"]
    other_client, _ = login_as("handler", "TTLS")
    assert act(other_client, petition.id, "classify", "classify",
               {"kind": "complaint", "within_jurisdiction": "yes", **ALL_CHECKS}).status_code == 302
    resp = client.post(f"/staff/petitions/{petition.id}/classify",
                       data={"csrf_token": token, "classify-version": version, "classify-kind": "proposal",
                             "classify-within_jurisdiction": "no"})
    assert resp.status_code == 409
    assert "vừa được người khác thay đổi" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert petition.kind == "complaint"


def test_identity_masked_and_revealed_only_to_leader_with_log(client, lang_son, login_as):
    tokens = open_form(client)
    post_form(client, tokens, valid_petition_data(*lang_son, kind="denunciation", full_name="Lý Văn Mật",
                                                  request_text=""))
    petition = db.session.scalars(select(Petition)).one()
    board = petition.agency.code
    handler_client, _ = login_as("handler", board)
    inbox = handler_client.get("/staff/petitions/").get_data(as_text=True)
    assert "Lý Văn Mật" not in inbox and "thông tin được bảo mật" in inbox
    page = handler_client.get(f"/staff/petitions/{petition.id}").get_data(as_text=True)
    assert "Lý Văn Mật" not in page and "Xem danh tính" not in page  # not the resolver
    resp = handler_client.post(f"/staff/petitions/{petition.id}/identity", data={"csrf_token": hidden_fields(page)["csrf_token"]})
    assert resp.status_code == 403
    for role in ("admin", "supervisor"):
        c, _ = login_as(role, board)
        r = c.post(f"/staff/petitions/{petition.id}/identity", data={"csrf_token": csrf_of(c, "/staff/password")})
        assert r.status_code in (403, 404)
    leader_client, leader = login_as("leader", board)
    page = leader_client.get(f"/staff/petitions/{petition.id}").get_data(as_text=True)
    assert "Xem danh tính người tố cáo" in page
    resp = leader_client.post(f"/staff/petitions/{petition.id}/identity", data={"csrf_token": hidden_fields(page)["csrf_token"]})
    assert resp.status_code == 200 and "Lý Văn Mật" in resp.get_data(as_text=True)
    log = db.session.scalars(select(IdentityAccess)).all()
    assert [(r.user_id, r.petition_id) for r in log] == [(leader.id, petition.id)]
    # Search by the denunciator's name finds nothing.
    assert petition.tracking_code not in search(leader_client, "/staff/petitions/",
                                                {"q": "Ly Van Mat", "tab": "all"}).get_data(as_text=True)


def test_duplicates_suggested_by_id_number_and_content(login_as):
    client, _ = login_as("handler", "TTLS")
    register_paper(client)
    register_paper(client, **{"people-0-phone": "", "people-0-full_name": "Trần Thị Hoa"})
    first, second = db.session.scalars(select(Petition).order_by(Petition.id)).all()
    page = client.get(f"/staff/petitions/{second.id}").get_data(as_text=True)
    section = page.split('id="h-dups"')[1]
    assert first.tracking_code in section
    assert "cùng số CCCD" in section and "nội dung tương tự" in section


def test_inbox_search_with_and_without_diacritics(login_as):
    client, _ = login_as("handler", "TTLS")
    register_paper(client)
    code = db.session.scalars(select(Petition)).one().tracking_code
    for q in ("Trần Thị Hoa", "tran thi hoa", "thu hoi dat", code, "020190001234", "0987 654 321"):
        html = search(client, "/staff/petitions/", {"q": q, "tab": "all"}).get_data(as_text=True)
        assert code in html, q
    html = search(client, "/staff/petitions/", {"q": "không có gì", "tab": "all"}).get_data(as_text=True)
    assert code not in html


def classified(client, **overrides):
    register_paper(client, **overrides)
    petition = db.session.scalars(select(Petition).order_by(Petition.id.desc())).first()
    resp = act(client, petition.id, "classify", "classify",
               {"kind": overrides.get("kind", "complaint"), "within_jurisdiction": "yes", **ALL_CHECKS})
    assert resp.status_code == 302
    return petition


@pytest.mark.parametrize("proposal,extra,state,field,value", [
    ("guide", {"guide_to": "Tòa án nhân dân tỉnh"}, "guided", "guide_to", "Tòa án nhân dân tỉnh"),
    ("file", {"file_reason": "time_barred"}, "filed", "file_reason", "time_barred"),
    ("transfer", {"transfer_name": "Công an tỉnh Lạng Sơn"}, "transferred", "transfer_to_name", "Công an tỉnh Lạng Sơn"),
])
def test_other_outcomes(login_as, proposal, extra, state, field, value):
    client, _ = login_as("leader", "TTLS")
    petition = classified(client)
    assert act(client, petition.id, "propose", "propose", {"action": proposal, **extra}).status_code == 302
    assert act(client, petition.id, "approve", "approve", {}).status_code == 302
    db.session.expire_all()
    assert petition.status == state and getattr(petition, field) == value
    assert petition.due_date is None and petition.decided_by_id is not None


def test_urge_only_a_lower_body(login_as):
    client, _ = login_as("leader", "LS")
    petition = classified(client)
    ttls = db.session.scalars(select(Agency).where(Agency.code == "TTLS")).one()
    ls = db.session.scalars(select(Agency).where(Agency.code == "LS")).one()
    bad = act(client, petition.id, "propose", "propose", {"action": "urge", "urge_agency": str(ls.id)})
    assert bad.status_code == 422 and "cấp dưới" in bad.get_data(as_text=True)
    assert act(client, petition.id, "propose", "propose", {"action": "urge", "urge_agency": str(ttls.id)}).status_code == 302
    assert act(client, petition.id, "approve", "approve", {}).status_code == 302
    db.session.expire_all()
    assert petition.status == "urged" and petition.urged_agency_id == ttls.id


@pytest.mark.parametrize("proposal,extra,message", [
    ("", {}, "Hãy chọn cách xử lý."),
    ("guide", {}, "Hãy ghi cơ quan mà công dân cần gửi đơn đến."),
    ("transfer", {}, "Hãy chọn cơ quan nhận đơn chuyển"),
    ("file", {}, "Hãy chọn lý do lưu đơn."),
    ("merge", {"merge_target": "TTLS-2026-999999"}, "Hãy chọn đơn trùng hợp lệ"),
])
def test_bad_proposals_are_explained_and_nothing_changes(login_as, proposal, extra, message):
    client, _ = login_as("handler", "TTLS")
    petition = classified(client)
    resp = act(client, petition.id, "propose", "propose", {"action": proposal, "note": "ghi chú giữ lại", **extra})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and message in html
    assert "ghi chú giữ lại" in html  # what was typed is kept
    db.session.expire_all()
    assert petition.status == "classified"


def test_accept_refused_when_ineligible(login_as):
    client, _ = login_as("handler", "TTLS")
    register_paper(client)
    petition = db.session.scalars(select(Petition)).one()
    checks = dict(ALL_CHECKS)
    checks.pop("check_identity")
    assert act(client, petition.id, "classify", "classify", {"kind": "complaint", "within_jurisdiction": "yes",
                                                             **checks}).status_code == 302
    db.session.expire_all()
    assert petition.is_eligible is False and petition.eligibility["identity"] is False
    resp = act(client, petition.id, "propose", "propose", {"action": "accept"})
    assert resp.status_code == 422 and "Chỉ thụ lý đơn đủ điều kiện" in resp.get_data(as_text=True)


def test_merge_into_duplicate_keeps_both_counted(login_as):
    client, _ = login_as("leader", "TTLS")
    first = classified(client)
    second = classified(client)
    assert act(client, second.id, "propose", "propose", {"action": "merge", "merge_target": first.tracking_code}).status_code == 302
    assert act(client, second.id, "approve", "approve", {}).status_code == 302
    db.session.expire_all()
    assert second.status == "merged" and second.merged_into_id == first.id
    assert db.session.scalar(select(func.count(Petition.id))) == 2


def test_leader_returns_proposal_with_reason(login_as):
    handler_client, _ = login_as("handler", "TTLS")
    petition = classified(handler_client)
    act(handler_client, petition.id, "propose", "propose", {"action": "file", "file_reason": "ineligible"})
    leader_client, _ = login_as("leader", "TTLS")
    resp = act(leader_client, petition.id, "return", "return", {"note": ""})
    assert resp.status_code == 422 and "Hãy ghi lý do trả lại đề xuất." in resp.get_data(as_text=True)
    assert act(leader_client, petition.id, "return", "return", {"note": "Cần xác minh thêm"}).status_code == 302
    db.session.expire_all()
    assert petition.status == "classified" and petition.proposed_action is None


def test_split_mixed_petition(login_as):
    client, _ = login_as("handler", "TTLS")
    register_paper(client)
    petition = db.session.scalars(select(Petition)).one()
    version, html = detail_version(client, petition.id)
    resp = client.post(f"/staff/petitions/{petition.id}/split", data={
        "csrf_token": hidden_fields(html)["csrf_token"], "split-version": version,
        "split-parts-0-kind": "complaint", "split-parts-0-title": "Phần khiếu nại",
        "split-parts-0-content": "Khiếu nại quyết định thu hồi đất.",
        "split-parts-1-kind": "denunciation", "split-parts-1-title": "Phần tố cáo",
        "split-parts-1-content": "Tố cáo cán bộ địa chính nhận tiền.",
    })
    assert resp.status_code == 302
    db.session.expire_all()
    assert petition.status == "split"
    children = db.session.scalars(select(Petition).where(Petition.split_from_id == petition.id)
                                  .order_by(Petition.id)).all()
    assert [c.kind for c in children] == ["complaint", "denunciation"]
    assert children[1].petitioners[0].is_protected and children[1].petitioners[0].full_name is None
    assert children[0].petitioners[0].full_name == "Trần Thị Hoa"
    assert all(c.status == "received" for c in children)


def test_reclassifying_as_denunciation_protects_the_identity(login_as):
    client, _ = login_as("handler", "TTLS")
    register_paper(client)
    petition = db.session.scalars(select(Petition)).one()
    assert act(client, petition.id, "classify", "classify", {"kind": "denunciation", "within_jurisdiction": "yes",
                                                             **ALL_CHECKS}).status_code == 302
    db.session.expire_all()
    person = petition.petitioners[0]
    assert person.is_protected and person.full_name is None and person.protected_identity is not None
    assert "tran thi hoa" not in (petition.search_folded or "")
    assert petition.due_rule_code == "denunciation.initial"


def test_paper_form_sent_twice_registers_one_petition(login_as):
    client, _ = login_as("receptionist", "TTLS")
    html = client.get("/staff/petitions/new").get_data(as_text=True)
    tokens = hidden_fields(html)
    first = register_paper(client, form_token=tokens["form_token"])
    second = register_paper(client, form_token=tokens["form_token"])
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count(Petition.id))) == 1
