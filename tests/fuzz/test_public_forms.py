"""Property-based fuzzing of every public form (Hypothesis), on SQLite and PostgreSQL.

Each form gets generated input — Vietnamese and any Unicode, control characters, very long
text, missing fields, lists where one value is expected, huge numbers, dates in odd formats,
files of any content — with a valid CSRF token and the honeypot empty. After every example:
never a server error, and never a half-record — either exactly one complete record or nothing,
with no counter advanced and no file stored for nothing.

FUZZ_EXAMPLES examples per form (tests/fuzz/strategies.py): 50 locally, 1,000 in CI on SQLite and 250 more on PostgreSQL.
"""
from __future__ import annotations

import io
import logging
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from werkzeug.datastructures import MultiDict

from app.agencies.models import AdminUnit, Agency
from app.audit.models import Event
from app.counters import Counter
from app.extensions import db
from app.petitions.models import Attachment, Petition, Petitioner, ProtectedIdentity, StagedUpload
from app.petitions.services import new_form_token
from app.petitions.tracking import derive_access_key, hash_access_key
from app.reception.models import OnlineRequest
from tests.conftest import csrf_of
from tests.files import docx_bytes, jpeg_with_gps, pdf_bytes, pdf_with, png_bytes, zip_bytes
from tests.fuzz.strategies import encode, field_value, form_data, fuzz, junk

ONLINE = "/tiep-cong-dan-truc-tuyen"
CCCDS = ["020085001234", "001099012345", "079203000111"]
PHONES = ["0912 345 678", "+84912345678", "0243 825 3111", "0987654321"]
KINDS = ["complaint", "denunciation", "proposal"]


@pytest.fixture
def app_overrides():
    """No rate limits: a thousand submissions from one address must reach the forms."""
    return {"RATELIMIT_ENABLED": False}


# --- what the database holds -----------------------------------------------------------------

def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def counters_total() -> int:
    """Numbers given so far: counter rows, and on PostgreSQL the sequences of app/counters.py."""
    total = db.session.scalar(select(func.coalesce(func.sum(Counter.last_value), 0)))
    if db.session.get_bind().dialect.name == "postgresql":
        total += db.session.scalar(text(
            "SELECT coalesce(sum(last_value), 0) FROM pg_sequences WHERE schemaname = current_schema() "
            "AND sequencename LIKE 'counter\\_%'"))
    return total


def stored_files(app) -> int:
    root = Path(app.config["UPLOAD_ROOT"])
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def state(app) -> dict:
    """The counts a public form may change; ends the read (a commit, see test_route_walk._fingerprint)."""
    out = {
        "petitions": count(Petition), "petitioners": count(Petitioner), "identities": count(ProtectedIdentity),
        "attachments": count(Attachment), "staged": count(StagedUpload), "requests": count(OnlineRequest),
        "events": count(Event), "counters": counters_total(), "files": stored_files(app),
    }
    db.session.commit()
    return out


class _LastError(logging.Handler):
    """Keeps the last error the app logged, to show with a failing example."""

    text = ""

    def emit(self, record):
        _LastError.text = self.format(record)


@pytest.fixture(autouse=True)
def last_error(app):
    handler = _LastError(level=logging.ERROR)
    app.logger.addHandler(handler)
    yield
    app.logger.removeHandler(handler)


def assert_no_server_error(resp, data) -> None:
    assert resp.status_code < 500, (resp.status_code, data, _LastError.text[-3000:])


def assert_on_site(location: str) -> None:
    """A redirect stays on this site."""
    parts = urlsplit(location)
    assert parts.scheme in ("", "http") and parts.netloc in ("", "localhost"), location
    assert parts.path.startswith("/") and not parts.path.startswith("//"), location


# --- the petition form -----------------------------------------------------------------------

FILES = st.lists(
    st.tuples(
        st.sampled_from([pdf_bytes(), png_bytes(), jpeg_with_gps(), docx_bytes(), zip_bytes(), b"MZ\x90\x00",
                         pdf_with(b"/OpenAction<</S/JavaScript/JS(x)>>"), b"", b"\x89PNG\r\n\x1a\n\x00"]),
        st.one_of(st.sampled_from(["don.pdf", "ảnh chụp.jpg", "../../x.pdf", "", "a" * 300 + ".pdf",
                                   "con\x00trol.png"]), st.text(max_size=40).filter(lambda s: "\x00" not in s)),
    ),
    max_size=3,
)


@pytest.fixture
def petition_choices(app):
    province = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "province", AdminUnit.code == "20")).one()
    communes = db.session.scalars(select(AdminUnit.id).where(AdminUnit.parent_id == province.id).limit(3)).all()
    agencies = db.session.scalars(select(Agency.id).limit(3)).all()
    db.session.commit()
    return {"province": str(province.id), "communes": [str(c) for c in communes], "agencies": [str(a) for a in agencies]}


def petition_strategy(choices):
    valid = {
        "kind": st.sampled_from(KINDS),
        "full_name": st.one_of(st.just("Nguyễn Văn An"), st.sampled_from(["Đặng Thị Ánh", "Lò Văn Pá"])),
        "id_number": st.sampled_from(CCCDS),
        "phone": st.sampled_from(PHONES),
        "email": st.sampled_from(["", "an@example.vn"]),
        "email_opt_in": st.sampled_from(["", "y"]),
        "province": st.just(choices["province"]),
        "commune": st.sampled_from(choices["communes"]),
        "address": st.just("Thôn Bản Làn"),
        "is_group": st.sampled_from(["", "y"]),
        "group_size": st.sampled_from(["", "5", "12"]),
        "representatives": st.sampled_from(["", "Lý Văn B\nHoàng Thị C"]),
        "addressed_agency": st.sampled_from(["", *choices["agencies"]]),
        "respondent": st.just("UBND xã Cao Lộc"),
        "title": st.just("Khiếu nại quyết định thu hồi đất"),
        "content": st.just("Gia đình tôi bị thu hồi 300 m2 đất nhưng mức bồi thường thấp hơn giá thị trường."),
        "request_text": st.just("Đề nghị xem xét lại."),
        "previously_handled": st.sampled_from(["no", "yes"]),
        "prior_handler": st.sampled_from(["", "UBND xã"]),
        "prior_date": st.sampled_from(["", "15/03/2025"]),
        "prior_decision_number": st.sampled_from(["", "12/QĐ-UBND"]),
        "declaration": st.just("y"),
        "refresh_communes": st.sampled_from([None, None, None, "1"]),
        "remove_staged": st.none(),
    }
    return st.tuples(form_data(valid), FILES, st.sampled_from(["fresh", "fresh", "fresh", "junk"]))


def test_petition_form(app, petition_choices):
    client = app.test_client()
    csrf = csrf_of(client, "/petitions/new")

    @fuzz(petition_strategy(petition_choices), junk())
    def run(example, junk_token):
        data, files, token_kind = example
        token = new_form_token() if token_kind == "fresh" else junk_token
        before = state(app)
        payload = MultiDict(encode(data))
        payload.setlist("csrf_token", [csrf])
        payload.setlist("form_token", [token])
        payload.setlist("website", [""])
        for content, name in files:
            payload.add("attachments", (io.BytesIO(content), name))
        resp = client.post("/petitions/new", data=payload, content_type="multipart/form-data")
        assert_no_server_error(resp, data)
        after = state(app)
        made = after["petitions"] - before["petitions"]
        assert made in (0, 1), (made, data)
        assert after["counters"] - before["counters"] == made, data  # a number only for a petition
        assert after["files"] == after["attachments"] + after["staged"], data  # no file stored for nothing
        if made:
            assert resp.status_code == 302 and resp.headers["Location"].endswith("/petitions/receipt")
            petition = db.session.scalars(select(Petition).order_by(Petition.id.desc())).first()
            assert petition.tracking_code and petition.petitioners, data
            first = petition.petitioners[0]
            assert first.full_name or first.protected_identity is not None, data
            assert after["events"] > before["events"], data
            db.session.commit()
        else:
            for name in ("petitioners", "identities", "attachments"):
                assert after[name] == before[name], (name, data)

    run()
    # The deep paths were reached: petitions made, files kept.
    assert count(Petition) >= 1 and count(Attachment) + count(StagedUpload) >= 1


# --- tracking and the language switch: they change nothing ---------------------------------------

def unchanged(app, before, resp, data) -> None:
    assert_no_server_error(resp, data)
    assert state(app) == before, data


@pytest.fixture
def tracked_petition(app):
    """A petition filed through the form: its code and access key (to find it sometimes)."""
    client = app.test_client()
    from tests.conftest import valid_petition_data
    from tests.functional.test_petition_form import open_form, post_form

    province = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "province", AdminUnit.code == "20")).one()
    commune = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "commune", AdminUnit.code == "6193")).one()
    tokens = open_form(client)
    assert post_form(client, tokens, valid_petition_data(province.id, commune.id)).status_code == 302
    petition = db.session.scalars(select(Petition)).one()
    db.session.commit()
    return petition.tracking_code, derive_access_key(tokens["form_token"])


def test_tracking(app, tracked_petition):
    client = app.test_client()
    csrf = csrf_of(client, "/track")
    code, key = tracked_petition

    @fuzz(form_data({"code": st.sampled_from([code, code.lower(), f" {code} "]),
                      "key": st.sampled_from([key, key.replace("-", ""), key.lower()])}))
    def run(data):
        before = state(app)
        payload = MultiDict(encode(data))
        payload.setlist("csrf_token", [csrf])
        resp = client.post("/track", data=payload)
        unchanged(app, before, resp, data)
        if resp.status_code == 302:
            assert resp.headers["Location"].endswith("/track/status")
            assert client.get("/track/status").status_code == 200
            found.append(data)

    found = []
    run()
    assert found  # the right code and key were among the inputs, and found the petition


def test_language_switch(app):
    client = app.test_client()
    csrf = csrf_of(client, "/")

    @fuzz(form_data({"lang": st.sampled_from(["vi", "en"]),
                      "next": st.sampled_from(["/", "/petitions/new", "/track?code=A", "//evil.example", "https://x",
                                               "/\\evil", "javascript:alert(1)"])}))
    def run(data):
        before = state(app)
        payload = MultiDict(encode(data))
        payload.setlist("csrf_token", [csrf])
        resp = client.post("/lang", data=payload)
        unchanged(app, before, resp, data)
        assert resp.status_code == 302, data
        assert_on_site(resp.headers["Location"])
        assert client.get("/").status_code == 200  # whatever was chosen, the site still renders

    run()


def test_staff_sign_in_form(app):
    """The one public form of the staff side: any input is a refusal, never an error or a way off site."""
    client = app.test_client()
    csrf = csrf_of(client, "/staff/login")

    @fuzz(form_data({"email": st.sampled_from(["", "khong-co@example.vn"]), "password": st.sampled_from(["", "x"]),
                      "next": st.sampled_from(["", "/staff/", "//evil.example", "https://evil.example"])}))
    def run(data):
        payload = MultiDict(encode(data))
        payload.setlist("csrf_token", [csrf])
        resp = client.post("/staff/login", data=payload)
        assert_no_server_error(resp, data)
        assert resp.status_code in (200, 400, 422), (resp.status_code, data)  # no such account: never signed in

    run()


# --- online reception: the request, the status look-up, the citizen's answers ---------------------

@pytest.fixture
def open_slots(app):
    """Three open slots of the Ban tiếp công dân (room for many), a week ahead."""
    from tests.functional.test_online_reception import make_slot

    slots = [make_slot("BTCD", start=f"{h:02d}:00", end=f"{h + 1:02d}:00", capacity=10_000) for h in (8, 9, 10)]
    ids = [s.id for s in slots]
    agency_id = slots[0].agency_id
    db.session.commit()
    return agency_id, ids


def test_online_reception_request(app, open_slots):
    client = app.test_client()
    csrf = csrf_of(client, ONLINE + "/")
    agency_id, slot_ids = open_slots
    valid = {
        "agency": st.just(str(agency_id)), "slot": st.sampled_from([str(i) for i in slot_ids]),
        "kind": st.sampled_from(KINDS),
        "summary": st.just("Khiếu nại việc bồi thường khi thu hồi đất nông nghiệp của gia đình tôi."),
        "full_name": st.just("Nguyễn Văn An"), "id_number": st.sampled_from(CCCDS), "phone": st.sampled_from(PHONES),
        "email": st.sampled_from(["", "an@example.vn"]), "consent": st.just("y"),
    }

    @fuzz(form_data(valid), st.sampled_from(["fresh", "fresh", "fresh", "junk"]), junk())
    def run(data, token_kind, junk_token):
        before = state(app)
        payload = MultiDict(encode(data))
        payload.setlist("csrf_token", [csrf])
        payload.setlist("form_token", [new_form_token() if token_kind == "fresh" else junk_token])
        payload.setlist("website", [""])
        resp = client.post(ONLINE + "/", data=payload)
        assert_no_server_error(resp, data)
        after = state(app)
        made = after["requests"] - before["requests"]
        assert made in (0, 1) and after["counters"] - before["counters"] == made, data
        if made:
            assert resp.status_code == 302
            req = db.session.scalars(select(OnlineRequest).order_by(OnlineRequest.id.desc())).first()
            assert req.code and req.slot_id in slot_ids and (req.full_name or req.protected_identity), data
            assert after["events"] == before["events"] + 1, data
            db.session.commit()
        else:
            assert after == before, data

    run()
    assert count(OnlineRequest) >= 1


@pytest.fixture
def online_request(app, open_slots):
    """make() → (request id, code, key): a fresh request waiting for the citizen's answer to a proposed time."""
    agency_id, slot_ids = open_slots

    def make():
        token = new_form_token()
        req = OnlineRequest(code=f"TT-BTCD-2026-{secrets.randbelow(10**6):06d}{secrets.token_hex(2)}",
                            access_key_hash=hash_access_key(derive_access_key(token)), agency_id=agency_id,
                            status="proposed", kind="complaint", summary="Yêu cầu mẫu", full_name="Nguyễn Văn An",
                            slot_id=slot_ids[0], proposed_slot_id=slot_ids[1])
        db.session.add(req)
        db.session.commit()
        return req.id, req.code, derive_access_key(token)

    return make


def test_online_status_look_up(app, online_request):
    client = app.test_client()
    csrf = csrf_of(client, ONLINE + "/status")
    _id, code, key = online_request()

    @fuzz(form_data({"code": st.sampled_from([code, code.lower()]), "key": st.sampled_from([key, key.lower()])}))
    def run(data):
        before = state(app)
        payload = MultiDict(encode(data))
        payload.setlist("csrf_token", [csrf])
        resp = client.post(ONLINE + "/status", data=payload)
        unchanged(app, before, resp, data)

    run()


@pytest.mark.parametrize("action", ["accept", "change", "cancel"])
def test_online_citizen_answers(app, online_request, open_slots, action):
    """The citizen's answers on the status page: a change of status comes with its event, or nothing changes."""
    from app.reception.public_views import TRACK_KEY

    client = app.test_client()
    csrf = csrf_of(client, ONLINE + "/status")
    _agency, slot_ids = open_slots
    prefix = "change" if action == "change" else "answer"
    valid = {f"{prefix}-version": st.sampled_from(["1", "2"]),
             **({"change-slot": st.sampled_from([str(i) for i in slot_ids])} if action == "change" else {})}

    @fuzz(form_data(valid))
    def run(data):
        request_id, _code, _key = online_request()
        with client.session_transaction() as sess:
            sess[TRACK_KEY] = request_id
        events_before = count(Event)
        db.session.commit()
        payload = MultiDict(encode(data))
        payload.setlist("csrf_token", [csrf])
        resp = client.post(f"{ONLINE}/status/{action}", data=payload)
        assert_no_server_error(resp, data)
        db.session.expire_all()
        req = db.session.get(OnlineRequest, request_id)
        new_events = count(Event) - events_before
        if req.status == "proposed" and req.version_id == 1:
            assert new_events == 0, data
        else:
            assert resp.status_code == 302, data
            assert req.status in ("requested", "confirmed", "cancelled") and new_events >= 1, data
            assert req.slot_id in slot_ids, data
            answered.append(req.status)
        db.session.commit()

    answered = []
    run()
    assert answered  # some answers were taken, not only refused


# --- every other public POST: any fields at all ---------------------------------------------------

def test_every_public_post_route_with_any_fields(app):
    """Receipt and forget buttons, and whatever public POST route comes next: never a server error."""
    rules = [r for r in app.url_map.iter_rules() if "POST" in r.methods and not r.rule.startswith(("/staff", "/api"))
             and "<" not in r.rule]
    assert len(rules) >= 8
    client = app.test_client()
    csrf = csrf_of(client, "/")

    @fuzz(st.sampled_from(rules), st.dictionaries(st.one_of(st.sampled_from(["code", "key", "lang", "next", "form_token",
                                                                              "answer-version", "slot", "website"]),
                                                             st.text(max_size=20)),
                                                   field_value(), max_size=6))
    def run(rule, data):
        payload = MultiDict(encode(data))
        payload.setlist("csrf_token", [csrf])
        resp = client.post(rule.rule, data=payload)
        assert_no_server_error(resp, (rule.rule, data))

    run()
