"""`flask demo generate`: bulk generated records that hang together like real ones, on both databases."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from app import create_app
from app.audit.models import Event
from app.bench.generator import bench_access_key
from app.cases.models import Case
from app.counters import last_value, next_value
from app.crypto import decrypt_json
from app.extensions import db
from app.petitions import services
from app.petitions.models import Petition, Petitioner
from app.text import fold
from tests.conftest import hidden_fields, make_config, valid_petition_data


def _generate(app, *args: str):
    result = app.test_cli_runner().invoke(args=["demo", "generate", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_generated_petitions_have_people_events_cases_and_gap_free_codes(app):
    output = _generate(app, "--petitions", "60", "--batch", "100", "--agencies", "BTCD,TTLS")
    assert "Generated 60 petitions" in output
    petitions = db.session.scalars(select(Petition)).all()
    assert len(petitions) == 60
    assert {p.agency.code for p in petitions} == {"BTCD", "TTLS"}

    numbers = defaultdict(list)
    for p in petitions:
        agency, year, number = p.tracking_code.rsplit("-", 2)
        numbers[(p.agency_id, int(year))].append(int(number))
        assert p.petitioners, p.tracking_code
        assert p.due_date is not None and p.search_folded == fold(p.search_folded)
        assert (p.case_id is not None) == (p.status == "accepted")
        for person in p.petitioners:
            if p.kind == "denunciation":
                # The denunciator's identity only encrypted, never in the clear nor in the search text.
                assert person.is_protected and person.full_name is None and person.id_number is None
                name = decrypt_json(person.protected_identity.ciphertext)["full_name"]
                assert fold(name) not in p.search_folded
            else:
                assert person.full_name and len(person.id_number) == 12 and fold(person.full_name) in p.search_folded
    for (agency_id, year), got in numbers.items():
        assert sorted(got) == list(range(1, len(got) + 1))  # one series, no gap, no repeat
        assert last_value("petition", agency_id, year) == len(got)
        assert next_value("petition", agency_id, year) == len(got) + 1  # the next real submission follows on

    received = db.session.scalar(select(func.count(Event.id)).where(Event.action == "received"))
    assert received == 60
    assert db.session.scalar(select(func.count(Case.id))) == sum(p.status == "accepted" for p in petitions)
    assert db.session.scalar(select(func.count(Petitioner.id))) >= 60
    # The load run tracks generated petitions with their known keys.
    sample = petitions[7]
    assert services.find_for_tracking(sample.tracking_code, bench_access_key(sample.id)) == sample
    assert services.find_for_tracking(sample.tracking_code, bench_access_key(sample.id + 1)) is None


def test_a_real_submission_continues_the_generated_series(app, client, lang_son):
    _generate(app, "--petitions", "40", "--agencies", "BTCD", "--days", "20")
    tokens = hidden_fields(client.get("/petitions/new").get_data(as_text=True))
    resp = client.post("/petitions/new", data={**valid_petition_data(*lang_son), **tokens})
    assert resp.status_code == 302
    newest = db.session.scalars(select(Petition).order_by(Petition.id.desc())).first()
    prefix, number = newest.tracking_code.rsplit("-", 1)
    same_series = db.session.scalars(select(Petition.tracking_code).where(Petition.tracking_code.like(prefix + "-%"))).all()
    assert int(number) == len(same_series) == len(set(same_series))


def test_generating_is_refused_in_production():
    app = create_app(make_config(DEMO_DATA_ALLOWED=False))
    result = app.test_cli_runner().invoke(args=["demo", "generate", "--petitions", "5"])
    assert result.exit_code != 0 and "not loaded in production" in result.output
