"""The audit log through the web: what gets written (sign-in, denials, reveals, exports, downloads,
account changes, workflow steps), and the admin viewer with its filters, exports and chain check."""
from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest
from sqlalchemy import select, text

from app.audit.models import AuditEntry
from app.extensions import db
from app.petitions.models import Attachment, Petition
from tests.conftest import csrf_of, hidden_fields, make_user, search, sign_in, valid_petition_data
from tests.files import pdf_bytes
from tests.functional.test_petition_form import open_form, post_form
from tests.functional.test_triage import ALL_CHECKS, act, register_paper

AUDIT = "/staff/admin/audit/"


def lines(action: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return list(db.session.scalars(stmt))


def detail(entry: AuditEntry) -> dict:
    return json.loads(entry.detail)


def page_text(resp) -> str:
    return resp.get_data(as_text=True)


# --- what is written --------------------------------------------------------------------------

def test_sign_in_failures_lockout_sign_in_and_sign_out(app):
    user = make_user("handler")
    client = app.test_client()
    assert sign_in(client, user, password="wrong-password-1").status_code == 422
    token = csrf_of(client, "/staff/login")
    client.post("/staff/login", data={"csrf_token": token, "email": "nobody@example.vn", "password": "x" * 12})
    failed = lines("auth.sign_in_failed")
    assert [detail(e)["reason"] for e in failed] == ["wrong_password", "unknown_account"]
    assert failed[0].subject_id == user.id and failed[1].subject_id is None
    assert failed[0].actor_label == "anonymous" and failed[0].ip == "127.0.0.1"
    assert "nobody@example.vn" not in failed[1].detail

    assert sign_in(client, user).status_code == 302
    [entry] = lines("auth.sign_in")
    assert (entry.actor_user_id, entry.subject_id) == (user.id, user.id)
    client.post("/staff/logout", data={"csrf_token": csrf_of(client, "/staff/password")})
    [out] = lines("auth.sign_out")
    assert out.actor_user_id == user.id

    other = make_user("handler")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(app.test_client(), other, password="wrong-password-1")
    assert [e.subject_id for e in lines("auth.lockout")] == [other.id]
    sign_in(app.test_client(), other)  # the right password, but locked
    assert detail(lines("auth.sign_in_failed")[-1])["reason"] == "locked"


def test_a_denied_request_is_written_and_changes_nothing(login_as):
    client, user = login_as("handler")
    assert client.get(AUDIT).status_code == 403
    [entry] = lines("access.denied")
    assert entry.actor_user_id == user.id
    assert detail(entry) == {"endpoint": "audit.index", "method": "GET", "needs": ["site:audit:read"]}
    register_paper(client)
    petition = db.session.scalars(select(Petition)).one()
    assert act(client, petition.id, "approve", "approve", {}).status_code == 403  # a handler cannot approve
    denied = lines("access.denied")[-1]
    assert (denied.subject_type, denied.subject_id) == ("petition", petition.id)
    assert detail(denied)["petition_id"] == petition.id


def test_workflow_steps_and_identity_reveals_are_written_without_names(client, lang_son, login_as):
    tokens = open_form(client)
    post_form(client, tokens, valid_petition_data(*lang_son, kind="denunciation", full_name="Lý Văn Bímật",
                                                  id_number="020199887766", request_text=""))
    petition = db.session.scalars(select(Petition)).one()
    received = lines("workflow.petition.received")
    assert [(e.subject_id, e.actor_user_id, e.ip) for e in received] == [(petition.id, None, None)]  # no citizen's IP
    leader_client, leader = login_as("leader", petition.agency.code)
    resp = act(leader_client, petition.id, "classify", "classify",
               {"kind": "denunciation", "within_jurisdiction": "yes", **ALL_CHECKS})
    assert resp.status_code == 302, page_text(resp)[:1000]
    [step] = lines("workflow.petition.classify")
    assert step.actor_user_id == leader.id and detail(step)["to"] == "classified"
    page = page_text(leader_client.get(f"/staff/petitions/{petition.id}"))
    resp = leader_client.post(f"/staff/petitions/{petition.id}/identity",
                              data={"csrf_token": hidden_fields(page)["csrf_token"]})
    assert "Lý Văn Bímật" in page_text(resp)
    [reveal] = lines("identity.reveal")
    assert (reveal.actor_user_id, reveal.subject_type, reveal.subject_id) == (leader.id, "petition", petition.id)
    for entry in lines():
        row = f"{entry.actor_label} {entry.detail}"
        assert "Bímật" not in row and "020199887766" not in row


def test_downloads_and_exports_are_written(login_as):
    client, user = login_as("leader")
    register_paper(client, attachments=[(io.BytesIO(pdf_bytes()), "don.pdf")])
    petition = db.session.scalars(select(Petition)).one()
    att = db.session.scalars(select(Attachment)).one()
    assert client.get(f"/staff/petitions/{petition.id}/attachments/{att.id}").status_code == 200
    [download] = lines("download.attachment")
    assert (download.subject_id, detail(download)) == (petition.id, {"attachment_id": att.id})
    assert download.actor_user_id == user.id
    assert client.get("/staff/reception/register/export.xlsx").status_code == 200
    assert client.get("/staff/directives/export.xlsx").status_code == 200
    assert client.get("/staff/imports/template/visits.xlsx").status_code == 200
    assert client.get("/staff/reports/export.xlsx", query_string={"period": "nine_months", "year": "2021"}
                      ).status_code == 200
    whats = [detail(e)["what"] for e in lines("export.xlsx")]
    assert whats == ["reception_register", "directives", "import_template", "report"]


def test_account_changes_are_written(login_as):
    client, admin = login_as("admin")
    target = make_user("handler")
    page = page_text(client.get(f"/staff/admin/users/{target.id}/edit"))
    resp = client.post(f"/staff/admin/users/{target.id}/edit", data={
        "csrf_token": hidden_fields(page)["csrf_token"], "full_name": target.full_name, "role": "leader",
        "agency": str(target.agency_id)})
    assert resp.status_code == 302, page_text(resp)[:1000]
    [change] = lines("user.role_changed")
    assert (change.subject_id, change.actor_user_id, detail(change)) == (
        target.id, admin.id, {"from": "handler", "to": "leader"})
    client.post(f"/staff/admin/users/{target.id}/disable",
                data={"csrf_token": csrf_of(client, f"/staff/admin/users/{target.id}/disable")})
    assert [e.subject_id for e in lines("user.disabled")] == [target.id]
    assert [e.subject_id for e in lines("user.created")][-1] == target.id


# --- the viewer -------------------------------------------------------------------------------

@pytest.fixture
def admin_client(login_as):
    client, _admin = login_as("admin")
    return client


def shown_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="text-nowrap">(\d+)</td>', html)]


def shown_actor_ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'<span class="text-muted small">#(\d+)</span>', html)}


def test_viewer_lists_newest_first_with_labels(admin_client):
    html = page_text(admin_client.get(AUDIT))
    assert "Nhật ký hệ thống" in html and 'aria-current="page" href="/staff/admin/audit/"' in html
    assert "Đăng nhập" in html and "auth.sign_in" in html
    ids = shown_ids(html)
    assert ids == sorted(ids, reverse=True) and ids[0] == lines()[-1].id


def test_viewer_pages_by_fifty(admin_client):
    from app.audit.services import audit

    for i in range(60):
        audit("test.line", detail={"i": i})
    db.session.commit()
    first = page_text(admin_client.get(AUDIT))
    assert len(shown_ids(first)) == 50 and f'href="{AUDIT}?page=2"' in first
    second = page_text(admin_client.get(AUDIT, query_string={"page": 2}))
    assert set(shown_ids(first)).isdisjoint(shown_ids(second)) and shown_ids(second)


def test_only_admins_see_the_viewer(app, login_as):
    for role in ("leader", "supervisor", "handler", "receptionist"):
        client, _ = login_as(role)
        assert client.get(AUDIT).status_code == 403
        assert client.get(AUDIT + "export.csv").status_code == 403
    assert app.test_client().get(AUDIT).status_code == 302


def test_filters_by_action_actor_subject_and_dates(admin_client, login_as):
    handler_client, handler = login_as("handler")
    handler_client.get(AUDIT)  # denied: an access.denied line by the handler
    html = page_text(admin_client.get(AUDIT, query_string={"action": "access."}))
    assert "access.denied" in html and "auth.sign_in</code>" not in html
    html = page_text(search(admin_client, AUDIT, {"actor": handler.email}))
    assert "access.denied" in html and shown_actor_ids(html) == {handler.id}
    html = page_text(admin_client.get(AUDIT, query_string={"subject_type": "user", "subject_id": handler.id}))
    assert "auth.sign_in" in html and "access.denied" not in html
    html = page_text(admin_client.get(AUDIT, query_string={"date_from": "01/01/2020", "date_to": "31/12/2020"}))
    assert "Không có dòng nào phù hợp." in html


def test_sign_in_failures_include_wrong_two_factor_codes(app, admin_client):
    """The viewer's "sign-in failures" group counts a wrong two-factor code as well as a wrong password."""
    from tests.functional.test_two_factor import enrol_directly

    user = make_user("handler")
    enrol_directly(user)
    client = app.test_client()
    assert sign_in(client, user, password="wrong-password-1").status_code == 422
    resp = sign_in(client, user)  # the right password; then a wrong code
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/login/code")
    client.post("/staff/login/code", data={"csrf_token": csrf_of(client, "/staff/login/code"), "code": "000000"})
    assert [e.action for e in lines() if e.subject_id == user.id and e.action.endswith("_failed")] == [
        "auth.sign_in_failed", "auth.second_factor_failed"]
    page = page_text(admin_client.get(AUDIT))
    assert '<option value="auth.failed">Đăng nhập không thành công' in page  # offered by the action filter
    html = page_text(admin_client.get(AUDIT, query_string={"action": "auth.failed"}))
    assert "2 dòng" in html and "Nhập sai mã xác thực hai lớp" in html and "Đăng nhập không thành công" in html
    assert set(re.findall(r'<code class="d-block small">([a-z_.]+)</code>', html)) == {
        "auth.sign_in_failed", "auth.second_factor_failed"}
    rows = list(csv.reader(io.StringIO(admin_client.get(AUDIT + "export.csv", query_string={
        "action": "auth.failed"}).data.decode("utf-8-sig"))))
    assert sorted(r[6] for r in rows[1:]) == ["auth.second_factor_failed", "auth.sign_in_failed"]
    # A prefix is still a prefix.
    html = page_text(admin_client.get(AUDIT, query_string={"action": "auth.sign_in_f"}))
    assert set(re.findall(r'<code class="d-block small">([a-z_.]+)</code>', html)) == {"auth.sign_in_failed"}


@pytest.mark.parametrize("args,message", [
    ({"date_from": "31/12/2026", "date_to": "01/01/2026"}, "Ngày kết thúc phải sau ngày bắt đầu."),
    ({"date_from": "32/13/2026"}, "Ngày phải có dạng ngày/tháng/năm"),
    ({"subject_id": "abc"}, "Hãy nhập một số nguyên"),
    ({"action": "DROP TABLE"}, "Hành động gồm chữ thường không dấu"),
])
def test_bad_filters_are_explained_at_the_field_and_kept(admin_client, args, message):
    resp = admin_client.get(AUDIT, query_string=args)
    html = page_text(resp)
    assert resp.status_code == 200 and message in html
    for value in args.values():
        assert f'value="{value}"' in html


def test_csv_and_xlsx_exports_of_the_filtered_lines_are_themselves_written(admin_client, login_as):
    login_as("handler")[0].get(AUDIT)
    resp = admin_client.get(AUDIT + "export.csv", query_string={"action": "access."})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment;" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Số", "Thời điểm"] and rows[0][-1] == "Mã băm"
    assert {r[6] for r in rows[1:]} == {"access.denied"}
    hashes = {e.id: e.hash for e in lines()}
    assert all(hashes[int(r[0])] == r[-1] for r in rows[1:])
    [csv_line] = lines("export.csv")
    assert detail(csv_line) == {"what": "audit_log", "rows": len(rows) - 1, "total": len(rows) - 1,
                                "action": "access."}

    resp = admin_client.get(AUDIT + "export.xlsx", query_string={"subject_type": "user", "date_from": "01/01/2020"})
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "NHẬT KÝ HỆ THỐNG" in values and "Từ ngày: 01/01/2020; Loại đối tượng: Tài khoản" in values
    assert "auth.sign_in" in values and "export.csv" not in values  # only lines about accounts
    [xlsx_line] = lines("export.xlsx")
    assert detail(xlsx_line)["what"] == "audit_log" and detail(xlsx_line)["subject_type"] == "user"


def test_chain_check_button(app, admin_client):
    page = page_text(admin_client.get(AUDIT))
    assert "Kiểm tra chuỗi" in page
    assert admin_client.post(AUDIT + "verify", data={}).status_code == 400  # no CSRF token
    resp = admin_client.post(AUDIT + "verify", data={"csrf_token": hidden_fields(page)["csrf_token"]})
    assert resp.status_code == 302
    html = page_text(admin_client.get(resp.headers["Location"]))
    assert "Chuỗi nhật ký nguyên vẹn" in html and 'class="alert alert-success"' in html
    assert detail(lines("audit.verified")[-1])["ok"] is True

    target = lines()[1].id
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
    else:
        db.session.execute(text("DROP TRIGGER audit_log_no_update"))
    db.session.execute(text("UPDATE audit_log SET ip = '10.0.0.66' WHERE id = :id"), {"id": target})
    db.session.commit()
    page = page_text(admin_client.get(AUDIT))
    admin_client.post(AUDIT + "verify", data={"csrf_token": hidden_fields(page)["csrf_token"]})
    html = page_text(admin_client.get(AUDIT))
    assert "Chuỗi nhật ký bị phá vỡ" in html and f"dòng số {target} đã bị sửa" in html
    assert 'class="alert alert-danger" role="alert"' in html
    assert 'id="audit-verdict"' not in page_text(admin_client.get(AUDIT))  # shown once
