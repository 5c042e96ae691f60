"""The import page: template download, check (errors row by row, or a preview), confirm, cancel,
past batches; refusal of what is not a spreadsheet; permission, CSRF and agency scope."""
from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import openpyxl
from sqlalchemy import func, select

from app.extensions import db
from app.imports.models import ImportBatch
from app.oversight.models import Directive
from app.petitions.models import Petition
from tests.conftest import csrf_of, hidden_fields
from tests.files import pdf_bytes
from tests.services.test_imports import csv_bytes, directive_rows, petition_rows, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def upload(client, kind: str, data: bytes, name: str = "so.xlsx", token: str | None = None):
    token = token or csrf_of(client, "/staff/imports/")
    return client.post("/staff/imports/check", data={"csrf_token": token, "kind": kind,
                                                    "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def confirm_fields(html: str) -> dict:
    form = re.search(r'<form method="post" action="/staff/imports/confirm".*?</form>', html, re.S).group(0)
    return dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))


def staged_files(app) -> list[Path]:
    return list((Path(app.config["UPLOAD_ROOT"]) / "imports").glob("*/*.upload"))


def test_page_lists_templates_and_the_form(login_as):
    client, _user = login_as("leader", "TTLS")
    page = client.get("/staff/imports/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for kind in ("visits", "petitions", "cases", "directives", "inspections"):
        assert f"/staff/imports/template/{kind}.xlsx" in html
    assert 'enctype="multipart/form-data"' in html and "js/imports.js" in html


def test_a_template_downloads_and_imports_through_the_page(app, login_as):
    client, user = login_as("leader", "TTLS")
    resp = client.get("/staff/imports/template/petitions.xlsx")
    assert resp.status_code == 200 and resp.mimetype == XLSX
    assert "mau-nhap-petitions.xlsx" in resp.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == ["Dữ liệu", "Hướng dẫn"]
    check = upload(client, "petitions", resp.data, "mau.xlsx")
    assert check.status_code == 200
    html = check.get_data(as_text=True)
    assert "1 dòng sẽ được nhập" in html and count(Petition) == 0
    assert len(staged_files(app)) == 1
    done = client.post("/staff/imports/confirm", data=confirm_fields(html))
    assert done.status_code == 302 and "/staff/imports/" in done.headers["Location"]
    petition = db.session.scalars(select(Petition)).one()
    assert petition.tracking_code == "TTLS-2021-000001" and petition.registered_by_id == user.id
    assert staged_files(app) == []  # cleaned after the import
    batch_page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert f"/staff/petitions/{petition.id}" in batch_page and "mau.xlsx" in batch_page
    listing = client.get("/staff/imports/").get_data(as_text=True)
    assert "mau.xlsx" in listing and user.full_name in listing


def test_errors_are_listed_by_row_and_column_and_nothing_is_staged_or_written(app, login_as):
    client, _user = login_as("leader", "TTLS")
    rows = directive_rows() + [{"issued_on": date(2021, 5, 1), "source": "Chủ tịch UBND", "content": "E",
                                "due_on": date(2021, 4, 1)}]
    resp = upload(client, "directives", csv_bytes("directives", rows), "nhiem-vu.csv")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Có 1 lỗi: chưa nhập dòng nào" in html
    assert re.search(r"<td[^>]*>6</td><td[^>]*>Hạn hoàn thành \(J\)</td><td[^>]*>Hạn hoàn thành không thể trước ngày "
                     r"giao\.</td>", html)
    assert "/staff/imports/confirm" not in html
    assert count(Directive) == 0 and staged_files(app) == []


def test_the_same_file_again_offers_nothing_to_import(login_as):
    client, _user = login_as("leader", "TTLS")
    data = xlsx_bytes("directives", directive_rows())
    first = upload(client, "directives", data).get_data(as_text=True)
    assert client.post("/staff/imports/confirm", data=confirm_fields(first)).status_code == 302
    second = upload(client, "directives", data)
    html = second.get_data(as_text=True)
    assert second.status_code == 200 and "tất cả 4 dòng đã được nhập trước đây" in html
    assert "/staff/imports/confirm" not in html
    # A longer register: only the new row is offered.
    longer = xlsx_bytes("directives", directive_rows() + [{"issued_on": date(2021, 9, 1), "source": "Khác",
                                                           "content": "Nhiệm vụ E", "due_on": date(2021, 12, 1)}])
    html = upload(client, "directives", longer).get_data(as_text=True)
    assert "1 dòng sẽ được nhập" in html and "4 dòng đã nhập trước đây, sẽ bỏ qua" in html
    client.post("/staff/imports/confirm", data=confirm_fields(html))
    assert count(Directive) == 5 and count(ImportBatch) == 2


def test_a_file_that_is_not_a_spreadsheet_is_refused_at_the_field(login_as):
    client, _user = login_as("leader", "TTLS")
    resp = upload(client, "petitions", pdf_bytes(), "so-don.xlsx")  # the name says xlsx; the content says PDF
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'id="file-error"' in html and "không phải bảng tính .xlsx hoặc .csv" in html
    assert '<option selected value="petitions">' in html  # the choice of kind is kept
    missing = upload(client, "", b"", "")
    text = missing.get_data(as_text=True)
    assert missing.status_code == 422 and "Hãy chọn loại dữ liệu của tệp." in text and "Hãy chọn tệp cần nhập." in text


def test_a_change_between_check_and_confirm_is_caught(login_as):
    client, _user = login_as("leader", "TTLS")
    html = upload(client, "petitions", csv_bytes("petitions", petition_rows()[:1])).get_data(as_text=True)
    fields = confirm_fields(html)
    # Meanwhile someone else imports the same rows (through the command line, say).
    from app.imports.services import run_import
    from tests.conftest import make_user

    other = make_user("leader", "TTLS")
    run_import(csv_bytes("petitions", petition_rows()[:1]), kind="petitions", file_name="x.csv", agency=other.agency,
               user=other)
    db.session.commit()
    resp = client.post("/staff/imports/confirm", data=fields)
    assert resp.status_code == 302 and count(Petition) == 1
    page = client.get("/staff/imports/").get_data(as_text=True)
    assert "Không có dòng mới" in page


def test_cancel_discards_the_staged_file(app, login_as):
    client, _user = login_as("leader", "TTLS")
    html = upload(client, "directives", xlsx_bytes("directives", directive_rows())).get_data(as_text=True)
    assert len(staged_files(app)) == 1
    resp = client.post("/staff/imports/cancel", data=confirm_fields(html))
    assert resp.status_code == 302 and staged_files(app) == []
    again = client.post("/staff/imports/confirm", data=confirm_fields(html))
    assert again.status_code == 302 and count(Directive) == 0
    assert "Không còn tệp đã kiểm tra" in client.get("/staff/imports/").get_data(as_text=True)


def test_confirm_cannot_reach_another_agencys_staged_file(app, login_as):
    client, _user = login_as("leader", "TTLS")
    html = upload(client, "directives", xlsx_bytes("directives", directive_rows())).get_data(as_text=True)
    other, _ = login_as("leader", "XCL")
    token = csrf_of(other, "/staff/imports/")
    resp = other.post("/staff/imports/confirm", data={**confirm_fields(html), "csrf_token": token})
    assert resp.status_code == 302 and count(Directive) == 0
    bad = other.post("/staff/imports/confirm", data={"csrf_token": token, "kind": "directives",
                                                     "sha256": "../../etc/passwd"})
    assert bad.status_code == 400


def test_permission_csrf_and_scope(app, login_as):
    handler, _ = login_as("handler", "TTLS")
    assert handler.get("/staff/imports/").status_code == 403
    assert handler.get("/staff/imports/template/visits.xlsx").status_code == 403
    leader, _ = login_as("leader", "TTLS")
    no_token = leader.post("/staff/imports/check", data={"kind": "directives",
                                                         "file": (io.BytesIO(b"a;b"), "a.csv")},
                           content_type="multipart/form-data")
    assert no_token.status_code == 400
    html = upload(leader, "directives", xlsx_bytes("directives", directive_rows())).get_data(as_text=True)
    fields = confirm_fields(html)
    fields.pop("csrf_token")
    assert leader.post("/staff/imports/confirm", data=fields).status_code == 400 and count(Directive) == 0
    fields["csrf_token"] = hidden_fields(html)["csrf_token"]
    done = leader.post("/staff/imports/confirm", data=fields)
    batch_url = done.headers["Location"]
    assert leader.get(batch_url).status_code == 200
    other, _ = login_as("leader", "XCL")
    assert other.get(batch_url).status_code == 404
    assert "so.xlsx" not in other.get("/staff/imports/").get_data(as_text=True)
    assert leader.get("/staff/imports/template/nothing.xlsx").status_code == 404


def test_imported_records_open_like_any_other(app, login_as):
    """Each kind's example row, once imported, opens on its own page (linked from the batch)."""
    from app.imports.workbook import build_template

    client, _user = login_as("leader", "TTLS")
    for kind in ("visits", "petitions", "cases", "directives", "inspections"):
        html = upload(client, kind, build_template(kind, _user.agency), f"mau-{kind}.xlsx").get_data(as_text=True)
        done = client.post("/staff/imports/confirm", data=confirm_fields(html))
        assert done.status_code == 302, kind
        batch_page = client.get(done.headers["Location"]).get_data(as_text=True)
        links = re.findall(r'<li><a href="(/staff/[^"]+)">', batch_page)
        assert len(links) == 1, kind
        for link in links:
            assert client.get(link).status_code == 200, (kind, link)


def test_two_confirmations_at_once_import_the_rows_once(login_as, monkeypatch):
    """Both requests passed the check before either committed: the unique row keys stop the second."""
    from app.imports.services import stage_file

    client, user = login_as("leader", "TTLS")
    data = xlsx_bytes("directives", directive_rows())
    html = upload(client, "directives", data).get_data(as_text=True)
    fields = confirm_fields(html)
    stage_file(user.agency_id, data)
    assert client.post("/staff/imports/confirm", data=fields).status_code == 302
    stage_file(user.agency_id, data)  # the second request's copy, checked before the first committed
    monkeypatch.setattr("app.imports.services._imported_keys", lambda *args: set())  # as if not yet committed
    resp = client.post("/staff/imports/confirm", data=fields)
    assert resp.status_code == 302 and count(Directive) == 4 and count(ImportBatch) == 1
    assert "vừa được nhập trong một lượt khác" in client.get("/staff/imports/").get_data(as_text=True)


def test_the_preview_masks_a_denunciators_identity(login_as):
    from tests.services.test_imports import visit_rows

    client, _user = login_as("leader", "TTLS")
    html = upload(client, "visits", xlsx_bytes("visits", visit_rows())).get_data(as_text=True)
    assert "3 dòng sẽ được nhập" in html and "Hoàng Văn Dũng; Lý Thị Mai" in html
    assert "Người tố cáo Một" not in html and "Người tố cáo — thông tin được bảo mật" in html
