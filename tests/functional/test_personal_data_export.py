"""Personal data (Nghị định 13/2023/NĐ-CP): the public form says what the data is for and on what
basis; staff export a citizen's data for them — from the petition page or the person's page —
recorded as an event, and never a protected denunciator's unless by those who may reveal it."""
from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import func, select, text

from app.audit.models import Event, IdentityAccess
from app.db import utcnow
from app.extensions import db
from app.petitions.models import Petition, Petitioner
from app.petitions.services import new_form_token
from app.reception.models import Person
from app.reception.services import VisitDraft, VisitorInput, log_visit
from tests.conftest import csrf_of
from tests.functional.test_triage import register_paper

ID_NUMBER = "020190001234"  # the one register_paper types


def export_from_petition(client, petition, position=0):
    token = csrf_of(client, f"/staff/petitions/{petition.id}")
    signer = sorted(petition.petitioners, key=lambda p: p.position)[position]
    return client.post(f"/staff/personal-data/petitions/{petition.id}/petitioners/{signer.id}/export",
                       data={"csrf_token": token})


def newest_petition() -> Petition:
    return db.session.scalars(select(Petition).order_by(Petition.id.desc())).first()


def test_the_public_form_states_the_purpose_and_legal_basis_by_the_submit_button(client):
    html = client.get("/petitions/new").get_data(as_text=True)
    notice = html.index('id="data-notice"')
    assert notice < html.index('id="submit-petition"')
    section = html[notice:html.index('id="submit-petition"')]
    assert "Mục đích:" in section and "giải quyết đơn" in section
    assert "Căn cứ:" in section and "13/2023/NĐ-CP" in section and "Luật Tố cáo 2018" in section
    assert "Quyền của bạn:" in section and "bản sao dữ liệu cá nhân" in section
    assert "giữ bí mật" in section  # the denunciator's identity


def test_a_citizens_data_is_exported_from_the_petition_page(login_as):
    client, user = login_as("handler", "TTLS")
    assert register_paper(client).status_code == 302
    first = newest_petition()
    assert register_paper(client, title="Khiếu nại lần hai về bồi thường").status_code == 302
    second = newest_petition()
    assert register_paper(client, **{"people-0-full_name": "Lê Văn Khác", "people-0-id_number": "020190009999",
                                     "people-0-phone": "0911111111"}).status_code == 302
    stranger = newest_petition()

    page = client.get(f"/staff/petitions/{first.id}").get_data(as_text=True)
    assert 'id="personal-data-export"' in page and "Xuất dữ liệu cá nhân" in page
    resp = export_from_petition(client, first)
    assert resp.status_code == 200
    assert resp.mimetype == "application/json" and "attachment" in resp.headers["Content-Disposition"]
    assert resp.headers["Cache-Control"] == "no-store"
    data = json.loads(resp.get_data(as_text=True))
    assert data["subject"]["full_name"] == "Trần Thị Hoa" and data["subject"]["id_number"] == ID_NUMBER
    assert "13/2023/NĐ-CP" in data["legal_basis"]
    codes = {p["tracking_code"] for p in data["petitions"]}
    assert codes == {first.tracking_code, second.tracking_code}  # the same ID number; not the stranger's
    assert stranger.tracking_code not in resp.get_data(as_text=True)
    assert "Lê Văn Khác" not in resp.get_data(as_text=True)
    record = next(p for p in data["petitions"] if p["tracking_code"] == first.tracking_code)
    assert record["as_written_on_the_petition"]["phone"] == "0987654321" and record["status"] == "received"
    # Recorded: an event on the petition and a line in the audit log.
    event = db.session.scalars(select(Event).where(Event.subject_type == "petition", Event.subject_id == first.id,
                                                   Event.action == "personal_data_exported")).one()
    assert event.actor_user_id == user.id
    audited = db.session.execute(text("SELECT action FROM audit_log WHERE subject_type = 'petition' "
                                      "AND subject_id = :id"), {"id": first.id}).scalars().all()
    assert any("personal_data_exported" in a for a in audited)


def test_the_export_is_a_post_and_needs_petition_read(login_as):
    client, _ = login_as("handler", "TTLS")
    register_paper(client)
    petition = newest_petition()
    signer = petition.petitioners[0]
    url = f"/staff/personal-data/petitions/{petition.id}/petitioners/{signer.id}/export"
    assert client.get(url).status_code == 405
    assert client.post(url, data={}).status_code == 400  # no CSRF token
    admin, _ = login_as("admin", "TTLS")
    assert admin.post(url, data={"csrf_token": csrf_of(admin, "/staff/password")}).status_code == 403
    other, _ = login_as("handler", "XCL")
    assert other.post(url, data={"csrf_token": csrf_of(other, "/staff/password")}).status_code == 404
    assert db.session.scalar(select(func.count(Event.id)).where(Event.action == "personal_data_exported")) == 0


def test_a_denunciators_data_only_for_those_who_may_reveal_it(login_as):
    registrar, _ = login_as("receptionist", "TTLS")
    assert register_paper(registrar, kind="denunciation").status_code == 302
    petition = newest_petition()
    assert petition.petitioners[0].is_protected
    handler, _ = login_as("handler", "TTLS")  # not the handler of this petition
    page = handler.get(f"/staff/petitions/{petition.id}").get_data(as_text=True)
    assert "người đứng đơn thứ 1" not in page
    assert export_from_petition(handler, petition).status_code == 403
    assert export_from_petition(registrar, petition).status_code == 403
    assert db.session.scalar(select(func.count(IdentityAccess.id))) == 0

    leader, user = login_as("leader", "TTLS")
    resp = export_from_petition(leader, petition)
    assert resp.status_code == 200
    data = json.loads(resp.get_data(as_text=True))
    assert data["subject"]["full_name"] == "Trần Thị Hoa" and data["subject"]["protected"] is True
    assert [p["tracking_code"] for p in data["petitions"]] == [petition.tracking_code]
    # Decrypting for the export is a reveal, logged as one.
    access = db.session.scalars(select(IdentityAccess)).one()
    assert access.user_id == user.id and access.petition_id == petition.id


def _visit(user, **overrides):
    draft = VisitDraft(visited_at=utcnow() - timedelta(minutes=5), place="Trụ sở", kind="complaint",
                       summary="Hỏi về việc bồi thường đất", outcome="petition_received",
                       visitors=[VisitorInput(full_name="Trần Thị Hoa", id_number=ID_NUMBER, phone="0987654321")])
    for key, value in overrides.items():
        setattr(draft, key, value)
    visit = log_visit(draft, user=user, form_token=new_form_token()).visit
    db.session.commit()
    return visit


def test_the_person_page_exports_visits_and_petitions_but_no_denunciation(login_as):
    client, user = login_as("receptionist", "TTLS")
    visit = _visit(user)
    person = db.session.scalars(select(Person).where(Person.id_number == ID_NUMBER)).one()
    walk_in = visit.petition
    assert register_paper(client).status_code == 302  # a letter by post, same ID number
    by_post = newest_petition()
    assert register_paper(client, kind="denunciation", title="Tố cáo cán bộ địa chính").status_code == 302
    denunciation = newest_petition()
    assert db.session.scalar(select(func.count(Petitioner.id)).where(Petitioner.petition_id == denunciation.id,
                                                                     Petitioner.id_number.is_not(None))) == 0

    visit_page = client.get(f"/staff/reception/visits/{visit.id}").get_data(as_text=True)
    assert f"/staff/personal-data/people/{person.id}" in visit_page
    page = client.get(f"/staff/personal-data/people/{person.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Trần Thị Hoa" in html and walk_in.tracking_code in html and 'id="export-person"' in html

    token = csrf_of(client, f"/staff/personal-data/people/{person.id}")
    resp = client.post(f"/staff/personal-data/people/{person.id}/export", data={"csrf_token": token})
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    data = json.loads(body)
    assert data["subject"]["id_number"] == ID_NUMBER
    assert [v["register_number"] for v in data["visits"]] == [visit.register_number]
    assert data["visits"][0]["summary"] == "Hỏi về việc bồi thường đất"
    codes = {p["tracking_code"] for p in data["petitions"]}
    assert codes == {walk_in.tracking_code, by_post.tracking_code}
    assert denunciation.tracking_code not in body and "Tố cáo cán bộ địa chính" not in body
    assert db.session.scalars(select(Event).where(Event.subject_type == "person", Event.subject_id == person.id,
                                                  Event.action == "personal_data_exported")).one()


def test_the_person_page_is_scoped_to_the_agency(login_as):
    _client, user = login_as("receptionist", "TTLS")
    _visit(user)
    person = db.session.scalars(select(Person).where(Person.id_number == ID_NUMBER)).one()
    other, _ = login_as("handler", "XCL")
    assert other.get(f"/staff/personal-data/people/{person.id}").status_code == 404
    token = csrf_of(other, "/staff/password")
    assert other.post(f"/staff/personal-data/people/{person.id}/export", data={"csrf_token": token}).status_code == 404
    supervisor, _ = login_as("supervisor", "LS")  # the province reads its subtree
    html = supervisor.get(f"/staff/personal-data/people/{person.id}").get_data(as_text=True)
    assert re.search(r"Trần Thị Hoa", html)
