"""The public petition form: success, every bad input, files kept, double submit."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.petitions.models import Petition, ProtectedIdentity, StagedUpload
from tests.conftest import hidden_fields, valid_petition_data
from tests.files import docx_bytes, jpeg_with_gps, pdf_bytes, png_bytes


def open_form(client):
    resp = client.get("/petitions/new")
    assert resp.status_code == 200
    return hidden_fields(resp.get_data(as_text=True))


def post_form(client, tokens, data, files=None):
    payload = dict(data)
    payload.update(tokens)
    if files:
        payload["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/petitions/new", data=payload, content_type="multipart/form-data")


def count_petitions() -> int:
    return db.session.scalar(select(func.count(Petition.id)))


def test_valid_complaint_creates_petition_and_receipt(client, lang_son):
    tokens = open_form(client)
    resp = post_form(client, tokens, valid_petition_data(*lang_son), files=[("don.pdf", pdf_bytes())])
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/petitions/receipt")
    receipt = client.get("/petitions/receipt")
    html = receipt.get_data(as_text=True)
    petition = db.session.scalars(select(Petition)).one()
    assert petition.tracking_code.startswith("BTCD-")
    assert petition.tracking_code in html
    assert "chậm nhất ngày" in html
    assert petition.due_rule_code == "complaint.accept"
    assert len(petition.attachments) == 1
    assert petition.petitioners[0].full_name == "Nguyễn Văn An"
    assert petition.petitioners[0].phone == "0912345678"


def test_get_form_explains_kinds_and_denunciator_protection(client):
    html = client.get("/petitions/new").get_data(as_text=True)
    for kind in ("Khiếu nại", "Tố cáo", "Kiến nghị, phản ánh"):
        assert kind in html
    assert "giữ bí mật" in html
    assert "nặc danh" in html
    assert 'name="csrf_token"' in html


BAD_INPUTS = [
    ("kind", "", "Hãy chọn loại đơn."),
    ("kind", "lawsuit", "Not a valid choice"),
    ("full_name", "", "Hãy nhập họ và tên."),
    ("full_name", "A" * 201, "Họ và tên quá dài"),
    ("id_number", "", "Hãy nhập số căn cước công dân"),
    ("id_number", "12345", "gồm đúng 12 chữ số"),
    ("id_number", "003085001234", "không phải mã tỉnh hợp lệ"),
    ("phone", "", "Hãy nhập số điện thoại."),
    ("phone", "12345", "không đúng định dạng"),
    ("email", "not-an-email", "thư điện tử không hợp lệ"),
    ("province", "", "Hãy chọn tỉnh, thành phố."),
    ("province", "999999", "Tỉnh, thành phố không hợp lệ."),
    ("commune", "", "Hãy chọn xã, phường, đặc khu."),
    ("address", "", "Hãy nhập địa chỉ"),
    ("respondent", "", "bị khiếu nại"),
    ("title", "", "Hãy nhập tiêu đề"),
    ("title", "T" * 301, "Tiêu đề tối đa 300 ký tự."),
    ("content", "", "Hãy trình bày nội dung."),
    ("content", "ngắn quá", "từ 20 đến 20.000 ký tự"),
    ("request_text", "", "Hãy nêu yêu cầu"),
    ("declaration", "", "Hãy đánh dấu lời cam đoan"),
    ("addressed_agency", "424242", "không nhận đơn trực tuyến"),
]


@pytest.mark.parametrize("field,value,message", BAD_INPUTS, ids=[f"{f}-{i}" for i, (f, _v, _m) in enumerate(BAD_INPUTS)])
def test_bad_input_is_explained_and_everything_typed_is_kept(client, lang_son, field, value, message):
    tokens = open_form(client)
    data = valid_petition_data(*lang_son, **{field: value})
    if field == "kind" and value == "lawsuit":
        message = "Not a valid choice"
    resp = post_form(client, tokens, data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'id="error-summary"' in html
    if field == "kind" and value == "lawsuit":
        assert "Loại đơn" in html.split('id="error-summary"')[1].split("</div>")[0]
    else:
        assert message in html
    # Every other value typed is still in the form.
    for name in ("full_name", "title", "address"):
        if name != field:
            assert data[name] in html
    assert count_petitions() == 0


def test_commune_of_another_province_refused(client, lang_son):
    from app.agencies.models import AdminUnit

    other = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "commune", AdminUnit.code == "4")).first()
    tokens = open_form(client)
    resp = post_form(client, tokens, valid_petition_data(lang_son[0], other.id))
    assert resp.status_code == 422
    assert "Xã, phường, đặc khu không thuộc tỉnh, thành phố đã chọn." in resp.get_data(as_text=True)
    assert count_petitions() == 0


def test_group_representatives_validated(client, lang_son):
    tokens = open_form(client)
    data = valid_petition_data(*lang_son, is_group="y", group_size="8", representatives="Lê Thị B\nTrần Văn C")
    resp = post_form(client, tokens, data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "tối đa 2 người đại diện" in html
    assert "Trần Văn C" in html  # kept
    # Twelve people may have five representatives.
    data.update(group_size="12")
    assert post_form(client, tokens, data).status_code == 302
    petition = db.session.scalars(select(Petition)).one()
    assert petition.is_group and petition.group_size == 12
    assert [p.full_name for p in petition.petitioners] == ["Nguyễn Văn An", "Lê Thị B", "Trần Văn C"]


def test_group_without_size_refused(client, lang_son):
    tokens = open_form(client)
    resp = post_form(client, tokens, valid_petition_data(*lang_son, is_group="y", group_size=""))
    assert resp.status_code == 422
    assert "Hãy nhập số người trong nhóm." in resp.get_data(as_text=True)


def test_prior_handling_requires_handler_and_past_date(client, lang_son):
    tokens = open_form(client)
    data = valid_petition_data(*lang_son, previously_handled="yes", prior_handler="", prior_date="01/01/2999")
    html = post_form(client, tokens, data).get_data(as_text=True)
    assert "Hãy cho biết cơ quan hoặc người đã giải quyết." in html
    assert "không thể ở tương lai" in html
    data.update(prior_date="31/02/2026", prior_handler="UBND xã Cao Lộc")
    html = post_form(client, tokens, data).get_data(as_text=True)
    assert "ngày/tháng/năm" in html
    data.update(prior_date="15/03/2026", prior_decision_number="15/QĐ-UBND")
    assert post_form(client, tokens, data).status_code == 302
    petition = db.session.scalars(select(Petition)).one()
    assert petition.prior_date.isoformat() == "2026-03-15"
    assert petition.prior_decision_number == "15/QĐ-UBND"


def test_files_are_kept_after_an_error_and_attached_on_success(client, lang_son, app):
    tokens = open_form(client)
    bad = valid_petition_data(*lang_son, full_name="")
    resp = post_form(client, tokens, bad, files=[("anh.jpg", jpeg_with_gps()), ("don.docx", docx_bytes())])
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "anh.jpg" in html and "don.docx" in html
    assert db.session.scalar(select(func.count(StagedUpload.id))) == 2
    # Fixed without choosing the files again; one more file added.
    resp = post_form(client, tokens, valid_petition_data(*lang_son), files=[("them.png", png_bytes())])
    assert resp.status_code == 302
    petition = db.session.scalars(select(Petition)).one()
    assert sorted(a.original_name for a in petition.attachments) == ["anh.jpg", "don.docx", "them.png"]
    assert db.session.scalar(select(func.count(StagedUpload.id))) == 0


def test_removing_a_staged_file(client, lang_son):
    tokens = open_form(client)
    post_form(client, tokens, valid_petition_data(*lang_son, title=""), files=[("a.pdf", pdf_bytes())])
    staged = db.session.scalars(select(StagedUpload)).one()
    data = valid_petition_data(*lang_son, remove_staged=staged.id)
    assert post_form(client, tokens, data).status_code == 302
    assert db.session.scalars(select(Petition)).one().attachments == []


def test_file_with_wrong_content_refused_and_form_kept(client, lang_son):
    tokens = open_form(client)
    resp = post_form(client, tokens, valid_petition_data(*lang_son),
                     files=[("virus.pdf", b"MZ\x90\x00 not a pdf"), ("ok.pdf", pdf_bytes())])
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "virus.pdf" in html and "Chỉ nhận tệp PDF, JPEG, PNG hoặc DOCX." in html
    assert "ok.pdf" in html  # the good one is staged
    assert count_petitions() == 0


def test_too_many_files_refused(client, lang_son):
    tokens = open_form(client)
    files = [(f"f{i}.pdf", pdf_bytes()) for i in range(11)]
    resp = post_form(client, tokens, valid_petition_data(*lang_son), files=files)
    assert resp.status_code == 422
    assert "tối đa 10 tệp" in resp.get_data(as_text=True)
    assert count_petitions() == 0


def test_file_over_the_per_file_limit_refused(client, lang_son, app):
    app.config["MAX_ATTACHMENT_BYTES"] = 1024
    tokens = open_form(client)
    resp = post_form(client, tokens, valid_petition_data(*lang_son), files=[("big.pdf", pdf_bytes() + b"0" * 2048)])
    assert resp.status_code == 422
    assert "big.pdf lớn hơn" in resp.get_data(as_text=True)


def test_oversized_request_gets_a_friendly_page(client, lang_son, app):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    tokens = open_form(client)
    resp = post_form(client, tokens, valid_petition_data(*lang_son), files=[("big.pdf", pdf_bytes() + b"0" * 60_000)])
    assert resp.status_code == 413
    html = resp.get_data(as_text=True)
    assert "Tệp gửi kèm quá lớn" in html and "Traceback" not in html
    assert count_petitions() == 0


def test_double_submit_creates_one_petition(client, lang_son):
    tokens = open_form(client)
    data = valid_petition_data(*lang_son)
    first = post_form(client, tokens, data)
    second = post_form(client, tokens, data)
    assert first.status_code == second.status_code == 302
    assert count_petitions() == 1
    # Reloading the receipt shows the same petition and key.
    a = client.get("/petitions/receipt").get_data(as_text=True)
    b = client.get("/petitions/receipt").get_data(as_text=True)
    code = db.session.scalars(select(Petition)).one().tracking_code
    assert code in a and code in b
    assert count_petitions() == 1


def test_missing_csrf_token_refused_and_text_kept(client, lang_son):
    tokens = open_form(client)
    tokens.pop("csrf_token")
    resp = post_form(client, tokens, valid_petition_data(*lang_son))
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Phiên làm việc đã hết hạn" in html
    assert "Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND" in html
    assert count_petitions() == 0


def test_honeypot_refuses_bots(client, lang_son):
    tokens = open_form(client)
    resp = post_form(client, tokens, valid_petition_data(*lang_son, website="http://spam.example"))
    assert resp.status_code == 400
    assert count_petitions() == 0


def test_forged_form_token_refused(client, lang_son):
    tokens = open_form(client)
    tokens["form_token"] = "../../etc/passwd"
    resp = post_form(client, tokens, valid_petition_data(*lang_son))
    assert resp.status_code == 400
    assert count_petitions() == 0


def test_commune_list_refresh_without_javascript(client, lang_son):
    tokens = open_form(client)
    data = valid_petition_data(*lang_son, commune="", refresh_communes="1")
    resp = post_form(client, tokens, data, files=[("a.pdf", pdf_bytes())])
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Xã Cao Lộc" in html  # communes of Lạng Sơn now offered
    assert 'id="error-summary"' not in html  # no errors shown for a refresh
    assert "a.pdf" in html  # file kept
    assert count_petitions() == 0


def test_communes_json(client, lang_son):
    resp = client.get(f"/communes?province={lang_son[0]}")
    names = [c["name"] for c in resp.get_json()]
    assert len(names) == 65 and "Xã Cao Lộc" in names
    assert client.get("/communes?province=abc").status_code == 400


def test_denunciator_identity_is_encrypted_not_stored_in_clear(client, lang_son, app):
    from app.crypto import decrypt_json

    tokens = open_form(client)
    data = valid_petition_data(*lang_son, kind="denunciation", full_name="Phạm Thị Kín",
                               id_number="020190007777", request_text="")
    assert post_form(client, tokens, data).status_code == 302
    petition = db.session.scalars(select(Petition)).one()
    person = petition.petitioners[0]
    assert person.is_protected
    assert person.full_name is None and person.id_number is None and person.phone is None
    row = db.session.scalars(select(ProtectedIdentity)).one()
    assert b"Ph\xe1\xba\xa1m" not in row.ciphertext and b"020190007777" not in row.ciphertext
    assert decrypt_json(row.ciphertext)["full_name"] == "Phạm Thị Kín"
    assert petition.due_rule_code == "denunciation.initial"
    # The receipt never echoes the denunciator's name.
    assert "Phạm Thị Kín" not in client.get("/petitions/receipt").get_data(as_text=True)


def test_addressed_agency_gets_its_prefix(client, lang_son):
    from app.agencies.models import Agency

    commune = db.session.scalars(select(Agency).where(Agency.code == "XCL")).one()
    tokens = open_form(client)
    assert post_form(client, tokens, valid_petition_data(*lang_son, addressed_agency=str(commune.id))).status_code == 302
    petition = db.session.scalars(select(Petition)).one()
    assert petition.agency_id == commune.id
    assert petition.tracking_code.startswith("XCL-")
