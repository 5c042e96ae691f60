"""The intake service against a real database: tracking codes under concurrency, rollback, events."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from app.audit.models import Event
from app.extensions import db
from app.petitions import services
from app.counters import Counter
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


def test_rolled_back_submission_gives_its_number_back(app):
    first = submit(services.new_form_token())
    db.session.commit()
    submit(services.new_form_token())
    db.session.rollback()
    third = submit(services.new_form_token())
    db.session.commit()
    assert int(first.tracking_code[-6:]) + 1 == int(third.tracking_code[-6:])


def test_sequences_are_per_agency_and_year(app):
    from app.agencies.models import Agency

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
    counter = db.session.scalars(select(Counter).where(Counter.series == "petition")).one()
    assert counter.last_value == n


@pytest.fixture
def app_overrides(backend):
    # Enough connections for 50 simultaneous submissions on PostgreSQL.
    if backend == "postgresql":
        return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 55, "max_overflow": 5}}
    return {}
