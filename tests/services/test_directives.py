"""Directives: the computed status (in Python and in SQL, on the edge days), who sees which
directive, who may do what, and every refusal with its field and its plain-Vietnamese message."""
from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest
from sqlalchemy import select

from app.agencies.models import Agency
from app.audit.models import Event
from app.extensions import db
from app.oversight import directives as svc
from app.oversight.models import Directive, DirectiveStatus, directive_status, status_expr
from tests.conftest import make_user

D = date(2026, 3, 16)  # a due date


def agency(code: str) -> Agency:
    return db.session.scalars(select(Agency).where(Agency.code == code)).one()


def data(assignee: str = "TTLS", **overrides) -> svc.DirectiveData:
    values = {"source": "chairman", "source_name": "Hồ Tiến Chủ", "document_number": "112/TB-UBND",
              "issued_on": date(2026, 3, 2), "content": "Rà soát các vụ khiếu nại đông người",
              "assignee_agency_id": agency(assignee).id, "due_on": D}
    values.update(overrides)
    return svc.DirectiveData(**values)


def refused(call, field: str | None, message: str):
    with pytest.raises(svc.DirectiveError) as info:
        call()
    assert info.value.field == field, (info.value.field, str(info.value))
    assert message in str(info.value), str(info.value)


def add(issuer: str | None, assignee: str, **kwargs) -> Directive:
    values = {"source": "chairman", "issued_on": date(2026, 3, 1), "content": "Nhiệm vụ", "due_on": D, **kwargs}
    directive = Directive(issuer_agency_id=agency(issuer).id if issuer else None,
                          assignee_agency_id=agency(assignee).id, **values)
    db.session.add(directive)
    db.session.flush()
    return directive


# --- the computed status -------------------------------------------------------------------------

def test_status_on_the_edge_days():
    day_after = D + timedelta(days=1)
    # Done on the due day itself is on time; a day later is late.
    assert directive_status(D, D, D) == DirectiveStatus.DONE_ON_TIME
    assert directive_status(D, D - timedelta(days=3), day_after) == DirectiveStatus.DONE_ON_TIME
    assert directive_status(D, day_after, day_after) == DirectiveStatus.DONE_LATE
    # Not done: in progress up to and including the due day, overdue from the day after.
    assert directive_status(D, None, D) == DirectiveStatus.IN_PROGRESS
    assert directive_status(D, None, day_after) == DirectiveStatus.OVERDUE
    # Asked about a day before the completion: it was not done yet on that day.
    assert directive_status(D, D + timedelta(days=5), day_after) == DirectiveStatus.OVERDUE
    assert directive_status(D, D, D - timedelta(days=1)) == DirectiveStatus.IN_PROGRESS


def test_sql_status_agrees_with_python_for_every_combination(app):
    """status_expr (the CASE used by every list, count and report) = directive_status, day by day."""
    offsets = (-2, -1, 0, 1, 2)
    rows = []
    for done in (None, *offsets):
        rows.append(add("LS", "TTLS", done_on=None if done is None else D + timedelta(days=done)))
    db.session.commit()
    checked = set()
    for day_offset in (-3, *offsets, 3):
        day = D + timedelta(days=day_offset)
        in_sql = dict(db.session.execute(select(Directive.id, status_expr(day)).where(
            Directive.id.in_([r.id for r in rows]))).all())
        for row in rows:
            expected = directive_status(row.due_on, row.done_on, day)
            assert in_sql[row.id] == expected.value, (row.done_on, day, in_sql[row.id], expected)
            checked.add(expected)
    assert checked == set(DirectiveStatus)  # every status was met, on this backend
    # The same CASE filters in a WHERE.
    day = D + timedelta(days=1)
    overdue = db.session.scalars(select(Directive.id).where(status_expr(day) == "overdue",
                                                            Directive.id.in_([r.id for r in rows]))).all()
    assert set(overdue) == {r.id for r in rows if r.done_on is None or r.done_on > day}


# --- scope ------------------------------------------------------------------------------------------

def test_each_user_sees_what_is_assigned_to_or_issued_by_their_scope(app):
    ls_to_xcl = add("LS", "XCL", content="Tỉnh giao xã")
    ls_to_ttls = add("LS", "TTLS", content="Tỉnh giao thanh tra")
    xcl_own = add("XCL", "XCL", content="Xã tự giao")
    ttls_own = add("TTLS", "TTLS", content="Thanh tra tự giao")
    outside = add(None, "PLVT", source="higher_body", content="Cơ quan ngoài giao phường")
    db.session.commit()
    today = D

    def seen(user):
        return {d.id for d in svc.directive_page(user, svc.DirectiveFilters(), today).items}

    assert seen(make_user("leader", "XCL")) == {ls_to_xcl.id, xcl_own.id}
    assert seen(make_user("handler", "TTLS")) == {ls_to_ttls.id, ttls_own.id}
    assert seen(make_user("leader", "LS")) == {ls_to_xcl.id, ls_to_ttls.id}  # its own agency only
    assert seen(make_user("supervisor", "LS")) == {ls_to_xcl.id, ls_to_ttls.id, xcl_own.id, ttls_own.id, outside.id}
    commune = make_user("leader", "XCL")
    assert svc.get_for_user(commune, ls_to_xcl.id) is not None
    assert svc.get_for_user(commune, ttls_own.id) is None and svc.get_for_user(commune, outside.id) is None


def test_tab_counts_and_dashboard_summary_follow_the_day(app):
    add("LS", "XCL", done_on=D)  # on time
    add("LS", "XCL", done_on=D + timedelta(days=2))  # late
    add("LS", "XCL", due_on=D + timedelta(days=2))  # in progress on D+2 (its due day)
    add("LS", "XCL")  # overdue on D+2
    add("LS", "XCL", due_on=D - timedelta(days=4))  # overdue
    add("LS", "TTLS")  # another agency's
    db.session.commit()
    user = make_user("leader", "XCL")
    today = D + timedelta(days=2)
    assert svc.tab_counts(user, svc.DirectiveFilters(), today) == {
        "all": 5, "overdue": 2, "in_progress": 1, "done_on_time": 1, "done_late": 1}
    # The tab narrows the page; the counts stay those of every tab.
    page = svc.directive_page(user, svc.DirectiveFilters(tab="overdue"), today)
    assert page.total == 2 and all(d.status_on(today) == DirectiveStatus.OVERDUE for d in page.items)
    summary = svc.open_directives(user, today)
    assert (summary.total, summary.overdue) == (3, 2)
    assert [d.due_on for d in summary.items] == sorted(d.due_on for d in summary.items)
    # On the day before, the late one was still open and in progress.
    earlier = svc.tab_counts(user, svc.DirectiveFilters(), D)
    assert (earlier["done_late"], earlier["in_progress"], earlier["overdue"]) == (0, 3, 1)


def test_search_ignores_diacritics_and_follows_changes(app):
    leader = make_user("leader", "LS")
    first = svc.create_directive(data(content="Rà soát hồ sơ bồi thường đường tỉnh 235"), actor=leader, today=D)
    svc.create_directive(data(content="Kiểm tra việc cấp giấy chứng nhận"), actor=leader, today=D)
    db.session.commit()

    def found(q):
        return [d.id for d in svc.directive_page(leader, svc.DirectiveFilters(q=q), D).items]

    assert found("ra soat duong tinh") == [first.id] == found("RÀ SOÁT")
    assert found("112/tb-ubnd") and found("ho tien chu")  # the number and who gave it
    assert found("50%") == [] and found("_") == []  # LIKE wildcards are plain characters
    svc.update_directive(first, data(content="Đối thoại với các hộ dân thôn Bản Làn"), actor=leader, today=D)
    db.session.commit()
    assert found("ra soat") == [] and found("doi thoai ban lan") == [first.id]


# --- write side: rules and refusals --------------------------------------------------------------

def test_create_checks_every_field(app):
    leader = make_user("leader", "LS")
    today = D
    refused(lambda: svc.create_directive(data(source="reception_session"), actor=leader, today=today),
            "source", "Hãy chọn nguồn giao nhiệm vụ.")
    refused(lambda: svc.create_directive(data(source="vice_chairman", source_name="  "), actor=leader, today=today),
            "source_name", "Hãy ghi người, cuộc họp hoặc cơ quan đã giao nhiệm vụ.")
    refused(lambda: svc.create_directive(data(issued_on=None), actor=leader, today=today),
            "issued_on", "Hãy nhập ngày giao nhiệm vụ.")
    refused(lambda: svc.create_directive(data(issued_on=today + timedelta(days=1)), actor=leader, today=today),
            "issued_on", "Ngày giao không thể ở tương lai.")
    refused(lambda: svc.create_directive(data(content=" "), actor=leader, today=today),
            "content", "Hãy ghi nội dung nhiệm vụ.")
    refused(lambda: svc.create_directive(data(due_on=date(2026, 3, 1)), actor=leader, today=today),
            "due_on", "Hạn hoàn thành không thể trước ngày giao (02/03/2026).")
    stranger = make_user("handler", "PLVT")
    refused(lambda: svc.create_directive(data(assignee_user_id=stranger.id), actor=leader, today=today),
            "assignee_user", "Người thực hiện phải là cán bộ của cơ quan thực hiện.")
    # A commune cannot task the province's inspectorate.
    commune = make_user("leader", "XCL")
    refused(lambda: svc.create_directive(data("TTLS"), actor=commune, today=today),
            "assignee_agency", "Cơ quan thực hiện phải là cơ quan này hoặc một cơ quan trực thuộc")
    handler = make_user("handler", "LS")
    refused(lambda: svc.create_directive(data(), actor=handler, today=today), None, "không có quyền giao nhiệm vụ")
    assert db.session.scalars(select(Directive)).first() is None

    # Due on the day it is given, by the chairman without a name: accepted.
    worker = make_user("handler", "TTLS")
    directive = svc.create_directive(data(source_name="", due_on=date(2026, 3, 2), is_key_task=True,
                                          assignee_user_id=worker.id), actor=leader, today=today)
    db.session.commit()
    assert (directive.issuer_agency_id, directive.source_name, directive.is_key_task, directive.assignee_user_id) == (
        leader.agency_id, None, True, worker.id)
    assert db.session.scalars(select(Event.action).where(Event.subject_type == "directive",
                                                         Event.subject_id == directive.id)).all() == ["created"]


def test_who_may_note_complete_and_reopen(app):
    leader = make_user("leader", "LS")
    directive = svc.create_directive(data(), actor=leader, today=D)
    db.session.commit()
    today = D + timedelta(days=3)
    # Staff of another agency, or the assignee's receptionist, may not report progress.
    for outsider in (make_user("handler", "XCL"), make_user("receptionist", "TTLS"), make_user("handler", "LS")):
        refused(lambda: svc.add_note(directive, "Tiến độ", actor=outsider, today=today), None, "không có quyền")
    worker = make_user("handler", "TTLS")
    refused(lambda: svc.add_note(directive, " ", actor=worker, today=today), "note", "Hãy ghi nội dung tiến độ.")
    note = svc.add_note(directive, "Đã làm việc với UBND xã", actor=worker, today=today)
    assert (note.noted_on, note.author_id) == (today, worker.id)
    svc.add_note(directive, "Lãnh đạo tỉnh đôn đốc", actor=leader, today=today)  # the issuer's manager too

    # Completion: not in the future, not before the directive, with a result.
    refused(lambda: svc.complete_directive(directive, today + timedelta(days=1), "Xong", actor=worker, today=today),
            "done_on", "Ngày hoàn thành không thể ở tương lai.")
    refused(lambda: svc.complete_directive(directive, date(2026, 3, 1), "Xong", actor=worker, today=today),
            "done_on", "Ngày hoàn thành không thể trước ngày giao (02/03/2026).")
    refused(lambda: svc.complete_directive(directive, D, "", actor=worker, today=today),
            "result_note", "Hãy ghi kết quả thực hiện.")
    svc.complete_directive(directive, D, "Báo cáo số 45/BC-TTr", actor=worker, today=today)
    assert directive.status_on(today) == DirectiveStatus.DONE_ON_TIME  # done on the due day
    refused(lambda: svc.add_note(directive, "Thêm", actor=worker, today=today), None, "đã hoàn thành")

    # Only the issuer's manager reopens, with a reason; the directive is open (and overdue) again.
    refused(lambda: svc.reopen_directive(directive, "Chưa đạt", actor=worker, today=today), None, "không có quyền")
    refused(lambda: svc.reopen_directive(directive, " ", actor=leader, today=today), "reason", "Hãy ghi lý do mở lại.")
    svc.reopen_directive(directive, "Báo cáo chưa đủ số liệu", actor=leader, today=today)
    db.session.commit()
    assert (directive.done_on, directive.result_note) == (None, None)
    assert directive.status_on(today) == DirectiveStatus.OVERDUE
    events = db.session.execute(select(Event.action, Event.from_status, Event.to_status, Event.note).where(
        Event.subject_type == "directive", Event.subject_id == directive.id).order_by(Event.id)).all()
    assert [e.action for e in events] == ["created", "note_added", "note_added", "completed", "reopened"]
    assert events[-1].from_status == "done_on_time" and events[-1].to_status == "overdue"
    assert "Báo cáo chưa đủ số liệu" in events[-1].note


def test_update_and_delete_belong_to_the_issuer(app):
    leader = make_user("leader", "LS")
    directive = svc.create_directive(data(), actor=leader, today=D)
    db.session.commit()
    ttls_leader = make_user("leader", "TTLS")  # the assignee's leader does not change the province's directive
    assert svc.can_work(ttls_leader, directive) and not svc.can_edit(ttls_leader, directive)
    refused(lambda: svc.update_directive(directive, data(content="Khác"), actor=ttls_leader, today=D), None,
            "không có quyền")
    refused(lambda: svc.delete_directive(directive, actor=ttls_leader), None, "không có quyền")
    svc.update_directive(directive, data(due_on=D + timedelta(days=10)), actor=leader, today=D)
    svc.complete_directive(directive, D, "Xong", actor=leader, today=D)
    refused(lambda: svc.update_directive(directive, data(), actor=leader, today=D), None, "Hãy mở lại nhiệm vụ")
    svc.delete_directive(directive, actor=leader)
    db.session.commit()
    assert db.session.get(Directive, directive.id) is None
    assert db.session.scalars(select(Event.action).where(Event.subject_type == "directive").order_by(
        Event.id)).all() == ["created", "updated", "completed", "deleted"]


def test_a_reception_notice_item_is_followed_here_but_changed_on_its_session_page(app):
    from app.reception.models import ReceptionSession
    from app.reception.sessions import TaskData, add_task

    leader = make_user("leader", "LS")
    session = ReceptionSession(agency_id=leader.agency_id, leader_name="Hồ Tiến Chủ", held_on=date(2026, 3, 2),
                               place="Trụ sở", status="held", conclusion_number="15/TB-UBND",
                               conclusion_date=date(2026, 3, 4), conclusion_summary="Kết luận")
    db.session.add(session)
    db.session.flush()
    item = add_task(session, TaskData("Trả lời ông Hoàng Văn Sơn", agency("XCL").id, D), actor=leader)
    db.session.commit()
    assert (item.source, item.issued_on, item.document_number) == ("reception_session", date(2026, 3, 4), "15/TB-UBND")
    assert "tra loi ong hoang van son" in item.search_folded  # kept by the model, whoever writes
    assert not svc.can_edit(leader, item) and not svc.can_delete(leader, item) and svc.can_manage(leader, item)
    refused(lambda: svc.update_directive(item, data("XCL"), actor=leader, today=D), None, "trang buổi tiếp")
    refused(lambda: svc.delete_directive(item, actor=leader), None, "trang buổi tiếp")
    commune = make_user("handler", "XCL")
    svc.add_note(item, "Đã mời ông Sơn đến làm việc", actor=commune, today=D)
    svc.complete_directive(item, D + timedelta(days=1), "Đã trả lời bằng văn bản", actor=commune,
                           today=D + timedelta(days=1))
    assert item.status_on(D + timedelta(days=1)) == DirectiveStatus.DONE_LATE


@pytest.mark.parametrize("due_offset, done_offset", list(product((0, 5), (None, 0, 6))))
def test_status_phrase(app, due_offset, done_offset):
    directive = Directive(due_on=D + timedelta(days=due_offset),
                          done_on=None if done_offset is None else D + timedelta(days=done_offset))
    phrase = svc.status_phrase(directive, D + timedelta(days=6))
    if done_offset is None:
        assert phrase == ("quá hạn 6 ngày" if due_offset == 0 else "quá hạn 1 ngày")
    elif done_offset > due_offset:
        done = D + timedelta(days=done_offset)
        assert phrase == f"hoàn thành ngày {done:%d/%m/%Y}, trễ {done_offset - due_offset} ngày"
    else:
        assert phrase == f"hoàn thành ngày {(D + timedelta(days=done_offset)):%d/%m/%Y}"
    assert svc.status_phrase(Directive(due_on=D + timedelta(days=3)), D) == "còn 3 ngày"
    assert svc.status_phrase(Directive(due_on=D), D) == "hạn cuối hôm nay"


def test_the_workbook_shows_the_result_or_the_latest_note(app):
    import io

    import openpyxl

    leader = make_user("leader", "LS")
    worker = make_user("handler", "TTLS")
    open_one = svc.create_directive(data(content="Đang làm"), actor=leader, today=D)
    svc.add_note(open_one, "Ghi chép thứ nhất", actor=worker, today=D)
    svc.add_note(open_one, "Ghi chép thứ hai", actor=worker, today=D)  # same day: the later one wins
    done = svc.create_directive(data(content="Đã xong"), actor=leader, today=D)
    svc.complete_directive(done, D, "Báo cáo số 45/BC-TTr", actor=worker, today=D)
    db.session.commit()
    rows, total = svc.directive_rows(leader, svc.DirectiveFilters(), D)
    ws = openpyxl.load_workbook(io.BytesIO(svc.build_workbook(
        rows, agency_name="UBND tỉnh", today=D, f=svc.DirectiveFilters(), total=total, multi_agency=False))).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, row in enumerate(cells) if row[0] == "STT")
    result, content = cells[header].index("Kết quả, tiến độ"), cells[header].index("Nội dung nhiệm vụ")
    by_content = {row[content]: row[result] for row in cells[header + 1:]}
    assert by_content == {"Đang làm": "16/03/2026: Ghi chép thứ hai", "Đã xong": "Báo cáo số 45/BC-TTr"}
