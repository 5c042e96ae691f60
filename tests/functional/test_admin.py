"""Administration through the web: accounts, the agency tree, content categories.

Every screen works for an admin and is refused to a handler; every bad input gets its message
and keeps what was typed; the rules (one default intake body, no cycles, no code change once
petitions carry it, no self-disabling) hold; every change leaves an event.
"""
from __future__ import annotations

import html as htmllib
import re

import pytest
from sqlalchemy import func, select

from app.agencies.models import AdminUnit, Agency
from app.audit.models import Event
from app.auth.models import User
from app.extensions import db
from app.petitions.models import ContentCategory
from tests.conftest import STAFF_PASSWORD, csrf_of, make_user, search, sign_in


def agency(code: str) -> Agency:
    return db.session.scalars(select(Agency).where(Agency.code == code)).one()


def category(code: str) -> ContentCategory:
    return db.session.scalars(select(ContentCategory).where(ContentCategory.code == code)).one()


def submit(client, url: str, data: dict | None = None, page_url: str | None = None):
    """POST a form the way a browser does: CSRF token from the page first."""
    token = csrf_of(client, page_url or url)
    return client.post(url, data={"csrf_token": token, **(data or {})})


def text(resp) -> str:
    return htmllib.unescape(resp.get_data(as_text=True))


def events(subject_type: str, subject_id: int) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Event.action).where(Event.subject_type == subject_type,
                                                              Event.subject_id == subject_id).order_by(Event.id)))


def selected(page: str, value) -> bool:
    """Whether the option with this value is the selected one."""
    return bool(re.search(rf'<option (selected value="{value}"|value="{value}" selected)', page))


def options(page: str, select_id: str) -> list[str]:
    """The values offered by one select of the page."""
    body = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'value="([^"]*)"', body)


def one_time_password(html: str) -> str:
    return re.search(r'id="one-time-password">([^<]+)<', html).group(1)


@pytest.fixture
def admin(login_as):
    """(client, user) signed in as an admin of the province."""
    return login_as("admin", "LS")


# --- access -----------------------------------------------------------------------------------

def admin_urls():
    ls, ttls = agency("LS"), agency("TTLS")
    cat = category("KN.HC.DAT")
    other = make_user("handler", "TTLS")
    return [
        "/staff/admin/users", "/staff/admin/users/new", f"/staff/admin/users/{other.id}/edit",
        f"/staff/admin/users/{other.id}/disable", f"/staff/admin/users/{other.id}/reset-password",
        "/staff/admin/agencies", "/staff/admin/agencies/new", f"/staff/admin/agencies/{ls.id}/edit",
        f"/staff/admin/agencies/{ttls.id}/edit",
        "/staff/admin/categories", "/staff/admin/categories/new", f"/staff/admin/categories/{cat.id}/edit",
        f"/staff/admin/categories/{cat.id}/deactivate",
    ]


def test_every_admin_screen_works_for_an_admin(admin):
    client, _ = admin
    for url in admin_urls():
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert "Tài khoản cán bộ" in text(resp) and "Nội dung đơn" in text(resp), url  # the admin tabs
    assert client.get("/staff/admin/").status_code == 302


def test_every_admin_screen_is_refused_to_a_handler(login_as):
    client, _ = login_as("handler", "TTLS")
    token = csrf_of(client, "/staff/password")
    for url in admin_urls():
        assert client.get(url).status_code == 403, url
        if not url.endswith(("/users", "/agencies", "/categories")):
            assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    assert "Quản trị" not in text(client.get("/staff/petitions/"))  # no link in the nav either


def test_admin_screens_send_an_anonymous_visitor_to_sign_in(client):
    resp = client.get("/staff/admin/users")
    assert resp.status_code == 302 and "/staff/login" in resp.headers["Location"]


# --- users ------------------------------------------------------------------------------------

def test_user_list_search_with_and_without_diacritics_and_filters(admin):
    client, me = admin
    hoa = make_user("handler", "TTLS", email="hoa.tran@example.vn", full_name="Trần Thị Hòa")
    make_user("leader", "XCL", email="duong@example.vn", full_name="Nguyễn Văn Đường")
    for q in ("Trần Thị Hòa", "tran thi hoa", "TRAN hoa", "hoa.tran@example", "Hoà"):
        page = text(search(client, "/staff/admin/users", {"q": q}))
        assert "hoa.tran@example.vn" in page and "duong@example.vn" not in page, q
    page = text(search(client, "/staff/admin/users", {"q": "duong"}))
    assert "duong@example.vn" in page and "hoa.tran@example.vn" not in page
    page = text(client.get("/staff/admin/users", query_string={"agency": agency("XCL").id}))
    assert "duong@example.vn" in page and "hoa.tran@example.vn" not in page
    page = text(client.get("/staff/admin/users", query_string={"role": "handler"}))
    assert "hoa.tran@example.vn" in page and me.email not in page
    hoa.active = False
    db.session.commit()
    page = text(client.get("/staff/admin/users", query_string={"active": "no"}))
    assert "hoa.tran@example.vn" in page and "duong@example.vn" not in page
    page = text(search(client, "/staff/admin/users", {"active": "yes", "q": "hoa"}))
    assert "Không có tài khoản nào phù hợp" in page


def test_user_list_has_25_per_page(admin):
    client, _ = admin
    for i in range(25):
        make_user("handler", "TTLS", email=f"u{i:02d}@example.vn", full_name=f"Cán bộ {i:02d}")
    first = text(client.get("/staff/admin/users"))
    assert "26 tài khoản" in first and "Trang 1 / 2" in first
    assert first.count("/edit\"") == 25
    second = text(client.get("/staff/admin/users", query_string={"page": 2}))
    assert second.count("/edit\"") == 1 and "Trang trước" in second


def test_create_user_shows_generated_password_once_and_it_signs_in(admin, app):
    client, me = admin
    resp = submit(client, "/staff/admin/users/new", {
        "email": "Moi.CanBo@Example.vn", "full_name": "Lê Văn Mới", "role": "handler", "agency": agency("TTLS").id})
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"])
    password = one_time_password(text(page))
    assert len(password) >= 12
    # Shown once: the same page again no longer has it.
    again = text(client.get(resp.headers["Location"]))
    assert password not in again and "Mật khẩu không còn hiển thị" in again
    user = db.session.scalars(select(User).where(User.email == "moi.canbo@example.vn")).one()
    assert password not in user.password_hash and user.role == "handler"
    assert password not in " ".join(e.note or "" for e in db.session.scalars(select(Event)))
    assert events("user", user.id) == ["created"]
    # The new person signs in with it.
    newcomer = app.test_client()
    assert sign_in(newcomer, user, password).status_code == 302
    assert newcomer.get("/staff/petitions/").status_code == 200


def test_create_user_bad_input_keeps_what_was_typed(admin):
    client, _ = admin
    resp = submit(client, "/staff/admin/users/new", {"email": "khong-phai-thu", "full_name": "", "role": "",
                                                      "agency": ""})
    page = text(resp)
    assert resp.status_code == 422
    for message in ("Địa chỉ thư điện tử không hợp lệ.", "Hãy nhập họ và tên.", "Hãy chọn vai trò.",
                    "Hãy chọn cơ quan."):
        assert message in page
    assert 'value="khong-phai-thu"' in page
    existing = make_user("handler", "TTLS", email="co.roi@example.vn")
    resp = submit(client, "/staff/admin/users/new", {"email": "CO.ROI@example.vn", "full_name": "Phạm Thị Trùng",
                                                      "role": "leader", "agency": agency("BTCD").id})
    page = text(resp)
    assert resp.status_code == 422 and "Đã có tài khoản với thư điện tử này." in page
    assert 'value="Phạm Thị Trùng"' in page and selected(page, "leader")
    assert selected(page, agency("BTCD").id)
    assert db.session.scalar(select(func.count(User.id)).where(User.email.like("co.roi%"))) == 1 and existing


def test_edit_user_changes_role_and_agency_and_ends_their_session(admin, login_as):
    client, _ = admin
    their_client, them = login_as("handler", "TTLS")
    url = f"/staff/admin/users/{them.id}/edit"
    assert 'value="Handler TTLS"' in text(client.get(url))
    resp = submit(client, url, {"full_name": "Nguyễn Thị Đổi", "role": "leader", "agency": agency("BTCD").id})
    assert resp.status_code == 302
    db.session.expire_all()
    assert (them.full_name, them.role, them.agency.code) == ("Nguyễn Thị Đổi", "leader", "BTCD")
    assert events("user", them.id)[-1] == "updated"
    resp = their_client.get("/staff/petitions/")
    assert resp.status_code == 302 and "/staff/login" in resp.headers["Location"]
    # Bad input is refused with its message and keeps the rest.
    resp = submit(client, url, {"full_name": "", "role": "boss", "agency": agency("TTLS").id})
    page = text(resp)
    assert resp.status_code == 422 and "Hãy nhập họ và tên." in page and "Vai trò không hợp lệ." in page
    assert selected(page, agency("TTLS").id)


def test_admin_cannot_change_own_role(admin):
    client, me = admin
    resp = submit(client, f"/staff/admin/users/{me.id}/edit", {"full_name": "Quản trị", "role": "handler",
                                                                 "agency": me.agency_id})
    assert resp.status_code == 422 and "Bạn không thể tự thay đổi vai trò" in text(resp)
    db.session.expire_all()
    assert me.role == "admin"
    # Changing one's own name (and agency) keeps one signed in.
    resp = submit(client, f"/staff/admin/users/{me.id}/edit", {"full_name": "Quản Trị Viên", "role": "admin",
                                                                 "agency": agency("TTLS").id})
    assert resp.status_code == 302
    assert client.get("/staff/admin/users").status_code == 200


def test_disable_with_confirmation_ends_the_session_then_enable(admin, login_as, app):
    client, _ = admin
    their_client, them = login_as("handler", "TTLS")
    assert their_client.get("/staff/petitions/").status_code == 200
    url = f"/staff/admin/users/{them.id}/disable"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Khóa tài khoản" in text(confirm) and them.email in text(confirm)
    db.session.expire_all()
    assert them.active  # the GET changed nothing
    assert submit(client, url).status_code == 302
    db.session.expire_all()
    assert not them.active
    resp = their_client.get("/staff/petitions/")
    assert resp.status_code == 302 and "/staff/login" in resp.headers["Location"]
    assert sign_in(app.test_client(), them).status_code == 422
    assert "Đã khóa" in text(search(client, "/staff/admin/users", {"q": them.email}))
    assert submit(client, f"/staff/admin/users/{them.id}/enable").status_code == 302
    assert sign_in(app.test_client(), them).status_code == 302
    assert events("user", them.id)[-2:] == ["disabled", "enabled"]


def test_admin_cannot_disable_themselves(admin):
    client, me = admin
    resp = submit(client, f"/staff/admin/users/{me.id}/disable")
    assert resp.status_code == 422 and "Bạn không thể tự khóa tài khoản của mình." in text(resp)
    db.session.expire_all()
    assert me.active


def test_reset_password_with_confirmation_shows_new_password_once(admin, app):
    client, _ = admin
    them = make_user("handler", "TTLS")
    url = f"/staff/admin/users/{them.id}/reset-password"
    assert "Mật khẩu cũ hết hiệu lực" in text(client.get(url))
    resp = submit(client, url)
    assert resp.status_code == 302
    password = one_time_password(text(client.get(resp.headers["Location"])))
    assert sign_in(app.test_client(), them, STAFF_PASSWORD).status_code == 422
    assert sign_in(app.test_client(), them, password).status_code == 302
    assert events("user", them.id)[-1] == "password_reset"


def test_one_time_password_page_of_another_user_shows_nothing(admin):
    client, _ = admin
    them, other = make_user("handler", "TTLS"), make_user("handler", "TTLS")
    resp = submit(client, f"/staff/admin/users/{them.id}/reset-password")
    page = text(client.get(f"/staff/admin/users/{other.id}/password"))
    assert "Mật khẩu không còn hiển thị" in page and 'id="one-time-password"' not in page
    assert resp.status_code == 302


# --- agencies ---------------------------------------------------------------------------------

def agency_form(**overrides) -> dict:
    data = {"code": "STNMT", "name": "Sở Tài nguyên và Môi trường tỉnh Lạng Sơn", "kind": "department",
            "level": "province", "parent": str(agency("LS").id), "province": "", "commune": "",
            "accepts_online": "y", "active": "y"}
    data.update({k: v for k, v in overrides.items() if v is not None})
    return {k: v for k, v in data.items() if v is not False}


def test_agency_tree_lists_children_under_their_parent(admin):
    client, _ = admin
    page = text(client.get("/staff/admin/agencies"))
    ls = page.index("Ủy ban nhân dân tỉnh Lạng Sơn")
    assert all(page.index(name) > ls for name in ("Thanh tra tỉnh Lạng Sơn", "Ủy ban nhân dân xã Cao Lộc"))
    # Nested lists: the children sit inside the parent's <li>.
    assert re.search(r"Ủy ban nhân dân tỉnh Lạng Sơn</a>.*?<ul>.*?Thanh tra tỉnh Lạng Sơn", page, re.S)
    assert "Tiếp nhận mặc định" in page


def test_create_agency_with_province_and_commune(admin, lang_son):
    client, _ = admin
    province_id, commune_id = lang_son
    resp = submit(client, "/staff/admin/agencies/new",
                  agency_form(code="xdl", province=str(province_id), commune=str(commune_id), name="UBND xã Đồng Đăng"),
                  page_url="/staff/admin/agencies/new")
    assert resp.status_code == 302, text(resp)[:3000]
    new = agency("XDL")  # the code is upper-cased
    assert new.parent.code == "LS" and new.admin_unit_id == commune_id and new.accepts_online
    assert events("agency", new.id) == ["created"]
    assert "UBND xã Đồng Đăng" in text(client.get("/staff/admin/agencies"))


def test_agency_bad_input_gets_messages_and_keeps_what_was_typed(admin):
    client, _ = admin
    resp = submit(client, "/staff/admin/agencies/new", agency_form(code="TT Lạng", name="", kind="", level=""))
    page = text(resp)
    assert resp.status_code == 422
    for message in ("Mã cơ quan chỉ gồm chữ cái in hoa không dấu và chữ số", "Hãy nhập tên cơ quan.",
                    "Hãy chọn loại cơ quan.", "Hãy chọn cấp của cơ quan."):
        assert message in page
    assert 'value="TT LẠNG"' in page
    resp = submit(client, "/staff/admin/agencies/new", agency_form(code="A"))
    assert resp.status_code == 422 and "Mã cơ quan gồm 2 đến 12 ký tự." in text(resp)
    resp = submit(client, "/staff/admin/agencies/new", agency_form(code="ttls", name="Thanh tra mới"))
    page = text(resp)
    assert resp.status_code == 422 and "Mã TTLS đã được dùng cho Thanh tra tỉnh Lạng Sơn." in page
    assert 'value="Thanh tra mới"' in page and selected(page, "department")


def test_agency_commune_must_be_in_the_province(admin, lang_son):
    client, _ = admin
    province_id, _commune = lang_son
    elsewhere = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "commune",
                                                           AdminUnit.parent_id != province_id)).first()
    resp = submit(client, "/staff/admin/agencies/new",
                  agency_form(province=str(province_id), commune=str(elsewhere.id)))
    assert resp.status_code == 422
    assert "Xã, phường, đặc khu không thuộc tỉnh, thành phố đã chọn." in text(resp)


def test_agency_province_refresh_lists_its_communes_without_saving(admin, lang_son):
    client, _ = admin
    province_id, commune_id = lang_son
    resp = submit(client, "/staff/admin/agencies/new",
                  agency_form(name="Đang nhập dở", province=str(province_id), refresh_communes="1", kind=""))
    page = text(resp)
    assert resp.status_code == 200 and "Cao Lộc" in page and str(commune_id) in options(page, "commune")
    assert 'value="Đang nhập dở"' in page and "Hãy chọn loại cơ quan." not in page
    assert db.session.scalar(select(func.count(Agency.id)).where(Agency.code == "STNMT")) == 0


def test_only_one_default_intake_agency(admin):
    client, _ = admin
    ttls = agency("TTLS")
    resp = submit(client, f"/staff/admin/agencies/{ttls.id}/edit",
                  agency_form(code="TTLS", name=ttls.name, kind="inspectorate", is_default_intake="y"))
    assert resp.status_code == 302, text(resp)[:3000]
    db.session.expire_all()
    assert [a.code for a in db.session.scalars(select(Agency).where(Agency.is_default_intake.is_(True)))] == ["TTLS"]
    assert "default_intake_unset" in events("agency", agency("BTCD").id)
    # A new agency made the default takes the flag in turn.
    resp = submit(client, "/staff/admin/agencies/new", agency_form(code="BTCD2", is_default_intake="y"))
    assert resp.status_code == 302
    db.session.expire_all()
    assert [a.code for a in db.session.scalars(select(Agency).where(Agency.is_default_intake.is_(True)))] == ["BTCD2"]


def test_default_intake_cannot_be_unset_or_deactivated(admin):
    client, _ = admin
    btcd = agency("BTCD")
    url = f"/staff/admin/agencies/{btcd.id}/edit"
    resp = submit(client, url, agency_form(code="BTCD", name=btcd.name, kind="reception_board"))
    assert resp.status_code == 422 and "Luôn phải có một cơ quan tiếp nhận mặc định" in text(resp)
    resp = submit(client, url, agency_form(code="BTCD", name=btcd.name, kind="reception_board",
                                           is_default_intake="y", active=False))
    assert resp.status_code == 422 and "Cơ quan tiếp nhận mặc định phải đang hoạt động." in text(resp)
    db.session.expire_all()
    assert btcd.is_default_intake and btcd.active


def test_parent_cannot_be_itself_or_a_descendant(admin):
    client, _ = admin
    ls, ttls = agency("LS"), agency("TTLS")
    url = f"/staff/admin/agencies/{ls.id}/edit"
    form_page = text(client.get(url))
    assert str(ttls.id) not in options(form_page, "parent") and str(ls.id) not in options(form_page, "parent")
    for parent in (ttls.id, ls.id):
        resp = submit(client, url, agency_form(code="LS", name=ls.name, kind="peoples_committee",
                                               parent=str(parent)))
        assert resp.status_code == 422
        assert "Cơ quan cấp trên không thể là chính cơ quan này hoặc một cơ quan trực thuộc nó." in text(resp)
    db.session.expire_all()
    assert ls.parent_id is None


def test_code_cannot_change_once_petitions_carry_it(admin, login_as):
    from tests.functional.test_triage import register_paper

    client, _ = admin
    handler_client, _h = login_as("handler", "TTLS")
    assert register_paper(handler_client).status_code == 302
    ttls = agency("TTLS")
    resp = submit(client, f"/staff/admin/agencies/{ttls.id}/edit",
                  agency_form(code="TTRA", name="Thanh tra tỉnh", kind="inspectorate"))
    page = text(resp)
    assert resp.status_code == 422 and "Không thể đổi mã của cơ quan đã nhận đơn" in page
    assert 'value="TTRA"' in page and 'value="Thanh tra tỉnh"' in page
    db.session.expire_all()
    assert ttls.code == "TTLS"
    # The name may still change, and an agency without petitions may change its code.
    assert submit(client, f"/staff/admin/agencies/{ttls.id}/edit",
                  agency_form(code="TTLS", name="Thanh tra tỉnh", kind="inspectorate")).status_code == 302
    xcl = agency("XCL")
    assert submit(client, f"/staff/admin/agencies/{xcl.id}/edit",
                  agency_form(code="XCLOC", name=xcl.name, kind="peoples_committee", level="commune")).status_code == 302
    db.session.expire_all()
    assert ttls.name == "Thanh tra tỉnh" and xcl.code == "XCLOC"
    assert events("agency", xcl.id) == ["updated"]


# --- content categories -----------------------------------------------------------------------

def category_form(**overrides) -> dict:
    data = {"code": "KN.HC.MOITRUONG", "kind": "complaint", "name": "Môi trường",
            "parent": str(category("KN.HC").id), "position": "30"}
    data.update(overrides)
    return data


def test_categories_grouped_by_kind(admin):
    client, _ = admin
    page = text(client.get("/staff/admin/categories"))
    complaint, denunciation, proposal = (page.index(h) for h in ("Khiếu nại</h2>", "Tố cáo</h2>",
                                                                  "Kiến nghị, phản ánh</h2>"))
    assert complaint < page.index("KN.HC.DAT") < denunciation < page.index("TC.THAMNHUNG") < proposal


def test_create_and_edit_category(admin):
    client, _ = admin
    assert submit(client, "/staff/admin/categories/new", category_form(code="kn.hc.moitruong")).status_code == 302
    new = category("KN.HC.MOITRUONG")
    assert new.parent_id == category("KN.HC").id and new.position == 30
    resp = submit(client, f"/staff/admin/categories/{new.id}/edit", category_form(name="Môi trường, tài nguyên"))
    assert resp.status_code == 302
    db.session.expire_all()
    assert new.name == "Môi trường, tài nguyên"
    assert events("category", new.id) == ["created", "updated"]


def test_category_bad_input_gets_messages_and_keeps_what_was_typed(admin):
    client, _ = admin
    resp = submit(client, "/staff/admin/categories/new", category_form(code="", name="", kind="", position="abc"))
    page = text(resp)
    assert resp.status_code == 422
    for message in ("Hãy nhập mã.", "Hãy nhập tên nội dung.", "Hãy chọn loại đơn.", "Hãy nhập một số nguyên"):
        assert message in page
    resp = submit(client, "/staff/admin/categories/new", category_form(code="KN.HC.DAT", name="Đất đai mới"))
    page = text(resp)
    assert resp.status_code == 422 and "Mã KN.HC.DAT đã được dùng" in page and 'value="Đất đai mới"' in page
    resp = submit(client, "/staff/admin/categories/new", category_form(code="TC.MOI", kind="denunciation"))
    assert resp.status_code == 422 and "Nội dung cấp trên phải cùng loại đơn." in text(resp)
    resp = submit(client, "/staff/admin/categories/new", category_form(code="KN HC Đất"))
    assert resp.status_code == 422 and "Mã nội dung gồm 2 đến 40 ký tự" in text(resp)


def test_category_parent_cannot_be_a_descendant(admin):
    client, _ = admin
    top, child = category("KN.HC"), category("KN.HC.DAT")
    resp = submit(client, f"/staff/admin/categories/{top.id}/edit",
                  category_form(code="KN.HC", name=top.name, parent=str(child.id)))
    assert resp.status_code == 422
    assert "Nội dung cấp trên không thể là chính nội dung này hoặc một mục con của nó." in text(resp)


def test_category_kind_cannot_change_when_it_has_children(admin):
    client, _ = admin
    top = category("KN.HC")
    resp = submit(client, f"/staff/admin/categories/{top.id}/edit",
                  category_form(code="KN.HC", name=top.name, kind="proposal", parent=""))
    assert resp.status_code == 422 and "Không thể đổi loại đơn của nội dung đã có mục con" in text(resp)


def test_deactivate_and_activate_category_with_confirmation(admin, login_as):
    client, _ = admin
    land = category("KN.HC.DAT")
    handler_client, _h = login_as("handler", "TTLS")
    assert str(land.id) in options(text(handler_client.get("/staff/petitions/")), "category")
    url = f"/staff/admin/categories/{land.id}/deactivate"
    assert "Ngừng dùng nội dung “Đất đai”" in text(client.get(url))
    db.session.expire_all()
    assert land.active
    assert submit(client, url).status_code == 302
    db.session.expire_all()
    assert not land.active
    assert str(land.id) not in options(text(handler_client.get("/staff/petitions/")), "category")
    assert submit(client, f"/staff/admin/categories/{land.id}/activate").status_code == 302
    db.session.expire_all()
    assert land.active
    assert events("category", land.id) == ["deactivated", "activated"]
