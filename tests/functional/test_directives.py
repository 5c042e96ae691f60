"""Directives through the staff pages: assigning, the list with its tabs, filters, pages and
Excel export, the directive page (progress, completion, reopening, deletion) — with bad input
refused in plain Vietnamese and nothing typed lost, and every other agency kept out."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from app.agencies.models import Agency
from app.extensions import db
from app.formatting import local_today
from app.oversight.models import Directive, DirectiveNote
from app.reception.models import ReceptionSession
from tests.conftest import csrf_of, make_user, search

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text(resp) -> str:
    return resp.get_data(as_text=True)


def agency(code: str) -> Agency:
    return db.session.scalars(select(Agency).where(Agency.code == code)).one()


def vn(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def post(client, url: str, data: dict, page: str | None = None):
    """POST a form with the CSRF token read from its page."""
    return client.post(url, data={"csrf_token": csrf_of(client, page or url), **data})


def add(assignee: str = "TTLS", issuer: str | None = "LS", *, due: int = 10, done: int | None = None,
        issued: int = -30, **kwargs) -> Directive:
    """A directive; the days are offsets from today."""
    today = local_today()
    values = {"source": "chairman", "content": "Rà soát hồ sơ", **kwargs}
    directive = Directive(issuer_agency_id=agency(issuer).id if issuer else None,
                          assignee_agency_id=agency(assignee).id,
                          issued_on=today + timedelta(days=issued), due_on=today + timedelta(days=due),
                          done_on=None if done is None else today + timedelta(days=done), **values)
    if done is not None:
        directive.result_note = "Đã báo cáo"
    db.session.add(directive)
    db.session.commit()
    return directive


def form_data(**overrides) -> dict:
    today = local_today()
    data = {"source": "vice_chairman", "source_name": "Phó Chủ tịch phụ trách nội chính",
            "document_number": "130/TB-UBND", "issued_on": vn(today - timedelta(days=2)),
            "content": "Tham mưu văn bản chỉ đạo nâng cao chất lượng tiếp công dân", "is_key_task": "y",
            "assignee_agency": str(agency("TTLS").id), "assignee_user": "", "due_on": vn(today + timedelta(days=20))}
    data.update(overrides)
    return data


def tab_count(page: str, tab: str) -> int:
    match = re.search(rf'id="tab-{tab}"[^>]*>[^<]*<span class="badge[^"]*">(\d+)</span>', page)
    assert match, tab
    return int(match.group(1))


# --- assigning --------------------------------------------------------------------------------------

def test_a_leader_assigns_a_directive(login_as):
    client, leader = login_as("leader", "LS")
    worker = make_user("handler", "TTLS", full_name="Nguyễn Thị Chuyên")
    page = text(client.get("/staff/directives/new"))
    assert f'value="{agency("TTLS").id}"' in page and f'value="{agency("XCL").id}"' in page
    assert 'value="reception_session"' not in page  # a notice's items are made on the session page
    assert vn(local_today()) in page  # the date given defaults to today
    resp = post(client, "/staff/directives/new", form_data(assignee_user=str(worker.id)))
    assert resp.status_code == 302
    directive = db.session.scalars(select(Directive)).one()
    assert resp.headers["Location"].endswith(f"/staff/directives/{directive.id}")
    assert (directive.source, directive.issuer_agency_id, directive.assignee_user_id, directive.is_key_task) == (
        "vice_chairman", leader.agency_id, worker.id, True)
    page = text(client.get(f"/staff/directives/{directive.id}"))
    assert "Đang thực hiện trong hạn" in page and "còn 20 ngày" in page and "Trọng tâm" in page
    assert "Phó Chủ tịch UBND: Phó Chủ tịch phụ trách nội chính" in page and "Nguyễn Thị Chuyên" in page
    assert "Sửa nhiệm vụ" in page and "Xóa nhiệm vụ" in page

    # Change it: the due date moves; the page says so.
    edit = f"/staff/directives/{directive.id}/edit"
    assert "130/TB-UBND" in text(client.get(edit))
    resp = post(client, edit, form_data(due_on=vn(local_today() - timedelta(days=1)), is_key_task=""))
    assert resp.status_code == 302
    page = text(client.get(f"/staff/directives/{directive.id}"))
    assert "Quá hạn chưa hoàn thành" in page and "quá hạn 1 ngày" in page and "Trọng tâm" not in page


def test_bad_input_is_refused_at_the_field_and_nothing_typed_is_lost(login_as):
    client, _leader = login_as("leader", "LS")
    today = local_today()
    content = "Kiểm tra việc cấp giấy chứng nhận <b>đất</b> tại phường Lương Văn Tri"
    cases = [
        ({"issued_on": "32/13/2026"}, "Ngày phải có dạng ngày/tháng/năm"),
        ({"issued_on": vn(today + timedelta(days=1))}, "Ngày giao không thể ở tương lai."),
        ({"due_on": vn(today - timedelta(days=3))}, "Hạn hoàn thành không thể trước ngày giao"),
        ({"due_on": ""}, "Hãy nhập hạn hoàn thành."),
        ({"source": ""}, "Hãy chọn nguồn giao nhiệm vụ."),
        ({"source": "meeting", "source_name": ""}, "Hãy ghi người, cuộc họp hoặc cơ quan đã giao nhiệm vụ."),
        ({"assignee_agency": str(agency("PLVT").id + 1000)}, "Cơ quan thực hiện phải là cơ quan này"),
        ({"assignee_user": str(make_user("handler", "XCL").id)},
         "Người thực hiện phải là cán bộ của cơ quan thực hiện."),
    ]
    for overrides, message in cases:
        resp = post(client, "/staff/directives/new", form_data(content=content, **overrides),
                    page="/staff/directives/new")
        page = text(resp)
        assert resp.status_code == 422 and message in page, message
        assert "Kiểm tra việc cấp giấy chứng nhận &lt;b&gt;đất&lt;/b&gt;" in page  # kept, escaped
        assert "130/TB-UBND" in page
        for key, value in overrides.items():
            if key in ("issued_on", "due_on") and value:
                assert f'value="{value}"' in page  # the date as typed
    assert db.session.scalar(select(func.count(Directive.id))) == 0


# --- the list ---------------------------------------------------------------------------------------

@pytest.fixture
def many(app):
    """27 overdue, 2 in progress (key tasks of the vice chairman), 1 on time, 1 late, for TTLS."""
    for i in range(27):
        add(due=-1 - i, content=f"Nhiệm vụ quá hạn số {i:02d}")
    add(due=5, source="vice_chairman", source_name="Phó Chủ tịch", is_key_task=True,
        content="Xây dựng kế hoạch thanh tra năm sau")
    add(due=0, source="vice_chairman", source_name="Phó Chủ tịch", is_key_task=True,
        content="Tổng hợp báo cáo quý")
    add(due=-10, done=-10, content="Đối thoại với hộ dân thôn Bản Làn")
    add(due=-20, done=-2, content="Báo cáo vụ việc đông người")
    add("XCL", "XCL", content="Việc riêng của xã")


def test_tabs_count_every_status_and_pages_hold_25(login_as, many):
    client, _user = login_as("handler", "TTLS")
    page = text(client.get("/staff/directives/"))
    assert [tab_count(page, t) for t in ("all", "overdue", "in_progress", "done_on_time", "done_late")] == [
        31, 27, 2, 1, 1]
    assert "Việc riêng của xã" not in page
    assert "31 nhiệm vụ" in page and "Trang 1 / 2" in page
    # By due date, the earliest first: the most overdue lead, the last overdue ones are on page 2.
    assert page.index("Nhiệm vụ quá hạn số 26") < page.index("Nhiệm vụ quá hạn số 20")
    assert "Nhiệm vụ quá hạn số 00" not in page
    overdue = text(client.get("/staff/directives/?tab=overdue"))
    assert "27 nhiệm vụ" in overdue and "Xây dựng kế hoạch" not in overdue and 'aria-current="page"' in overdue
    second = text(client.get("/staff/directives/?tab=overdue&page=2"))
    assert "Trang 2 / 2" in second and second.count('<tr id="directive-') == 2
    done_late = text(client.get("/staff/directives/?tab=done_late"))
    assert "Báo cáo vụ việc đông người" in done_late and "trễ 18 ngày" in done_late
    in_progress = text(client.get("/staff/directives/?tab=in_progress"))
    assert "hạn cuối hôm nay" in in_progress and "còn 5 ngày" in in_progress


def test_filters_narrow_the_list_and_the_tab_counts(login_as, many):
    client, _user = login_as("leader", "TTLS")
    page = text(client.get("/staff/directives/?source=vice_chairman"))
    assert [tab_count(page, t) for t in ("all", "overdue", "in_progress")] == [2, 0, 2]
    # The tab links keep the filters.
    assert 'href="/staff/directives/?tab=overdue&amp;source=vice_chairman"' in page
    page = text(client.get("/staff/directives/?key_only=y"))
    assert tab_count(page, "all") == 2
    page = text(search(client, "/staff/directives/", {"q": "doi thoai ban lan"}))  # no diacritics
    assert tab_count(page, "all") == 1 and "Đối thoại với hộ dân thôn Bản Làn" in page
    today = local_today()
    page = text(client.get(f"/staff/directives/?due_from={vn(today - timedelta(days=3))}&due_to={vn(today)}"))
    assert tab_count(page, "all") == 4  # due -3, -2, -1 and today
    page = text(client.get(f"/staff/directives/?sort=due_desc"))
    assert page.index("Xây dựng kế hoạch thanh tra") < page.index("Nhiệm vụ quá hạn số 00")
    # A date typed wrongly is said so at the field, kept as typed, and ignored.
    resp = search(client, "/staff/directives/", {"issued_from": "31/02/2026", "q": "quá hạn"})
    page = text(resp)
    assert resp.status_code == 200 and "Ngày phải có dạng ngày/tháng/năm" in page
    assert 'value="31/02/2026"' in page and tab_count(page, "all") == 27
    page = text(client.get(f"/staff/directives/?due_from={vn(today)}&due_to={vn(today - timedelta(days=1))}"))
    assert "Ngày kết thúc phải sau ngày bắt đầu." in page


def test_export_is_the_filtered_list_with_real_dates(login_as, many):
    add(due=-3, content="=HYPERLINK(\"http://example.com\",\"bấm\")")
    client, _user = login_as("leader", "TTLS")
    resp = search(client, "/staff/directives/", {"tab": "overdue", "q": "hyperlink"}, follow_redirects=False)
    handle = resp.headers["Location"].rsplit("s=", 1)[1]
    page = text(client.get(resp.headers["Location"]))
    # The export link carries the tab and the search's handle, never the term.
    assert f'href="/staff/directives/export.xlsx?tab=overdue&amp;s={handle}"' in page and "q=hyperlink" not in page
    resp = client.get("/staff/directives/export.xlsx?tab=overdue")
    assert resp.status_code == 200 and resp.mimetype == XLSX
    assert "nhiem-vu-" in resp.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, row in enumerate(values, start=1) if row[0] == "STT")
    assert ws.freeze_panes == f"A{header + 1}"
    rows = values[header:]
    assert len(rows) == 28 and all(r[0] for r in rows)
    columns = values[header - 1]
    due = columns.index("Hạn hoàn thành") + 1
    cell = ws.cell(row=header + 1, column=due)
    assert isinstance(cell.value, datetime) and cell.number_format == "dd/mm/yyyy"
    assert cell.value.date() == local_today() - timedelta(days=27)  # nearest due first: the oldest
    assert {r[columns.index("Tình trạng")] for r in rows} == {"Quá hạn chưa hoàn thành"}
    formula = ws.cell(row=header + 1 + [r[4] for r in rows].index("=HYPERLINK(\"http://example.com\",\"bấm\")"),
                      column=5)
    assert formula.data_type == "s"  # typed text, never a formula
    # Everything, when no tab is chosen.
    ws = openpyxl.load_workbook(io.BytesIO(client.get("/staff/directives/export.xlsx").data)).active
    assert sum(1 for row in ws.iter_rows(min_row=header + 1) if row[0].value) == 32


# --- the directive page -----------------------------------------------------------------------------

def test_the_assignee_notes_progress_and_completes_and_the_issuer_reopens(login_as):
    directive = add(due=-4, content="Xác minh nội dung tố cáo")
    url = f"/staff/directives/{directive.id}"
    worker, _user = login_as("handler", "TTLS")
    page = text(worker.get(url))
    assert "Quá hạn chưa hoàn thành" in page and "quá hạn 4 ngày" in page
    assert f'action="{url}/notes"' in page and f'action="{url}/complete"' in page and "Sửa nhiệm vụ" not in page
    resp = post(worker, f"{url}/notes", {"note": "  "}, page=url)
    assert resp.status_code == 422 and "Hãy ghi nội dung tiến độ." in text(resp)
    resp = post(worker, f"{url}/notes", {"note": "Đã thu thập hồ sơ\nĐang làm việc với phường"}, page=url)
    assert resp.status_code == 302
    assert "Đã thu thập hồ sơ" in text(worker.get(url))

    today = local_today()
    for data, message in (
        ({"done_on": vn(today + timedelta(days=1)), "result_note": "Báo cáo số 45/BC-TTr"}, "không thể ở tương lai"),
        ({"done_on": vn(today - timedelta(days=31)), "result_note": "Báo cáo số 45/BC-TTr"},
         "không thể trước ngày giao"),
        ({"done_on": "hôm qua", "result_note": "Báo cáo số 45/BC-TTr"}, "Ngày phải có dạng ngày/tháng/năm"),
    ):
        resp = post(worker, f"{url}/complete", data, page=url)
        page = text(resp)
        assert resp.status_code == 422 and message in page, message
        assert "Báo cáo số 45/BC-TTr" in page and f'value="{data["done_on"]}"' in page
    resp = post(worker, f"{url}/complete", {"done_on": vn(today), "result_note": ""}, page=url)
    assert resp.status_code == 422 and "Hãy ghi kết quả thực hiện." in text(resp)
    resp = post(worker, f"{url}/complete", {"done_on": vn(today), "result_note": "Báo cáo số 45/BC-TTr"}, page=url)
    assert resp.status_code == 302
    page = text(worker.get(url))
    assert "Hoàn thành quá hạn" in page and "trễ 4 ngày" in page and f'action="{url}/notes"' not in page
    assert worker.get(f"{url}/reopen").status_code == 403  # not the issuer's manager

    leader, _user = login_as("leader", "LS")
    assert "Mở lại nhiệm vụ" in text(leader.get(url))
    resp = post(leader, f"{url}/reopen", {"reason": ""})
    assert resp.status_code == 422 and "Hãy ghi lý do mở lại." in text(resp)
    resp = post(leader, f"{url}/reopen", {"reason": "Báo cáo chưa đủ số liệu"})
    assert resp.status_code == 302
    page = text(leader.get(url))
    assert "Quá hạn chưa hoàn thành" in page and "Báo cáo chưa đủ số liệu" in page
    db.session.expire_all()
    assert db.session.get(Directive, directive.id).done_on is None


def test_delete_needs_a_confirmation(login_as):
    directive_id = add().id
    db.session.add(DirectiveNote(directive_id=directive_id, noted_on=local_today(), content="Tiến độ"))
    db.session.commit()
    client, _user = login_as("leader", "LS")
    url = f"/staff/directives/{directive_id}/delete"
    page = text(client.get(url))
    assert "Xóa nhiệm vụ" in page and "Không thể hoàn tác" in page
    assert db.session.get(Directive, directive_id) is not None  # the page alone deletes nothing
    assert client.post(url, data={}).status_code == 400  # no CSRF token, no deletion
    resp = post(client, url, {})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/directives/")
    db.session.expire_all()
    assert db.session.get(Directive, directive_id) is None
    assert db.session.scalar(select(func.count(DirectiveNote.id))) == 0


def test_a_reception_notice_item_links_to_its_session_and_is_not_deleted_here(login_as):
    today = local_today()
    session = ReceptionSession(agency_id=agency("LS").id, leader_name="Hồ Tiến Chủ", held_on=today - timedelta(days=9),
                               place="Trụ sở", status="held", conclusion_number="15/TB-UBND",
                               conclusion_date=today - timedelta(days=7), conclusion_summary="Kết luận")
    db.session.add(session)
    db.session.commit()
    item = add("XCL", session_id=session.id, source="reception_session", document_number="15/TB-UBND",
               source_name="Hồ Tiến Chủ", issued=-7)
    client, _user = login_as("leader", "LS")
    page = text(client.get(f"/staff/directives/{item.id}"))
    assert f'href="/staff/reception/sessions/{session.id}#task-{item.id}"' in page
    assert "Thông báo kết luận tiếp công dân số 15/TB-UBND" in page
    assert "Xóa nhiệm vụ" not in page and "Sửa nhiệm vụ" not in page
    resp = client.get(f"/staff/directives/{item.id}/edit")
    assert resp.status_code == 302 and f"/staff/reception/sessions/{session.id}" in resp.headers["Location"]
    assert client.get(f"/staff/directives/{item.id}/delete").status_code == 302
    resp = post(client, f"/staff/directives/{item.id}/delete", {}, page=f"/staff/directives/{item.id}")
    assert resp.status_code == 422 and "trang buổi tiếp" in text(resp)
    assert db.session.get(Directive, item.id) is not None
    # The commune it is assigned to reports on it, without a link to the province's session page.
    commune, _user = login_as("handler", "XCL")
    page = text(commune.get(f"/staff/directives/{item.id}"))
    assert f'action="/staff/directives/{item.id}/complete"' in page
    assert commune.get(f"/staff/reception/sessions/{session.id}").status_code == 404
    assert f"/staff/reception/sessions/{session.id}" not in page and "Buổi tiếp ngày" in page


# --- who may see and do what --------------------------------------------------------------------------

def test_another_agency_gets_404_everywhere(login_as):
    directive = add(done=-1)
    client, _user = login_as("leader", "XCL")
    base = f"/staff/directives/{directive.id}"
    token = csrf_of(client, "/staff/directives/")
    for url in (base, f"{base}/edit", f"{base}/delete", f"{base}/reopen"):
        assert client.get(url).status_code == 404, url
    for url in (f"{base}/notes", f"{base}/complete", f"{base}/edit", f"{base}/delete", f"{base}/reopen"):
        assert client.post(url, data={"csrf_token": token, "note": "x"}).status_code == 404, url
    assert "Rà soát hồ sơ" not in text(client.get("/staff/directives/"))


def test_the_supervisor_reads_the_subtree_and_changes_nothing(login_as):
    directive = add()
    client, _user = login_as("supervisor", "LS")
    url = f"/staff/directives/{directive.id}"
    page = text(client.get(url))
    assert "Rà soát hồ sơ" in page and f'action="{url}/notes"' not in page and "Sửa nhiệm vụ" not in page
    assert client.get("/staff/directives/new").status_code == 403
    resp = post(client, f"{url}/notes", {"note": "Đôn đốc"}, page=url)
    assert resp.status_code == 403


def test_roles_without_the_permission_get_403(login_as):
    directive = add()
    desk, _user = login_as("receptionist", "TTLS")
    for url in ("/staff/directives/", "/staff/directives/new", "/staff/directives/export.xlsx",
                f"/staff/directives/{directive.id}"):
        assert desk.get(url).status_code == 403, url
    assert "/staff/directives/" not in text(desk.get("/staff/"))  # no menu link, no dashboard section
    handler, _user = login_as("handler", "LS")
    assert handler.get("/staff/directives/new").status_code == 403
    # The assignee's leader follows it but does not change the province's directive.
    ttls, _user = login_as("leader", "TTLS")
    assert ttls.get(f"/staff/directives/{directive.id}/edit").status_code == 403
    assert ttls.get(f"/staff/directives/{directive.id}/delete").status_code == 403


def test_demo_seed_adds_directives_of_each_status_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert "Demo directives: 5 added" in result.output
    today = local_today()
    ttls = agency("TTLS")
    rows = db.session.scalars(select(Directive).where(Directive.assignee_agency_id == ttls.id,
                                                      Directive.session_id.is_(None))).all()
    assert {d.status_on(today).value for d in rows} == {"done_on_time", "done_late", "overdue", "in_progress"}
    assert {d.source for d in rows} >= {"chairman", "vice_chairman"} and any(d.is_key_task for d in rows)
    assert all(d.issuer_agency.code == "LS" for d in rows)
    result = runner.invoke(args=["seed", "demo"])
    assert "Demo directives: 0 added" in result.output
