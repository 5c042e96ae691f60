"""Staff API: scope (another agency → 404), ETag and 304, cursor pages, problem+json, scopes (403),
workflow actions through the same services as the pages, and If-Match (412)."""
from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEntry, Event
from app.cases.models import Case
from app.extensions import db
from app.petitions.models import Petition
from tests.api.helpers import auth, make_petition, token_for
from tests.conftest import make_user

CHECKS = {c: True for c in ("language", "identity", "complaint_content", "denunciation_content",
                            "not_sent_to_many", "not_already_guided")}


def test_list_and_read_within_scope_another_agency_gets_404(app):
    handler = make_user("handler", "TTLS")
    petition = make_petition(handler)
    client = app.test_client()
    own = token_for(handler)
    other = token_for(make_user("handler", "XCL"))
    listing = client.get("/api/v1/petitions", headers=auth(own)).get_json()
    assert [p["tracking_code"] for p in listing["items"]] == [petition.tracking_code]
    assert client.get("/api/v1/petitions", headers=auth(other)).get_json()["items"] == []
    assert client.get(f"/api/v1/petitions/{petition.id}", headers=auth(own)).status_code == 200
    resp = client.get(f"/api/v1/petitions/{petition.id}", headers=auth(other))
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"
    body = resp.get_json()
    assert set(body) >= {"type", "title", "status", "detail"} and body["status"] == 404
    assert petition.tracking_code not in resp.get_data(as_text=True)
    assert client.get("/api/v1/petitions/99999999999", headers=auth(own)).status_code == 404


def test_supervisor_reads_the_subtree(app):
    petition = make_petition(make_user("handler", "XCL"))
    supervisor = make_user("supervisor", "LS")  # the province, above the commune XCL
    client = app.test_client()
    full = token_for(supervisor)
    assert client.get(f"/api/v1/petitions/{petition.id}", headers=auth(full)).status_code == 200
    narrow = token_for(supervisor, ["agency:petition:read"])  # without subtree:petition:read
    assert client.get(f"/api/v1/petitions/{petition.id}", headers=auth(narrow)).status_code == 404


def test_protected_denunciator_never_appears(app):
    handler = make_user("handler", "TTLS")
    petition = make_petition(handler, kind="denunciation", name="Lê Văn Mật")
    client = app.test_client()
    secret = token_for(make_user("leader", "TTLS"))
    text = client.get(f"/api/v1/petitions/{petition.id}", headers=auth(secret)).get_data(as_text=True)
    assert "Lê Văn Mật" not in text and "020190001234" not in text
    data = client.get(f"/api/v1/petitions/{petition.id}", headers=auth(secret)).get_json()
    assert data["petitioners"][0]["protected"] is True
    listing = client.get("/api/v1/petitions", headers=auth(secret)).get_data(as_text=True)
    assert "Lê Văn Mật" not in listing


def test_etag_and_304(app):
    handler = make_user("handler", "TTLS")
    petition = make_petition(handler)
    client = app.test_client()
    secret = token_for(handler)
    first = client.get(f"/api/v1/petitions/{petition.id}", headers=auth(secret))
    etag = first.headers["ETag"]
    assert etag
    again = client.get(f"/api/v1/petitions/{petition.id}", headers=auth(secret, **{"If-None-Match": etag}))
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    listing = client.get("/api/v1/petitions", headers=auth(secret))
    assert client.get("/api/v1/petitions", headers=auth(secret, **{"If-None-Match": listing.headers["ETag"]})
                      ).status_code == 304
    petition.title = "Tiêu đề đã sửa"
    db.session.commit()
    changed = client.get(f"/api/v1/petitions/{petition.id}", headers=auth(secret, **{"If-None-Match": etag}))
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_cursor_pagination_walks_every_page_once(app):
    handler = make_user("handler", "TTLS")
    made = [make_petition(handler, minutes_ago=m, title=f"Đơn số {m}") for m in range(1, 8)]
    # Two petitions received at the same instant: the id breaks the tie, none is lost or repeated.
    made[1].received_at = made[2].received_at
    db.session.commit()
    client = app.test_client()
    secret = token_for(handler)
    seen, url, pages = [], "/api/v1/petitions?limit=3", 0
    while url:
        page = client.get(url, headers=auth(secret)).get_json()
        seen += [p["id"] for p in page["items"]]
        url = page["next"]
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(p.id for p in made) and len(seen) == len(set(seen))
    assert client.get("/api/v1/petitions?limit=101", headers=auth(secret)).status_code == 400
    bad = client.get("/api/v1/petitions?cursor=!!notacursor", headers=auth(secret))
    assert bad.status_code == 400 and "cursor" in bad.get_json()["errors"]


def test_scopes_are_enforced(app):
    handler = make_user("handler", "TTLS")
    petition = make_petition(handler)
    client = app.test_client()
    read_only = token_for(handler, ["agency:case:read"])
    resp = client.get("/api/v1/petitions", headers=auth(read_only))
    assert resp.status_code == 403 and resp.get_json()["status"] == 403
    assert client.post("/api/v1/visits", headers=auth(read_only), json={}).status_code == 403
    resp = client.post(f"/api/v1/petitions/{petition.id}/actions/classify", headers=auth(read_only), json={})
    assert resp.status_code == 403
    denied = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied")).all()
    assert denied and denied[-1].actor_user_id == handler.id


def _act(client, secret, path, action, body, etag=None):
    headers = auth(secret)
    if etag is None:
        etag = client.get(path, headers=headers).headers["ETag"]
    return client.post(f"{path}/actions/{action}", json=body, headers={**headers, "If-Match": etag})


def test_triage_through_the_api_opens_a_case_and_412_on_stale_etag(app):
    handler, leader = make_user("handler", "TTLS"), make_user("leader", "TTLS")
    petition = make_petition(handler)
    client = app.test_client()
    h, lead = token_for(handler), token_for(leader)
    path = f"/api/v1/petitions/{petition.id}"
    old_etag = client.get(path, headers=auth(h)).headers["ETag"]
    resp = _act(client, h, path, "classify", {"kind": "complaint", "within_jurisdiction": True, "checks": CHECKS})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "classified"
    stale = _act(client, h, path, "propose", {"action": "accept"}, etag=old_etag)
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    missing = client.post(f"{path}/actions/propose", json={"action": "accept"}, headers=auth(h))
    assert missing.status_code == 428
    bad = _act(client, h, path, "propose", {"action": "nonsense"})
    assert bad.status_code == 422
    assert _act(client, h, path, "propose", {"action": "accept", "note": "Đủ điều kiện"}).status_code == 200
    # A handler's token may not approve (the workflow's permission), a leader's may.
    assert _act(client, h, path, "approve", {}).status_code == 403
    done = _act(client, lead, path, "approve", {"note": "Đồng ý"})
    assert done.status_code == 200 and done.get_json()["status"] == "accepted"
    db.session.expire_all()
    petition = db.session.get(Petition, petition.id)
    assert petition.case_id is not None
    events = db.session.scalars(select(Event).where(Event.subject_type == "petition",
                                                    Event.subject_id == petition.id)).all()
    assert {"classify", "propose", "approved_accept"} <= {e.action for e in events}
    assert any(e.actor_user_id == leader.id for e in events)
    # The wrong state is a conflict, not a crash.
    assert _act(client, h, path, "classify", {"kind": "complaint"}).status_code == 409
    assert client.post(f"{path}/actions/split", json={}, headers=auth(h, **{"If-Match": "*"})).status_code == 404


def test_case_read_and_action_with_if_match(app):
    handler, leader = make_user("handler", "TTLS"), make_user("leader", "TTLS")
    petition = make_petition(handler)
    client = app.test_client()
    h, lead = token_for(handler), token_for(leader)
    path = f"/api/v1/petitions/{petition.id}"
    _act(client, h, path, "classify", {"kind": "complaint", "within_jurisdiction": True, "checks": CHECKS})
    _act(client, h, path, "propose", {"action": "accept"})
    _act(client, lead, path, "approve", {})
    case = db.session.scalars(select(Case)).one()
    listing = client.get("/api/v1/cases", headers=auth(h)).get_json()
    assert [c["id"] for c in listing["items"]] == [case.id]
    cpath = f"/api/v1/cases/{case.id}"
    read = client.get(cpath, headers=auth(h))
    assert read.status_code == 200 and read.get_json()["petitions"][0]["tracking_code"] == petition.tracking_code
    assert "start_verification" in read.get_json()["allowed_actions"]
    assert client.get(cpath, headers=auth(token_for(make_user("leader", "XCL")))).status_code == 404
    etag = read.headers["ETag"]
    assert client.get(cpath, headers=auth(h, **{"If-None-Match": etag})).status_code == 304
    moved = client.post(f"{cpath}/actions/start_verification", json={"note": "Giao tổ xác minh"},
                        headers=auth(h, **{"If-Match": etag}))
    assert moved.status_code == 200 and moved.get_json()["status"] == "verifying"
    again = client.post(f"{cpath}/actions/hold_dialogue", json={}, headers=auth(h, **{"If-Match": etag}))
    assert again.status_code == 412
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "verifying"


def test_create_visit_logs_it_and_makes_the_walk_in_petition(app):
    receptionist = make_user("receptionist", "TTLS")
    client = app.test_client()
    secret = token_for(receptionist)
    body = {"place": "Trụ sở", "kind": "complaint", "outcome": "petition_received",
            "summary": "Công dân khiếu nại việc bồi thường khi thu hồi đất.",
            "visitors": [{"full_name": "Phạm Văn Bình", "id_number": "020085004321", "phone": "0912 000 111"}]}
    resp = client.post("/api/v1/visits", json=body, headers=auth(secret, **{"Idempotency-Key": "v" * 30}))
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()
    assert data["petition"]["tracking_code"] and data["petition"]["access_key"]
    assert data["register_number"].endswith("/" + data["visited_at"][:4]) or "/" in data["register_number"]
    replay = client.post("/api/v1/visits", json=body, headers=auth(secret, **{"Idempotency-Key": "v" * 30}))
    assert replay.status_code == 200 and replay.get_json()["id"] == data["id"]
    bad = client.post("/api/v1/visits", json={**body, "visitors": [{"full_name": "A", "id_number": "12"}],
                                              "outcome": "guided"}, headers=auth(secret))
    assert bad.status_code == 422
    errors = bad.get_json()["errors"]
    assert "12 chữ số" in errors["visitors[0].id_number"][0]
    rule = client.post("/api/v1/visits", json={**body, "outcome": "guided"}, headers=auth(secret))
    assert rule.status_code == 422 and "guided_to" in rule.get_json()["errors"]  # the service's own rule
