"""The intake service against a real database: tracking codes under concurrency, rollback, events."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from app.agencies.models import Agency
from app.audit.models import Event
from app.extensions import db
from app.petitions import services
from app.counters import last_value
from app.petitions.models import Petition
from app.petitions.services import PersonData, PetitionDraft


def draft(**overrides) -> PetitionDraft:
    values = dict(
        kind="proposal",
        petitioner=PersonData(full_name="Hoàng Văn Bình", id_number="020080001111", phone="0912000111"),
        title="Đường liên thôn xuống cấp",
        content="Đoạn đường liên thôn dài 2 km bị sạt lở nhiều chỗ, đi lại khó khăn.",
        request="Đề nghị sửa chữa",
        respondent="",
    )
    values.update(overrides)
    return PetitionDraft(**values)


def submit(token: str) -> Petition:
    result = services.submit_online_petition(draft(), form_token=token, new_files=[], written_keys=[])
    return result.petition


def test_receipt_event_is_public_and_first(app):
    petition = submit(services.new_form_token())
    db.session.commit()
    events = db.session.scalars(select(Event).where(Event.subject_id == petition.id)).all()
    assert [(e.action, e.is_public, e.to_status) for e in events] == [("received", True, "received")]


def test_a_rolled_back_submission_gives_its_number_back_only_where_numbers_queue(app, backend):
    first = submit(services.new_form_token())
    db.session.commit()
    submit(services.new_form_token())
    db.session.rollback()
    third = submit(services.new_form_token())
    db.session.commit()
    if backend == "sqlite":  # the counter row: the rolled-back increment is undone, no gap
        assert int(first.tracking_code[-6:]) + 1 == int(third.tracking_code[-6:])
    else:  # a sequence (app/counters.py): the number drawn by the failed submission stays unused
        assert int(first.tracking_code[-6:]) + 2 == int(third.tracking_code[-6:])


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_submissions_to_one_agency_never_wait_for_each_other(live_app, backend):
    """PostgreSQL: a submission holding its transaction open does not hold up the next one to the
    same agency — no row is updated by every submission (issue 8: the UK petitions' hot row)."""
    from sqlalchemy import text

    with live_app.app_context():  # the agency-year's first number makes its sequence (committed here)
        earlier = submit(services.new_form_token()).tracking_code
        db.session.commit()
    opened, done = threading.Event(), threading.Event()
    seen: dict[str, str] = {"earlier": earlier}
    errors: list[BaseException] = []

    def slow():
        try:
            with live_app.app_context():
                petition = submit(services.new_form_token())
                db.session.flush()
                seen["slow"] = petition.tracking_code
                opened.set()
                done.wait(timeout=30)  # still uncommitted while the other one runs
                db.session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            opened.set()

    def quick():
        try:
            with live_app.app_context():
                db.session.execute(text("SET LOCAL lock_timeout = '5s'"))  # a wait would fail here
                seen["quick"] = submit(services.new_form_token()).tracking_code
                db.session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    first = threading.Thread(target=slow)
    first.start()
    assert opened.wait(timeout=30)
    second = threading.Thread(target=quick)
    second.start()
    second.join(timeout=20)
    quick_finished_first = not second.is_alive()
    done.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert not errors, errors
    assert quick_finished_first, "the second submission waited for the first one's commit"
    slow_n, quick_n = int(seen["slow"][-6:]), int(seen["quick"][-6:])
    assert seen["slow"][:-6] == seen["quick"][:-6] and quick_n == slow_n + 1 == int(earlier[-6:]) + 2
    db.session.remove()
    assert {p.tracking_code for p in db.session.scalars(select(Petition))} == set(seen.values())


def test_numbering_continues_after_a_bulk_load(app):
    """Numbers given by a bulk load (app.counters.raise_to): the next submission follows on."""
    from app.counters import raise_to

    first = submit(services.new_form_token())
    db.session.commit()
    agency_id, year = first.agency_id, int(first.tracking_code.split("-")[1])
    raise_to("petition", agency_id, year, 41)
    assert last_value("petition", agency_id, year) == 41
    nxt = submit(services.new_form_token())
    db.session.commit()
    assert nxt.tracking_code.endswith("-000042")
    raise_to("petition", agency_id, year, 10)  # never back
    assert submit(services.new_form_token()).tracking_code.endswith("-000043")


def test_sequences_are_per_agency_and_year(app):


    commune = db.session.scalars(select(Agency).where(Agency.code == "XCL")).one()
    a = submit(services.new_form_token())
    b = services.submit_online_petition(draft(addressed_agency_id=commune.id), form_token=services.new_form_token(),
                                        new_files=[], written_keys=[]).petition
    db.session.commit()
    assert a.tracking_code.endswith("-000001") and a.tracking_code.startswith("BTCD-"), a.tracking_code
    assert b.tracking_code.endswith("-000001") and b.tracking_code.startswith("XCL-")


def test_fifty_citizens_at_the_same_moment_get_gap_free_codes(live_app, backend):
    """50 submissions released together: 50 distinct codes 1..50, no gap, no error."""
    n = 50
    barrier = threading.Barrier(n)
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker():
        try:
            with live_app.app_context():
                token = services.new_form_token()
                barrier.wait(timeout=30)
                petition = submit(token)
                db.session.commit()
                with lock:
                    codes.append(petition.tracking_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(exc)
        # Leaving the app context removed the thread's session (Flask-SQLAlchemy's teardown).

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors[:3]
    numbers = sorted(int(c[-6:]) for c in codes)
    assert numbers == list(range(1, n + 1))
    assert len(set(codes)) == n
    agency = db.session.scalars(select(Agency).where(Agency.code == codes[0].split("-")[0])).one()
    assert last_value("petition", agency.id, int(codes[0].split("-")[1])) == n


@pytest.fixture
def app_overrides(backend):
    # Enough connections for 50 simultaneous submissions on PostgreSQL.
    if backend == "postgresql":
        return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 55, "max_overflow": 5}}
    return {}
