"""Documents of a visit: receipt, appointment, guidance, transfer and refusal, as HTML and DOCX.

Each is numbered on first print and keeps its number on reprint; scope and the denunciator's
identity are enforced; the DOCX opens in python-docx with the same text as the page.
"""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone

import docx
import pytest
from sqlalchemy import func, select

from app.audit.models import Event, IdentityAccess
from app.documents.builders import available_documents, formal_date
from app.documents.models import IssuedDocument
from app.extensions import db
from app.formatting import format_date, local_today
from app.petitions.models import Attachment
from app.petitions.services import new_form_token
from app.reception.services import VisitDraft, VisitorInput, log_visit

VISITED = datetime(2026, 11, 20, 2, 30, tzinfo=timezone.utc)  # 09:30, 20/11/2026 in Viet Nam
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUB = "Độc lập - Tự do - Hạnh phúc"
OUTCOME_FIELDS = {
    "petition_received": {},
    "guided": {"guided_to": "Ủy ban nhân dân xã Cao Lộc"},
    "transferred": {"transfer_to_name": "Sở Tài nguyên và Môi trường tỉnh Lạng Sơn"},
    "refused": {"refusal_ground": "disruptive", "outcome_note": "Công dân có lời lẽ xúc phạm cán bộ tiếp."},
    "settled": {"outcome_note": "Đã giải thích quy định về bồi thường."},
}


def make_visit(user, outcome="petition_received", *, kind="complaint", name="Nguyễn Văn An",
               id_number="020085001234", people_count=1, form_token=None, **extra):
    """Log a visit through the desk service and commit it."""
    fields = {**OUTCOME_FIELDS[outcome], **extra}
    draft = VisitDraft(
        visited_at=VISITED, place="Trụ sở Ban Tiếp công dân tỉnh", kind=kind, outcome=outcome,
        summary="Không đồng ý mức bồi thường khi thu hồi 300 m2 đất nông nghiệp.",
        request="Đề nghị xem xét lại mức bồi thường.", people_count=people_count,
        visitors=[VisitorInput(full_name=name, id_number=id_number, address="Thôn Bản Làn, xã Cao Lộc")],
        **fields,
    )
    result = log_visit(draft, user=user, form_token=form_token or new_form_token())
    db.session.commit()
    return result.visit


def docx_text(data: bytes) -> str:
    """All the text of a DOCX: body paragraphs and the cells of its tables."""
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)


def get_docx(client, visit, doc_type):
    resp = client.get(f"/staff/documents/visits/{visit.id}/{doc_type}.docx")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return resp, docx_text(resp.data)


def get_html(client, visit, doc_type):
    resp = client.get(f"/staff/documents/visits/{visit.id}/{doc_type}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return resp.get_data(as_text=True)


def today_line() -> str:
    return f"Lạng Sơn, {formal_date(local_today())}"


def test_formal_date_pads_days_and_the_first_two_months():
    from datetime import date

    assert formal_date(date(2026, 11, 27)) == "ngày 27 tháng 11 năm 2026"
    assert formal_date(date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert formal_date(date(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"


def test_available_documents_follow_the_outcome(login_as):
    _client, user = login_as("receptionist", "BTCD")
    received = make_visit(user, "petition_received")
    assert [t for t, _ in available_documents(received)] == ["receipt", "appointment"]
    assert [t for t, _ in available_documents(make_visit(user, "guided"))] == ["guidance"]
    assert [t for t, _ in available_documents(make_visit(user, "transferred"))] == ["appointment", "transfer"]
    assert [t for t, _ in available_documents(make_visit(user, "refused"))] == ["refusal"]
    assert available_documents(make_visit(user, "settled")) == []
    assert dict(available_documents(received))["appointment"] == "Phiếu hẹn"


def test_appointment_docx_and_html_carry_the_same_number_and_data(login_as):
    client, user = login_as("receptionist", "BTCD", full_name="Lê Thị Cán Bộ")
    visit = make_visit(user)
    resp, text = get_docx(client, visit, "appointment")
    assert f"filename=phieu-hen-1-{local_today().year}.docx" in resp.headers["Content-Disposition"]
    for expected in (MOTTO, MOTTO_SUB, "Mẫu số 04-TCD", "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN",
                     "BAN TIẾP CÔNG DÂN TỈNH LẠNG SƠN", "Số: 1/PH-BTCD", today_line(), "PHIẾU HẸN",
                     "Nguyễn Văn An", "020085001234", "Thôn Bản Làn, xã Cao Lộc", "09 giờ 30 phút, ngày 20/11/2026",
                     format_date(visit.reply_due), visit.petition.tracking_code, "NGƯỜI TIẾP CÔNG DÂN",
                     "Lê Thị Cán Bộ"):
        assert expected in text, expected
    # The page shows the same document, with the same number: it was issued once.
    html = get_html(client, visit, "appointment")
    for expected in (MOTTO, "PHIẾU HẸN", "Số: 1/PH-BTCD", "Nguyễn Văn An", format_date(visit.reply_due),
                     today_line()):
        assert expected in html, expected
    assert 'class="print-btn print-btn-primary js-print"' in html and "js/print.js" in html
    assert f"/staff/documents/visits/{visit.id}/appointment.docx" in html
    # CSP: no inline script or style on the page.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) and " style=" not in html
    _resp, again = get_docx(client, visit, "appointment")
    assert "Số: 1/PH-BTCD" in again
    assert db.session.scalar(select(func.count()).select_from(IssuedDocument)) == 1
    assert db.session.scalar(select(func.count()).select_from(Event).where(
        Event.subject_type == "visit", Event.subject_id == visit.id, Event.action == "document_issued")) == 1


def test_numbers_run_per_document_type_across_visits(login_as):
    client, user = login_as("receptionist", "BTCD")
    first, second = make_visit(user), make_visit(user, name="Trần Thị Hoa", id_number="020190001234")
    assert "Số: 1/PH-BTCD" in get_docx(client, first, "appointment")[1]
    _resp, text = get_docx(client, second, "appointment")
    assert "Số: 2/PH-BTCD" in text and "Trần Thị Hoa" in text
    # Another type has its own series; the first visit's reprint keeps its number.
    assert "Số: 1/BN-BTCD" in get_html(client, second, "receipt")
    assert "Số: 1/PH-BTCD" in get_html(client, first, "appointment")
    numbers = db.session.execute(select(IssuedDocument.doc_type, IssuedDocument.number, IssuedDocument.symbol)
                                 .order_by(IssuedDocument.id)).all()
    assert [tuple(n) for n in numbers] == [("appointment", 1, "PH-BTCD"), ("appointment", 2, "PH-BTCD"),
                                           ("receipt", 1, "BN-BTCD")]


def test_receipt_lists_what_was_handed_over_and_shows_the_fresh_access_key(login_as):
    from app.petitions.tracking import derive_access_key

    client, user = login_as("receptionist", "BTCD")
    token = new_form_token()
    visit = make_visit(user, form_token=token)
    _resp, text = get_docx(client, visit, "receipt")
    assert "GIẤY BIÊN NHẬN" in text and "Mẫu số 02-TCD" in text and "Số: 1/BN-BTCD" in text
    assert "1. Đơn khiếu nại" in text and visit.petition.tracking_code in text
    assert "Nguyễn Văn An" in text and "NGƯỜI NHẬN" in text
    # Without the desk's token in the session, no access key.
    html = get_html(client, visit, "receipt")
    assert 'id="access-key"' not in html and "qr-svg" in html and " style=" not in html
    with client.session_transaction() as sess:
        sess["desk_receipt_token"] = token
    html = get_html(client, visit, "receipt")
    assert derive_access_key(token) in html and "Số: 1/BN-BTCD" in html
    # Not in the DOCX, a file that stays on disk.
    assert derive_access_key(token) not in get_docx(client, visit, "receipt")[1]
    # Attachments are listed by name.
    for i, name in enumerate(["quyet-dinh-thu-hoi.pdf", "anh-hien-trang.jpg"]):
        db.session.add(Attachment(petition_id=visit.petition_id, original_name=name, content_type="application/pdf",
                                  size=10, sha256="0" * 64, storage_key=f"test-key-{i}"))
    db.session.commit()
    _resp, text = get_docx(client, visit, "receipt")
    assert "1. quyet-dinh-thu-hoi.pdf" in text and "2. anh-hien-trang.jpg" in text
    assert "Đơn khiếu nại" not in text


@pytest.mark.parametrize("outcome, doc_type, expected", [
    ("guided", "guidance", ["PHIẾU HƯỚNG DẪN", "Về việc khiếu nại", "Mẫu số 05-TCD", "Số: 1/PHD-BTCD",
                            "Ủy ban nhân dân xã Cao Lộc", "Nguyễn Văn An", "ngày 20/11/2026"]),
    ("transferred", "transfer", ["PHIẾU CHUYỂN ĐƠN", "Mẫu số 10-TCD", "Số: 1/PCĐ-BTCD",
                                 "Kính gửi: Sở Tài nguyên và Môi trường tỉnh Lạng Sơn", "TRƯỞNG BAN",
                                 "Nơi nhận:", "Nguyễn Văn An", "Ngày 20/11/2026"]),
    ("refused", "refusal", ["THÔNG BÁO", "Về việc từ chối tiếp công dân", "Mẫu số 01-TCD", "Số: 1/TB-BTCD",
                            "vi phạm nội quy nơi tiếp (Điều 9 khoản 2)", "Công dân có lời lẽ xúc phạm cán bộ tiếp.",
                            "Nguyễn Văn An", "ngày 20/11/2026"]),
])
def test_each_outcome_document(login_as, outcome, doc_type, expected):
    client, user = login_as("receptionist", "BTCD")
    visit = make_visit(user, outcome)
    resp, text = get_docx(client, visit, doc_type)
    for item in [MOTTO, MOTTO_SUB, today_line()] + expected:
        assert item in text, item
    html = get_html(client, visit, doc_type)
    for item in [MOTTO] + expected:
        assert item in html, item


def test_group_visit_documents_give_the_number_of_people(login_as):
    client, user = login_as("receptionist", "BTCD")
    visit = make_visit(user, "guided", people_count=7)
    text = get_docx(client, visit, "guidance")[1]
    assert "đoàn 7 người; người đại diện: Nguyễn Văn An" in text


def test_documents_not_matching_the_visit_or_out_of_scope_are_404(app, login_as):
    from tests.conftest import make_user, sign_in

    client, user = login_as("receptionist", "BTCD")
    received, guided = make_visit(user), make_visit(user, "guided")
    base = "/staff/documents/visits"
    for url in (f"{base}/{received.id}/guidance", f"{base}/{received.id}/refusal.docx", f"{base}/{guided.id}/receipt",
                f"{base}/{guided.id}/appointment", f"{base}/{guided.id}/nonsense", f"{base}/999999/receipt"):
        assert client.get(url).status_code == 404, url
    other = app.test_client()
    sign_in(other, make_user("receptionist", "XCL"))
    assert other.get(f"/staff/documents/visits/{received.id}/receipt").status_code == 404
    assert other.get(f"/staff/documents/visits/{received.id}/appointment.docx").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(IssuedDocument)) == 0
    anonymous = app.test_client().get(f"/staff/documents/visits/{received.id}/receipt")
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.headers["Location"]


def test_denunciation_documents_only_for_those_who_may_see_the_denunciator(app, login_as):
    officer_client, officer = login_as("receptionist", "BTCD")
    visit = make_visit(officer, "guided", kind="denunciation", name="Phạm Văn Tố", id_number="020077004321")
    assert visit.is_protected
    handler_client, _handler = login_as("handler", "BTCD")
    assert handler_client.get(f"/staff/documents/visits/{visit.id}/guidance").status_code == 403
    assert handler_client.get(f"/staff/documents/visits/{visit.id}/guidance.docx").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(IssuedDocument)) == 0
    supervisor_client, _sup = login_as("supervisor", "LS")
    assert supervisor_client.get(f"/staff/documents/visits/{visit.id}/guidance").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(IdentityAccess)) == 0

    html = get_html(officer_client, visit, "guidance")
    assert "Phạm Văn Tố" in html and "Mẫu số 08-TCD" in html and "Về việc tố cáo" in html
    accesses = db.session.scalars(select(IdentityAccess)).all()
    assert [(a.user_id, a.visit_id) for a in accesses] == [(officer.id, visit.id)]
    leader_client, leader = login_as("leader", "BTCD")
    assert "Phạm Văn Tố" in get_docx(leader_client, visit, "guidance")[1]
    assert db.session.scalar(select(func.count()).select_from(IdentityAccess)
                             .where(IdentityAccess.user_id == leader.id)) == 1


def test_supervisor_reads_documents_of_the_subtree(login_as):
    _client, user = login_as("receptionist", "BTCD")
    visit = make_visit(user, "refused")
    supervisor_client, _sup = login_as("supervisor", "LS")
    assert "Số: 1/TB-BTCD" in get_html(supervisor_client, visit, "refusal")


def test_documents_stay_vietnamese_when_the_interface_is_english(login_as):
    from tests.conftest import csrf_of

    client, user = login_as("receptionist", "BTCD")
    visit = make_visit(user, "refused")
    client.post("/lang", data={"csrf_token": csrf_of(client, "/staff/password"), "lang": "en", "next": "/"})
    html = get_html(client, visit, "refusal")
    assert '<html lang="en">' in html and 'lang="vi"' in html
    for expected in ("THÔNG BÁO", "Về việc từ chối tiếp công dân", "Mẫu số 01-TCD", today_line()):
        assert expected in html, expected
    assert "Về việc từ chối tiếp công dân" in get_docx(client, visit, "refusal")[1]
