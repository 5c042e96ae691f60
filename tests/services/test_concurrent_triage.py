"""Two staff acting on the same petition at once: one wins, the other is told; nothing overwritten."""
from __future__ import annotations

import threading

from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.petitions import services, triage
from app.petitions.models import Petition
from tests.conftest import make_user
from tests.services.test_intake import draft

CHECKS = {"language": True, "identity": True, "complaint_content": True, "not_sent_to_many": True,
          "not_already_guided": True, "denunciation_content": True}


def test_two_handlers_classify_at_once(live_app):
    a_user = make_user("handler", "BTCD")
    b_user = make_user("handler", "BTCD")
    petition_id = services.submit_online_petition(draft(kind="complaint", respondent="UBND xã"),
                                                  form_token=services.new_form_token(), new_files=[],
                                                  written_keys=[]).petition.id
    db.session.commit()

    both_loaded = threading.Barrier(2)
    a_done = threading.Event()
    results: dict[str, object] = {}

    def worker(name, user_id, kind, wait_for_a):
        from app.auth.models import User

        with live_app.app_context():
            try:
                user = db.session.get(User, user_id)
                petition = db.session.get(Petition, petition_id)
                version = petition.version_id
                both_loaded.wait(timeout=10)  # both have read the same version
                if wait_for_a:
                    a_done.wait(timeout=10)
                triage.classify(petition, user, version=version, kind=kind, category_id=None, multi_signer=False,
                                checks=CHECKS, within_jurisdiction=True, note=name)
                db.session.commit()
                results[name] = "ok"
            except (StaleDataError, triage.StaleState) as exc:
                db.session.rollback()
                results[name] = exc
            finally:
                if not wait_for_a:
                    a_done.set()
                db.session.remove()

    ta = threading.Thread(target=worker, args=("a", a_user.id, "complaint", False))
    tb = threading.Thread(target=worker, args=("b", b_user.id, "proposal", True))
    ta.start(), tb.start()
    ta.join(20), tb.join(20)
    assert results["a"] == "ok"
    assert isinstance(results["b"], (StaleDataError, triage.StaleState))
    db.session.expire_all()
    petition = db.session.get(Petition, petition_id)
    assert petition.kind == "complaint"  # B did not overwrite A
    assert petition.version_id == 2
