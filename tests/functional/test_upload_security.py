"""Uploads through the real forms: archives, programs and PDF scripts refused at the field with
the form kept; the virus scanner (a real process standing in for clamdscan) refuses an infected
file on the public form, the recording upload and the import page, and fails closed."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.petitions.models import Petition, StagedUpload
from app.reception.models import Visit
from tests.conftest import valid_petition_data
from tests.files import EICAR, fake_scanner, pdf_bytes, pdf_with, png_bytes, zip_bytes
from tests.functional.test_imports import upload as import_upload
from tests.functional.test_online_reception import _held_visit, confirmed_request, mp4_bytes, past_slot
from tests.functional.test_online_reception import upload as upload_recording
from tests.functional.test_petition_form import count_petitions, open_form, post_form

INFECTED = "có dấu hiệu nhiễm mã độc, không được tiếp nhận."
UNCHECKED = "Chưa kiểm tra được tệp bằng phần mềm diệt virus"


def stored_files(app) -> set[Path]:
    """Every file under UPLOAD_ROOT."""
    return {p for p in Path(app.config["UPLOAD_ROOT"]).rglob("*") if p.is_file()}


def staged_count() -> int:
    return db.session.scalar(select(func.count(StagedUpload.id)))


def infected_pdf() -> bytes:
    return pdf_with(b"/Lang(" + EICAR.replace(b"(", b"\\(").replace(b")", b"\\)") + b")")


def test_archives_programs_and_pdf_scripts_refused_at_the_form(client, lang_son):
    tokens = open_form(client)
    files = [("ho-so.zip", zip_bytes()), ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 60),
             ("don.pdf", pdf_with(b"/OpenAction<</S/JavaScript/JS(app.alert\\(1\\))>>")), ("anh.png", png_bytes())]
    resp = post_form(client, tokens, valid_petition_data(*lang_son), files=files)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and count_petitions() == 0
    assert "ho-so.zip: Không nhận tệp nén" in html
    assert "setup.pdf: Không nhận tệp chương trình" in html
    assert "don.pdf: Tệp PDF có chứa mã JavaScript" in html
    assert "Nguyễn Văn An" in html  # the form is kept …
    assert [s.original_name for s in db.session.scalars(select(StagedUpload))] == ["anh.png"]  # … and the good file


def test_infected_file_refused_on_the_public_form_and_never_stored(app, client, lang_son, tmp_path):
    app.config["CLAMDSCAN_COMMAND"] = fake_scanner(tmp_path)
    before = stored_files(app)
    tokens = open_form(client)
    resp = post_form(client, tokens, valid_petition_data(*lang_son),
                     files=[("don-that.pdf", infected_pdf()), ("ban-sao.pdf", pdf_bytes())])
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and count_petitions() == 0
    assert f"don-that.pdf: Tệp {INFECTED}" in html
    assert [s.original_name for s in db.session.scalars(select(StagedUpload))] == ["ban-sao.pdf"]
    assert all(EICAR not in p.read_bytes() for p in stored_files(app) - before)
    # Sent again without the infected file: the petition is made with the clean one.
    assert post_form(client, tokens, valid_petition_data(*lang_son)).status_code == 302
    assert [a.original_name for a in db.session.scalars(select(Petition)).one().attachments] == ["ban-sao.pdf"]


def test_a_scanner_that_cannot_check_refuses_the_file(app, client, lang_son, tmp_path):
    app.config["CLAMDSCAN_COMMAND"] = fake_scanner(tmp_path, broken=True)
    tokens = open_form(client)
    resp = post_form(client, tokens, valid_petition_data(*lang_son), files=[("don.pdf", pdf_bytes())])
    assert resp.status_code == 422 and UNCHECKED in resp.get_data(as_text=True)
    assert count_petitions() == 0 and staged_count() == 0
    # Without files the citizen is not held up by the scanner.
    assert post_form(client, tokens, valid_petition_data(*lang_son)).status_code == 302


def test_infected_recording_refused(app, login_as, tmp_path):
    app.config["CLAMDSCAN_COMMAND"] = fake_scanner(tmp_path)
    staff, user = login_as("receptionist", "BTCD")
    slot = past_slot()
    visit = _held_visit(confirmed_request(slot).code, user, slot)
    resp = upload_recording(staff, visit.id, mp4_bytes() + EICAR, "buoi-tiep.mp4")
    assert resp.status_code == 422 and f"Tệp “buoi-tiep.mp4” {INFECTED}" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).recording_key is None
    assert upload_recording(staff, visit.id, mp4_bytes(), "buoi-tiep.mp4").status_code == 302


def test_infected_import_refused_at_the_field(app, login_as, tmp_path):
    app.config["CLAMDSCAN_COMMAND"] = fake_scanner(tmp_path)
    client, _user = login_as("leader", "TTLS")
    resp = import_upload(client, "petitions", b"Ngay nhan;Noi dung\n01/01/2026;" + EICAR + b"\n", "so.csv")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'id="file-error"' in html and f"Tệp “so.csv” {INFECTED}" in html
