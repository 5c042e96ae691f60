"""Import of registers: each kind creates complete records (the fields reports count), a bad row
anywhere writes nothing, a re-import creates nothing, only new rows of a longer file are added,
a dry run writes nothing; the cells are read the way offices type them."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from app.agencies.models import Agency
from app.cases.models import Case
from app.counters import Counter
from app.crypto import decrypt_json
from app.extensions import db
from app.imports.models import ImportBatch, ImportedRow
from app.imports.services import run_import
from app.imports.spec import SPECS
from app.imports.workbook import build_template
from app.inspections.models import Inspection, InspectionRecovery
from app.oversight.models import Directive, DirectiveStatus
from app.petitions.models import Petition, Petitioner, ProtectedIdentity
from app.reception.models import Person, Visit, VisitVisitor
from tests.conftest import make_user

TODAY = date(2021, 9, 30)
NOW = datetime(2021, 9, 30, 3, 0)  # 10:00 in Viet Nam


def now_utc():
    from datetime import timezone

    return NOW.replace(tzinfo=timezone.utc)


def xlsx_bytes(kind: str, rows: list[dict], *, title_rows: list[str] = (), headers: list[str] | None = None,
               extra_header: str | None = None) -> bytes:
    """A workbook with the kind's headers (or the given ones) and rows of raw cell values by column key."""
    spec = SPECS[kind]
    wb = openpyxl.Workbook()
    ws = wb.active
    for text in title_rows:
        ws.append([text])
    names = headers or [c.header for c in spec.columns]
    ws.append(names + ([extra_header] if extra_header else []))
    for row in rows:
        ws.append([row.get(c.key) for c in spec.columns] + (["?"] if extra_header else []))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(kind: str, rows: list[dict], *, delimiter: str = ";", bom: bool = True) -> bytes:
    """The same rows as a CSV text (dates as dd/mm/yyyy)."""
    spec = SPECS[kind]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow([c.header for c in spec.columns])
    for row in rows:
        cells = []
        for c in spec.columns:
            value = row.get(c.key)
            cells.append(value.strftime("%d/%m/%Y") if isinstance(value, date) else ("" if value is None else value))
        writer.writerow(cells)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode()


def agency(code: str = "TTLS") -> Agency:
    return db.session.scalars(select(Agency).where(Agency.code == code)).one()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def do_import(data: bytes, kind: str, user, *, dry_run=False, name="so.xlsx"):
    result = run_import(data, kind=kind, file_name=name, agency=user.agency, user=user, dry_run=dry_run,
                        now=now_utc())
    db.session.commit()
    return result


@pytest.fixture
def leader(app):
    return make_user("leader", "TTLS", full_name="Lãnh đạo Thanh tra")


# --- rows -------------------------------------------------------------------------------------

def visit_rows():
    return [
        {"visited_on": date(2021, 3, 15), "visited_time": "14:00", "full_names": "Hoàng Văn Dũng; Lý Thị Mai",
         "id_numbers": "020085001111; 020190002222", "phone": "0912 345 678", "people_count": 6, "kind": "Khiếu nại",
         "category": "kn.hc.dat.boithuong", "summary": "Khiếu nại mức bồi thường đường tỉnh 235",
         "outcome": "Tiếp nhận đơn", "replied_on": date(2021, 3, 25), "reply_note": "Đã thông báo thụ lý"},
        {"visited_on": date(2021, 2, 3), "full_names": "Người tố cáo Một", "id_numbers": "020080003333",
         "kind": "TC", "summary": "Tố cáo cán bộ địa chính", "respondent": "Cán bộ địa chính xã",
         "outcome": "Hướng dẫn", "target": "Thanh tra huyện Cao Lộc"},
        {"visited_on": "07/05/2021", "full_names": "Trần Văn Bình", "kind": "Kiến nghị, phản ánh",
         "summary": "Phản ánh đường giao thông xuống cấp", "outcome": "giải thích, trả lời",
         "outcome_note": "Đã giải thích kế hoạch sửa đường", "is_repeat": "có"},
    ]


def petition_rows():
    return [
        {"received_on": date(2021, 4, 2), "channel": "Bưu chính", "kind": "Khiếu nại", "full_names": "Nguyễn Thị Hoa",
         "id_numbers": "001190012345", "content": "Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND",
         "status": "Thụ lý", "decided_on": date(2021, 4, 12)},
        {"received_on": date(2021, 1, 20), "channel": "Cơ quan khác chuyển đến", "forwarded_by_kind": "HĐND",
         "forwarded_by_name": "Thường trực HĐND tỉnh", "kind": "Tố cáo", "full_names": "Người tố cáo Hai",
         "id_numbers": "020080004444", "phone": "0987654321", "content": "Tố cáo sai phạm trong đấu thầu",
         "status": "Chuyển đơn", "decided_on": date(2021, 1, 25), "target": "Công an tỉnh"},
        {"received_on": date(2021, 6, 1), "channel": "Trực tiếp", "kind": "Kiến nghị", "full_names": "Lò Văn Sáng",
         "content": "Kiến nghị về chính sách hỗ trợ", "status": "Lưu đơn", "decided_on": date(2021, 6, 5),
         "file_reason": "Gửi nhiều nơi"},
        {"received_on": date(2021, 9, 28), "channel": "Gửi tay", "kind": "Khiếu nại", "full_names": "Vi Văn Tám",
         "content": "Khiếu nại việc cấp giấy chứng nhận"},
    ]


def case_rows():
    return [
        {"kind": "Khiếu nại lần đầu", "title": "Khiếu nại thu hồi đất", "accepted_on": date(2021, 4, 12),
         "status": "Quyết định có hiệu lực pháp luật", "outcome": "Khiếu nại đúng một phần",
         "decision_number": "125/QĐ-UBND", "decision_date": date(2021, 5, 10), "decision_signer": "Chủ tịch UBND tỉnh",
         "money_recommended": "150.000.000", "money_recovered": 100_000_000, "land_recommended": "1.234,5",
         "people_disciplined": 2, "officials_disciplined": 1},
        {"kind": "Tố cáo", "title": "Tố cáo cán bộ", "accepted_on": date(2021, 7, 1), "status": "Đang xác minh"},
    ]


def directive_rows():
    return [
        {"issued_on": date(2021, 1, 5), "source": "Chủ tịch UBND", "issuer_code": "LS", "content": "Nhiệm vụ A",
         "due_on": date(2021, 3, 31), "done_on": date(2021, 3, 20), "is_key_task": "có"},
        {"issued_on": date(2021, 2, 1), "source": "Phó Chủ tịch", "content": "Nhiệm vụ B",
         "due_on": date(2021, 4, 30), "done_on": date(2021, 5, 10)},
        {"issued_on": date(2021, 8, 1), "source": "meeting", "content": "Nhiệm vụ C", "due_on": date(2021, 12, 31)},
        {"issued_on": date(2021, 3, 1), "source": "Khác", "content": "Nhiệm vụ D", "due_on": date(2021, 6, 30)},
    ]


def inspection_rows():
    base = {"decision_number": "15/QĐ-TTr", "decision_date": date(2021, 2, 20), "title": "Thanh tra PCTN Sở X",
            "subject": "Sở X", "kind": "Theo kế hoạch", "topic": "Phòng, chống tham nhũng",
            "started_on": date(2021, 3, 1), "conclusion_due": date(2021, 5, 15), "conclusion_number": "40/KL-TTr",
            "concluded_on": date(2021, 5, 20), "money_violation": 200_000_000, "money_recommended": 180_000_000,
            "recovered_on": date(2021, 6, 30), "money_recovered": 100_000_000}
    return [base,
            {"decision_number": "15/qđ-ttr", "recovered_on": date(2021, 8, 15), "money_recovered": "60.000.000",
             "recovery_document": "GNT 2"},
            {"decision_number": "22/QĐ-TTr", "title": "Thanh tra đột xuất", "subject": "UBND xã Y", "kind": "Đột xuất",
             "topic": "Hành chính", "started_on": date(2021, 8, 1)}]


# --- each kind -----------------------------------------------------------------------------------

def test_visits_from_xlsx_are_numbered_by_date_with_people_and_protected_denunciators(app, leader):
    result = do_import(xlsx_bytes("visits", visit_rows()), "visits", leader)
    assert result.ok, result.errors
    assert result.to_create == 3 and result.batch.rows_created == 3
    visits = db.session.scalars(select(Visit).order_by(Visit.number)).all()
    # Numbered in the order of the visit dates (2 Feb, 15 Mar, 7 May 2021), not of the rows.
    assert [(v.year, v.number, v.kind) for v in visits] == [
        (2021, 1, "denunciation"), (2021, 2, "complaint"), (2021, 3, "proposal")]
    denunciation, group, proposal = visits
    assert group.people_count == 6 and group.is_group and group.outcome == "petition_received"
    assert group.category.code == "KN.HC.DAT.BOITHUONG" and group.officer_id == leader.id
    assert group.place == "Thanh tra tỉnh Lạng Sơn"
    assert group.visited_at.replace(tzinfo=None) == datetime(2021, 3, 15, 7, 0)  # 14:00 in Viet Nam
    assert group.reply_due is not None and group.replied_on == date(2021, 3, 25)
    assert [vv.role for vv in group.visitors] == ["representative", "representative"]
    assert [vv.person.id_number for vv in group.visitors] == ["020085001111", "020190002222"]
    assert group.visitors[0].person.phone == "0912345678"
    assert "hoang van dung" in group.search_folded
    assert group.petition_id is None  # letters are imported as petitions, never twice
    # The denunciator is nowhere in clear: no Person, an encrypted visitor row, nothing in the search text.
    assert denunciation.is_protected and denunciation.guided_to == "Thanh tra huyện Cao Lộc"
    row = denunciation.visitors[0]
    assert row.person_id is None and decrypt_json(row.ciphertext)["full_name"] == "Người tố cáo Một"
    assert db.session.scalar(select(Person).where(Person.id_number == "020080003333")) is None
    assert "mot" not in denunciation.search_folded
    assert proposal.is_repeat and proposal.outcome == "settled" and proposal.reply_due is None
    assert count(ImportedRow) == 3 and count(VisitVisitor) == 4


def test_petitions_from_csv_get_codes_of_their_year_statuses_and_protected_identity(app, leader):
    result = do_import(csv_bytes("petitions", petition_rows()), "petitions", leader, name="don.csv")
    assert result.ok, result.errors
    petitions = db.session.scalars(select(Petition).order_by(Petition.tracking_code)).all()
    assert [p.tracking_code for p in petitions] == [f"TTLS-2021-00000{i}" for i in range(1, 5)]
    forwarded, accepted, filed, open_ = petitions  # numbered by the day received
    assert (accepted.kind, accepted.status, accepted.channel) == ("complaint", "accepted", "post")
    assert accepted.within_jurisdiction is True and accepted.due_date is None
    assert accepted.decided_at.date() == date(2021, 4, 12) and accepted.petitioners[0].full_name == "Nguyễn Thị Hoa"
    assert forwarded.status == "transferred" and forwarded.transfer_to_name == "Công an tỉnh"
    assert forwarded.forwarded_by_kind == "peoples_council" and forwarded.within_jurisdiction is False
    assert forwarded.petitioners[0].is_protected and forwarded.petitioners[0].full_name is None
    identity = db.session.scalars(select(ProtectedIdentity)).one()
    assert decrypt_json(identity.ciphertext)["id_number"] == "020080004444"
    assert "hai" not in forwarded.search_folded
    assert filed.status == "filed" and filed.file_reason == "sent_to_many" and filed.is_eligible is False
    # Still open: its triage deadline runs from the day received (complaint acceptance, 10 working days).
    assert open_.status == "received" and open_.due_date == date(2021, 10, 12)
    assert all(p.received_at.date() == d for p, d in zip(petitions, [date(2021, 1, 20), date(2021, 4, 2),
                                                                   date(2021, 6, 1), date(2021, 9, 28)]))
    assert count(Petitioner) == 4


def test_cases_carry_decision_figures_and_link_an_accepted_petition(app, leader):
    assert do_import(csv_bytes("petitions", petition_rows()[:1]), "petitions", leader).ok
    rows = case_rows()
    rows[0]["petition_code"] = "ttls-2021-000001"
    result = do_import(xlsx_bytes("cases", rows), "cases", leader)
    assert result.ok, result.errors
    decided, open_ = db.session.scalars(select(Case).order_by(Case.accepted_on)).all()
    assert (decided.kind, decided.status, decided.outcome) == ("complaint_first", "final", "partly_correct")
    assert decided.due_date == date(2021, 5, 12)  # 30 days from acceptance (Luật Khiếu nại Đ.28)
    assert decided.decision_date == date(2021, 5, 10) and decided.decision_number == "125/QĐ-UBND"
    assert decided.money_recommended == 150_000_000 and decided.money_recovered == 100_000_000
    assert decided.land_recommended == Decimal("1234.5") and decided.people_disciplined == 2
    assert decided.appeal_window_closes is not None
    assert db.session.scalars(select(Petition)).one().case_id == decided.id
    # 30 days end on Saturday 31/07/2021, so on the next working day (Bộ luật Dân sự Đ.148).
    assert (open_.kind, open_.status, open_.outcome, open_.due_date) == ("denunciation", "verifying", None,
                                                                        date(2021, 8, 2))


def test_directives_give_the_four_report_figures(app, leader):
    result = do_import(xlsx_bytes("directives", directive_rows()), "directives", leader)
    assert result.ok, result.errors
    directives = {d.content: d for d in db.session.scalars(select(Directive))}
    statuses = {k: d.status_on(TODAY) for k, d in directives.items()}
    assert statuses == {"Nhiệm vụ A": DirectiveStatus.DONE_ON_TIME, "Nhiệm vụ B": DirectiveStatus.DONE_LATE,
                        "Nhiệm vụ C": DirectiveStatus.IN_PROGRESS, "Nhiệm vụ D": DirectiveStatus.OVERDUE}
    a = directives["Nhiệm vụ A"]
    assert a.is_key_task and a.issuer_agency.code == "LS" and a.assignee_agency_id == leader.agency_id
    assert a.source == "chairman" and directives["Nhiệm vụ B"].source == "vice_chairman"
    assert directives["Nhiệm vụ B"].issuer_agency_id is None


def test_inspections_rows_of_one_decision_add_dated_recoveries(app, leader):
    result = do_import(xlsx_bytes("inspections", inspection_rows()), "inspections", leader)
    assert result.ok, result.errors
    first, second = db.session.scalars(select(Inspection).order_by(Inspection.started_on)).all()
    assert (first.kind, first.topic, first.money_violation, first.money_recommended) == (
        "planned", "anti_corruption", 200_000_000, 180_000_000)
    assert first.conclusion_late(TODAY)  # issued on 20/05 for a 15/05 deadline
    assert [(r.recovered_on, r.money) for r in first.recoveries] == [
        (date(2021, 6, 30), 100_000_000), (date(2021, 8, 15), 60_000_000)]
    assert second.kind == "ad_hoc" and second.concluded_on is None and second.recoveries == []
    # The register grows: the old rows are skipped, the new recovery is added to the known inspection.
    rows = inspection_rows() + [{"decision_number": "15/QĐ-TTr", "recovered_on": date(2021, 9, 10),
                                 "money_recovered": 20_000_000}]
    again = do_import(xlsx_bytes("inspections", rows), "inspections", leader)
    assert again.ok, again.errors
    assert (again.to_create, again.skipped) == (1, 3)
    assert count(Inspection) == 2 and sum(r.money for r in first.recoveries) == 180_000_000


def test_an_inspection_row_that_contradicts_the_known_one_is_refused(app, leader):
    assert do_import(xlsx_bytes("inspections", inspection_rows()[:1]), "inspections", leader).ok
    row = {"decision_number": "15/QĐ-TTr", "money_recommended": 1, "recovered_on": date(2021, 9, 1),
           "money_recovered": 5}
    result = do_import(xlsx_bytes("inspections", [row]), "inspections", leader)
    assert not result.ok
    assert result.errors[0].column.startswith("Tiền kiến nghị thu hồi") and "đã có trong hệ thống" in \
        result.errors[0].message
    assert count(InspectionRecovery) == 1


@pytest.mark.parametrize("kind", list(SPECS))
def test_the_template_example_row_imports(app, leader, kind):
    data = build_template(kind, leader.agency)
    result = run_import(data, kind=kind, file_name=f"mau-{kind}.xlsx", agency=leader.agency, user=leader)
    assert result.ok, result.errors
    assert result.to_create == 1 and result.batch is not None
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[1] == "Hướng dẫn"
    guide = [c.value for row in wb["Hướng dẫn"].iter_rows() for c in row if c.value]
    assert all(c.header in guide for c in SPECS[kind].columns)


# --- all or nothing, idempotence, dry run ------------------------------------------------------

def test_a_bad_last_row_writes_nothing_and_says_row_column_and_what(app, leader):
    rows = visit_rows() + [{"visited_on": "31/02/2021", "full_names": "A", "kind": "Khiếu nại", "summary": "x",
                            "outcome": "Hướng dẫn", "id_numbers": "12345"}]
    result = do_import(xlsx_bytes("visits", rows, title_rows=["SỔ TIẾP CÔNG DÂN", ""]), "visits", leader)
    assert not result.ok and result.batch is None
    # The header is on row 3 of the sheet, so the fourth data row is row 7.
    found = {(e.row, e.column.split(" (")[0]) for e in result.errors}
    assert found == {(7, "Ngày tiếp"), (7, "Số CCCD")}
    assert any("không có trên lịch" in e.message for e in result.errors)
    assert count(Visit) == 0 and count(Person) == 0 and count(ImportBatch) == 0 and count(ImportedRow) == 0
    assert count(Counter) == 0  # no register number was taken


def test_rules_across_cells_are_checked(app, leader):
    rows = [
        {"visited_on": date(2021, 3, 1), "full_names": "A", "kind": "Khiếu nại", "summary": "x",
         "outcome": "Hướng dẫn"},
        {"visited_on": date(2021, 3, 1), "full_names": "A; B; C", "people_count": 12, "kind": "Khiếu nại",
         "summary": "y", "outcome": "Từ chối tiếp", "refusal_ground": "Điều 9 khoản 2"},
        {"visited_on": date(2031, 3, 1), "full_names": "C", "kind": "Khiếu nại", "summary": "z", "outcome": "Nhận đơn",
         "category": "TC.HC"},
    ]
    result = do_import(xlsx_bytes("visits", rows), "visits", leader)
    messages = {(e.row, e.column.split(" (")[0]): e.message for e in result.errors}
    assert "hướng dẫn đến" in messages[(2, "Cơ quan hướng dẫn, chuyển đến")]
    assert "lý do từ chối" in messages[(3, "Nội dung giải thích, trả lời")]
    assert "tương lai" in messages[(4, "Ngày tiếp")]
    assert "không thuộc loại" in messages[(4, "Mã lĩnh vực")]
    assert count(Visit) == 0


def test_an_id_number_known_under_another_name_is_an_error(app, leader):
    db.session.add(Person(full_name="Nguyễn Văn Khác", id_number="020085001111", name_folded="nguyen van khac"))
    db.session.commit()
    result = do_import(xlsx_bytes("visits", visit_rows()[:1]), "visits", leader)
    assert not result.ok and "Nguyễn Văn Khác" in result.errors[0].message
    assert count(Visit) == 0


def test_the_same_file_twice_creates_nothing_the_second_time(app, leader):
    data = xlsx_bytes("petitions", petition_rows())
    assert do_import(data, "petitions", leader).to_create == 4
    again = do_import(data, "petitions", leader)
    assert again.ok and again.to_create == 0 and again.skipped == 4 and again.batch is None
    # The same rows saved as CSV are the same rows.
    as_csv = do_import(csv_bytes("petitions", petition_rows(), delimiter=","), "petitions", leader)
    assert as_csv.to_create == 0 and as_csv.skipped == 4
    assert count(Petition) == 4 and count(ImportBatch) == 1


def test_a_longer_file_adds_only_its_new_rows(app, leader):
    assert do_import(xlsx_bytes("directives", directive_rows()[:2]), "directives", leader).ok
    result = do_import(xlsx_bytes("directives", directive_rows()), "directives", leader)
    assert (result.to_create, result.skipped, result.skipped_rows) == (2, 2, [2, 3])
    assert count(Directive) == 4 and result.batch.rows_skipped == 2


def test_a_dry_run_writes_nothing(app, leader):
    result = do_import(xlsx_bytes("cases", case_rows()), "cases", leader, dry_run=True)
    assert result.ok and result.to_create == 2 and result.batch is None
    assert count(Case) == 0 and count(ImportBatch) == 0


def test_another_agency_importing_the_same_rows_gets_its_own_records(app, leader):
    assert do_import(xlsx_bytes("directives", directive_rows()[:1]), "directives", leader).to_create == 1
    other = make_user("leader", "XCL")
    rows = directive_rows()[:1]
    rows[0]["issuer_code"] = "LS"
    assert do_import(xlsx_bytes("directives", rows), "directives", other).to_create == 1
    assert {d.assignee_agency.code for d in db.session.scalars(select(Directive))} == {"TTLS", "XCL"}


def test_assignee_outside_the_subtree_is_refused(app, leader):
    rows = directive_rows()[:1]
    rows[0]["assignee_code"] = "XCL"
    result = do_import(xlsx_bytes("directives", rows), "directives", leader)
    assert not result.ok and "cấp dưới" in result.errors[0].message


def test_headers_are_matched_without_case_or_diacritics_and_extra_columns_are_ignored(app, leader):
    headers = [c.header.upper() for c in SPECS["directives"].columns]
    headers[0] = "ngay giao (*)"
    data = xlsx_bytes("directives", directive_rows()[:1], headers=headers, extra_header="Ghi chú riêng")
    result = do_import(data, "directives", leader)
    assert result.ok, result.errors
    assert any("Ghi chú riêng" in n for n in result.notices)


def test_a_missing_required_column_is_reported_once(app, leader):
    headers = [c.header for c in SPECS["directives"].columns if c.key != "due_on"]
    wb = openpyxl.Workbook()
    wb.active.append(headers)
    wb.active.append(["01/01/2021"] * len(headers))
    out = io.BytesIO()
    wb.save(out)
    result = do_import(out.getvalue(), "directives", leader)
    assert [(e.row, e.column) for e in result.errors] == [(1, "Hạn hoàn thành")]


@pytest.mark.parametrize("data, fragment", [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    ("Ngày giao;Nội dung".encode("cp1258", errors="replace") + b"\xff\xfe", "UTF-8"),
    (b"", "rỗng"),
])
def test_a_file_that_is_not_a_register_is_refused_clearly(app, leader, data, fragment):
    result = do_import(data, "directives", leader)
    assert len(result.errors) == 1 and result.errors[0].row == 0 and fragment in result.errors[0].message


def test_cells_are_read_as_offices_type_them(app, leader):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in SPECS["visits"].columns])
    values = {"visited_on": datetime(2021, 3, 15), "full_names": "Hà Thị Lan", "id_numbers": 20085009999,
              "phone": 912345678, "kind": "khieu nai", "summary": "=1+1", "outcome": "TIẾP NHẬN ĐƠN",
              "visited_time": "8h30"}
    ws.append([values.get(c.key) for c in SPECS["visits"].columns])
    ws.cell(row=2, column=12).data_type = "s"  # typed as text in Excel, not a formula
    out = io.BytesIO()
    wb.save(out)
    result = do_import(out.getvalue(), "visits", leader)
    assert result.ok, result.errors
    visit = db.session.scalars(select(Visit)).one()
    person = visit.visitors[0].person
    assert person.id_number == "020085009999" and person.phone == "0912345678"  # Excel dropped the zeros
    assert visit.summary == "=1+1"  # a formula typed as text stays text; never evaluated
    assert visit.visited_at.replace(tzinfo=None) == datetime(2021, 3, 15, 1, 30)


def test_cli_imports_and_fails_with_an_exit_code(app, leader, tmp_path):
    good = tmp_path / "nhiem-vu.xlsx"
    good.write_bytes(xlsx_bytes("directives", directive_rows()))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["import", str(good), "--kind", "directives", "--agency", "TTLS", "--dry-run"])
    assert dry.exit_code == 0 and "4 dòng sẽ được nhập" in dry.output and count(Directive) == 0
    ok = runner.invoke(args=["import", str(good), "--kind", "directives", "--agency", "ttls", "--user", leader.email])
    assert ok.exit_code == 0, ok.output
    assert "Đã nhập 4 dòng" in ok.output and count(Directive) == 4
    assert db.session.scalars(select(ImportBatch)).one().created_by_id == leader.id
    again = runner.invoke(args=["import", str(good), "--kind", "directives", "--agency", "TTLS"])
    assert again.exit_code == 0 and "0 dòng" in again.output and count(Directive) == 4
    bad = tmp_path / "loi.csv"
    bad.write_bytes(csv_bytes("directives", directive_rows() + [{"issued_on": date(2021, 5, 1), "source": "?",
                                                                 "content": "E", "due_on": "cuối tháng"}]))
    failed = runner.invoke(args=["import", str(bad), "--kind", "directives", "--agency", "TTLS"])
    assert failed.exit_code == 1
    assert "Dòng 6, cột Nguồn giao (C)" in failed.output and "Dòng 6, cột Hạn hoàn thành (J)" in failed.output
    assert count(Directive) == 4
    visits = tmp_path / "tiep.xlsx"
    visits.write_bytes(xlsx_bytes("visits", visit_rows()[1:2]))
    no_officer = runner.invoke(args=["import", str(visits), "--kind", "visits", "--agency", "TTLS"])
    assert no_officer.exit_code == 1 and "--user" in no_officer.output
    unknown = runner.invoke(args=["import", str(good), "--kind", "directives", "--agency", "NOPE"])
    assert unknown.exit_code == 1 and "NOPE" in unknown.output


def test_seed_report_figures_load_through_the_import(app, leader):
    """Seventy-four visits and a hundred and five petitions over nine months, as the 2021 report counts them."""
    visits = [{"visited_on": date(2021, 1, 4) + timedelta(days=3 * i), "full_names": f"Công dân {i}",
               "kind": "Khiếu nại", "summary": f"Nội dung {i}", "outcome": "Hướng dẫn", "target": "UBND huyện"}
              for i in range(74)]
    petitions = [{"received_on": date(2021, 1, 4) + timedelta(days=2 * i), "channel": "Bưu chính",
                  "kind": "Kiến nghị", "full_names": f"Người gửi {i}", "content": f"Kiến nghị {i}",
                  "status": "Hướng dẫn", "decided_on": date(2021, 1, 6) + timedelta(days=2 * i), "target": "Sở X"}
                 for i in range(105)]
    assert do_import(xlsx_bytes("visits", visits), "visits", leader).to_create == 74
    assert do_import(csv_bytes("petitions", petitions), "petitions", leader).to_create == 105
    from app.formatting import LOCAL_TZ

    start, end = datetime(2021, 1, 1, tzinfo=LOCAL_TZ), datetime(2021, 10, 1, tzinfo=LOCAL_TZ)
    assert db.session.scalar(select(func.count(Visit.id)).where(Visit.visited_at >= start,
                                                               Visit.visited_at < end)) == 74
    assert db.session.scalar(select(func.count(Petition.id)).where(Petition.received_at < end)) == 105
