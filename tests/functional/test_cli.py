"""CLI: seeding is idempotent and complete; the staged-upload sweep."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.agencies.models import AdminUnit, Agency
from app.calendar.models import DeadlineRule
from app.db import utcnow
from app.extensions import db
from app.petitions.models import ContentCategory, StagedUpload
from app.storage import files


def counts():
    units = dict(db.session.execute(select(AdminUnit.level, func.count()).group_by(AdminUnit.level)).all())
    return (units, db.session.scalar(select(func.count(Agency.id))),
            db.session.scalar(select(func.count(ContentCategory.id))),
            db.session.scalar(select(func.count(DeadlineRule.id))))


def test_seed_reference_and_demo_are_complete_and_idempotent(app):
    before = counts()
    assert before[0] == {"province": 34, "commune": 3321}
    assert before[1] == 5
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "reference"])
    assert result.exit_code == 0, result.output
    assert "3355 added" not in result.output and "0 added" in result.output
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert counts() == before


def test_every_rule_has_a_legal_source(app):
    rules = db.session.scalars(select(DeadlineRule)).all()
    codes = {r.code for r in rules}
    assert {"petition.triage", "complaint.accept", "complaint.first.resolve", "complaint.second.resolve",
            "complaint.second.window", "denunciation.initial", "denunciation.transfer",
            "denunciation.resolve", "reception.reply"} <= codes
    assert all(r.legal_source and r.days > 0 for r in rules)


def test_demo_tree_has_a_default_intake_body(app):
    board = db.session.scalars(select(Agency).where(Agency.is_default_intake.is_(True))).one()
    assert board.code == "BTCD" and board.parent.code == "LS"


def test_storage_sweep_removes_old_staged_uploads(app):
    key_old, key_new = files.save_bytes(b"old"), files.save_bytes(b"new")
    db.session.add_all([
        StagedUpload(id="a" * 32, form_token_hash="x" * 64, original_name="old.pdf", content_type="application/pdf",
                     size=3, sha256="0" * 64, storage_key=key_old, created_at=utcnow() - timedelta(days=2)),
        StagedUpload(id="b" * 32, form_token_hash="x" * 64, original_name="new.pdf", content_type="application/pdf",
                     size=3, sha256="0" * 64, storage_key=key_new),
    ])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["storage", "sweep"])
    assert "Removed 1" in result.output
    assert not files.path_for(key_old).exists() and files.path_for(key_new).exists()
    assert [s.original_name for s in db.session.scalars(select(StagedUpload))] == ["new.pdf"]


def test_demo_reception_data_goes_through_the_desk_rules_once(app):
    from sqlalchemy import func

    from app.reception.models import ReceptionSession, Visit

    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    visits = db.session.scalars(select(Visit).order_by(Visit.number)).all()
    assert [v.number for v in visits] == [1, 2, 3]
    assert visits[0].is_group and visits[0].people_count == 12 and visits[0].petition.channel == "walk_in"
    assert visits[1].is_repeat and visits[1].repeat_of_petition_id == visits[0].petition_id
    assert db.session.scalar(select(func.count(ReceptionSession.id))) >= 1
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert db.session.scalar(select(func.count(Visit.id))) == 3
