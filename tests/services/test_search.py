"""Search (app.search) on both databases: diacritics, đ, case and NFC/NFD ignored; exact diacritics
ranked first; agency scope; a protected denunciator never found; the index kept in step and used."""
from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from app import search
from app.cases import queries as case_queries
from app.cases.models import Case
from app.db import utcnow
from app.extensions import db
from app.petitions import queries as petition_queries
from app.petitions.models import Petition
from app.petitions.services import PaperDraft, PersonData, new_form_token, register_paper_petition
from app.reception import register
from app.reception.history import find_people
from app.reception.models import Person
from app.reception.services import VisitDraft, VisitorInput, log_visit
from app.search.schema import ENTITIES, TRGM_INDEXES, sqlite_triggers
from tests.conftest import make_user
from tests.conftest import search as search_list  # app.search is the module under test

DUONG = "Trần Văn Đường"
DUONG_PLAIN = "Trần Văn Dương"  # folds to the same "tran van duong"


def paper(user, name: str, *, kind: str = "complaint", title: str = "Khiếu nại việc cấp giấy chứng nhận",
          content: str = "Đề nghị xem xét lại hồ sơ.") -> Petition:
    draft = PaperDraft(kind=kind, petitioner=None, title=title, content=content, request="Xem xét lại.",
                       respondent="UBND xã Cao Lộc", people=[PersonData(full_name=name)])
    petition = register_paper_petition(draft, user=user, form_token=new_form_token(), new_files=[],
                                       written_keys=[]).petition
    db.session.commit()
    return petition


def inbox_titles(user, q: str) -> list[int]:
    f = petition_queries.InboxFilters(tab="all", q=q)
    return [p.id for p in petition_queries.inbox(user, f).items]


def visit(user, name: str, *, kind: str = "proposal", summary: str = "Phản ánh cống thoát nước bị tắc."):
    draft = VisitDraft(visited_at=utcnow() - timedelta(minutes=1), place="Trụ sở", kind=kind, summary=summary,
                       outcome="transferred", transfer_to_name="UBND xã Cao Lộc",
                       visitors=[VisitorInput(full_name=name)])
    result = log_visit(draft, user=user, form_token=new_form_token()).visit
    db.session.commit()
    return result


def fts_text(entity: str, record_id: int) -> tuple[str, str] | None:
    """SQLite: the (folded, exact) row of the FTS table for this record."""
    row = db.session.execute(text(f"SELECT folded, exact FROM {ENTITIES[entity].fts} WHERE rowid = :id"),
                             {"id": record_id}).first()
    return tuple(row) if row else None


# --- the words -------------------------------------------------------------------------------

@pytest.mark.parametrize("q", [
    "nguyen van duong",
    "Nguyễn Văn Đường",
    unicodedata.normalize("NFD", "Nguyễn Văn Đường"),
    "NGUYỄN VĂN ĐƯỜNG",
    "NGUYEN van DUONG",
    "văn đường nguyễn",  # the words in any order
])
def test_a_name_is_found_with_or_without_diacritics_case_and_normal_form(app, q):
    handler = make_user("handler")
    wanted = paper(handler, "Nguyễn Văn Đường")
    paper(handler, "Nguyễn Văn An")
    assert inbox_titles(handler, q) == [wanted.id]


def test_the_query_is_folded_like_the_stored_text():
    folded, exact = search.normalize_query(unicodedata.normalize("NFD", "Đỗ  Thị Hà"))
    assert folded == ["do", "thi", "ha"]
    assert exact == ["Đỗ", "Thị", "Hà"] and all(unicodedata.is_normalized("NFC", w) for w in exact)
    assert search.normalize_query("  ") == ([], [])


def test_every_word_must_be_found(app):
    handler = make_user("handler")
    paper(handler, "Nguyễn Văn Đường")
    assert inbox_titles(handler, "duong hoang") == []


def test_exact_diacritics_come_first(app):
    handler = make_user("handler")
    exact = paper(handler, DUONG)
    plain = paper(handler, DUONG_PLAIN)  # newer: first without a search
    assert set(inbox_titles(handler, "tran van duong")) == {exact.id, plain.id}
    assert inbox_titles(handler, "Trần Văn Đường") == [exact.id, plain.id]
    assert inbox_titles(handler, "đường") == [exact.id, plain.id]
    assert inbox_titles(handler, "ĐƯỜNG") == [exact.id, plain.id]
    assert inbox_titles(handler, "Dương") == [plain.id, exact.id]
    # A short word (under three letters) counts too.
    short = paper(handler, "Đỗ Minh Dương")
    other = paper(handler, "Do Minh Dương")
    assert inbox_titles(handler, "đỗ minh")[:2] == [short.id, other.id]


def test_a_word_of_the_content_with_its_stored_nfd_form_ranks_first(app):
    handler = make_user("handler")
    nfd = paper(handler, "Lê Văn Tám", title=unicodedata.normalize("NFD", "Tranh chấp ranh giới thửa đất"))
    plain = paper(handler, "Lê Văn Bảy", title="Tranh chap ranh gioi thua dat")
    assert inbox_titles(handler, "thửa đất") == [nfd.id, plain.id]


# --- scope and protection --------------------------------------------------------------------

def test_another_agencys_petition_is_not_found(app):
    handler = make_user("handler", "TTLS")
    elsewhere = make_user("handler", "XCL")
    mine = paper(handler, DUONG)
    theirs = paper(elsewhere, DUONG)
    assert inbox_titles(handler, "tran van duong") == [mine.id]
    assert inbox_titles(elsewhere, "tran van duong") == [theirs.id]


def test_a_denunciator_is_never_found_by_name(app, backend):
    handler = make_user("handler")
    denunciation = paper(handler, "Hoàng Thị Bảo Mật", kind="denunciation",
                         title="Tố cáo cán bộ địa chính nhận tiền")
    assert inbox_titles(handler, "hoang thi bao mat") == []
    assert inbox_titles(handler, "Hoàng Thị Bảo Mật") == []
    assert inbox_titles(handler, "bảo mật") == []
    assert inbox_titles(handler, "can bo dia chinh") == [denunciation.id]  # the matter itself is found
    assert "hoang" not in (denunciation.search_folded or "")
    if backend == "sqlite":
        folded, exact = fts_text("petition", denunciation.id)
        assert "hoang" not in folded and "Hoàng" not in exact
    # Nor at the desk: a denunciation visit keeps its visitors encrypted, out of the index.
    desk = make_user("receptionist", "BTCD")
    protected = visit(desk, "Hoàng Thị Bảo Mật", kind="denunciation", summary="Tố cáo cán bộ thu tiền sai")
    assert find_people("Hoàng Thị Bảo Mật", desk) == []
    assert db.session.scalars(register.filtered(desk, register.RegisterFilters(q="bao mat"))).all() == []
    assert db.session.scalars(register.filtered(desk, register.RegisterFilters(q="thu tien"))).all() == [protected]


# --- the desk, the register, the case list ---------------------------------------------------

def test_desk_lookup_folds_and_ranks_exact_first(app):
    desk = make_user("receptionist", "BTCD")
    visit(desk, DUONG)
    visit(desk, DUONG_PLAIN)
    names = [p.full_name for p in find_people("tran van duong", desk)]
    assert sorted(names) == sorted([DUONG, DUONG_PLAIN])
    assert [p.full_name for p in find_people("Trần Văn Đường", desk)] == [DUONG, DUONG_PLAIN]
    assert [p.full_name for p in find_people(unicodedata.normalize("NFD", "Đường"), desk)] == [DUONG, DUONG_PLAIN]
    # Someone known only to another agency is not offered.
    other = make_user("receptionist", "XCL")
    visit(other, "Phạm Thị Xa")
    assert find_people("pham thi xa", desk) == []
    assert [p.full_name for p in find_people("pham thi xa", other)] == ["Phạm Thị Xa"]


def test_register_search_finds_visitor_names_without_diacritics(app):
    desk = make_user("receptionist", "BTCD")
    first = visit(desk, DUONG)
    second = visit(desk, DUONG_PLAIN)
    found = register.register_page(desk, register.RegisterFilters(q="Đường")).items
    assert [row.visit_id for row in found] == [first.id, second.id]


def new_case(user, title: str, **extra) -> Case:
    case = Case(kind="complaint_first", agency_id=user.agency_id, title=title, accepted_on=date(2026, 3, 2), **extra)
    db.session.add(case)
    db.session.commit()
    return case


def test_case_list_searches_titles_and_the_petitions_behind_them(app):
    handler = make_user("handler")
    by_title = new_case(handler, "Khiếu nại về bồi thường đường giao thông")
    plain = new_case(handler, "Khieu nai ve boi thuong duong giao thong")
    petition = paper(handler, "Nguyễn Văn Đường", content="Mức bồi thường đất thấp.")
    from_petition = new_case(handler, "Khiếu nại quyết định số 12")
    petition.case_id = from_petition.id
    db.session.commit()
    elsewhere = new_case(make_user("handler", "XCL"), "Khiếu nại về bồi thường đường giao thông")

    def ids(q):
        return [c.id for c in case_queries.case_list(handler, q=q).items]

    assert ids("đường giao thông") == [by_title.id, plain.id]  # exact first, though older
    assert set(ids("duong")) == {by_title.id, plain.id, from_petition.id}
    assert ids("nguyen van duong") == [from_petition.id]
    assert elsewhere.id not in ids("boi thuong")
    assert ids("") and ids(None) == ids("")  # no search: every case of the scope


def test_case_list_page_has_a_search_box(login_as):
    client, user = login_as("handler")
    wanted = new_case(user, "Khiếu nại về bồi thường đường giao thông")
    new_case(user, "Khiếu nại về cấp sổ đỏ")
    html = search_list(client, "/staff/cases/", {"q": "duong giao thong"}).get_data(as_text=True)
    assert 'name="q"' in html and 'value="duong giao thong"' in html
    assert f"/staff/cases/{wanted.id}" in html and "cấp sổ đỏ" not in html


# --- kept in step, and the index used --------------------------------------------------------

def test_the_index_follows_updates_and_deletes(app, backend):
    handler = make_user("handler")
    case = new_case(handler, "Tranh chấp đất rừng")
    assert [c.id for c in case_queries.case_list(handler, q="dat rung").items] == [case.id]
    case.title = "Khiếu nại bồi thường đường điện"
    db.session.commit()
    assert case_queries.case_list(handler, q="dat rung").items == []
    assert [c.id for c in case_queries.case_list(handler, q="duong dien").items] == [case.id]
    if backend == "sqlite":
        assert fts_text("case", case.id) == ("khieu nai boi thuong duong dien", "Khiếu nại bồi thường đường điện")
    db.session.delete(case)
    db.session.commit()
    assert case_queries.case_list(handler, q="duong dien").items == []
    if backend == "sqlite":
        assert fts_text("case", case.id) is None

    # A petitioner's name feeds the petition's exact text; a person's name, the visits'.
    petition = paper(handler, "Lê Thị Cũ")
    petition.petitioners[0].full_name = "Lê Thị Mới"
    db.session.commit()
    desk = make_user("receptionist", "BTCD")
    v = visit(desk, "Vũ Văn Cũ")
    person = db.session.get(Person, v.visitors[0].person_id)
    person.full_name, person.name_folded = "Vũ Văn Mới", "vu van moi"
    db.session.commit()
    assert [p.id for p in find_people("vu van moi", desk)] == [person.id]
    assert find_people("vu van cu", desk) == []
    if backend == "sqlite":
        assert "Lê Thị Mới" in fts_text("petition", petition.id)[1]
        assert "Vũ Văn Mới" in fts_text("visit", v.id)[1] and "Cũ" not in fts_text("visit", v.id)[1]
        assert fts_text("person", person.id) == ("vu van moi", "Vũ Văn Mới")
    db.session.delete(petition)
    db.session.commit()
    if backend == "sqlite":
        assert fts_text("petition", petition.id) is None


def test_the_search_uses_the_index(app, backend):
    handler = make_user("handler")
    paper(handler, DUONG)
    stmt = select(Petition.id).where(search.match("petition", "tran van duong").clause)
    compiled = stmt.compile(dialect=db.session.get_bind().dialect)
    connection = db.session.connection()
    if backend == "sqlite":
        plan = " ".join(str(r[-1]) for r in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}", tuple(compiled.params[k] for k in compiled.positiontup)))
        assert "VIRTUAL TABLE INDEX" in plan and "fts_petitions" in plan, plan
        # Every searched table has its FTS twin, and its triggers exist at the head of the migrations.
        for entity in ENTITIES.values():
            count = db.session.scalar(text(f"SELECT count(*) FROM {entity.table}"))
            assert db.session.scalar(text(f"SELECT count(*) FROM {entity.fts}")) == count
        triggers = set(db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        missing = {name for e in ENTITIES.values() for name, _sql in sqlite_triggers(e)} - triggers
        assert not missing, f"a migration recreated a table and lost its search triggers: {missing}"
    else:
        indexes = set(db.session.scalars(text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_trgm'")))
        assert {name for name, _t, _c in TRGM_INDEXES} <= indexes
        # A handful of rows: the planner would rightly read the table; tell it not to, to see the index.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(r[0] for r in connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params))
        assert "ix_petitions_search_folded_trgm" in plan, plan
