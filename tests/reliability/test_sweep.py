"""`flask storage sweep`: stored files no row names (left by a crash between writing a file and
committing its row) are removed once old enough — never a file that any table refers to."""
from __future__ import annotations

import os
import time
from datetime import timedelta

from sqlalchemy import select

from app.cases.models import Case
from app.db import Base, utcnow
from app.extensions import db
from app.petitions.models import Attachment, StagedUpload
from app.reception.models import Visit
from app.storage import files
from app.storage.references import STORED_FILE_COLUMNS, referenced_keys, sweep_orphans
from tests.reports import factories

# Columns ending in _key that do not name a stored file.
NOT_FILES = {("outbox_messages", "dedupe_key"), ("imported_rows", "row_key")}


def _age(key: str, hours: float) -> None:
    """Pretend the file was written `hours` ago."""
    then = time.time() - hours * 3600
    os.utime(files.path_for(key), (then, then))


def test_every_column_holding_a_storage_key_is_known_to_the_sweep():
    columns = {(t.name, c.name) for t in Base.metadata.sorted_tables for c in t.columns if c.name.endswith("_key")}
    assert columns - NOT_FILES == set(STORED_FILE_COLUMNS)


def test_the_sweep_removes_old_orphans_and_nothing_referenced(app):
    petition = factories.petition("TTLS", utcnow().date())
    keep = {
        "attachment": files.save_bytes(b"attachment"),
        "staged": files.save_bytes(b"staged"),
        "recording": files.save_bytes(b"recording"),
        "decision": files.save_bytes(b"decision"),
    }
    db.session.add(Attachment(petition_id=petition.id, original_name="a.pdf", content_type="application/pdf",
                              size=10, sha256="0" * 64, storage_key=keep["attachment"]))
    db.session.add(StagedUpload(id="c" * 32, form_token_hash="x" * 64, original_name="s.pdf",
                                content_type="application/pdf", size=6, sha256="0" * 64, storage_key=keep["staged"]))
    visit = factories.visit("TTLS", utcnow().date())
    visit.recording_key = keep["recording"]
    case = factories.case("TTLS", "complaint_first", utcnow().date())
    case.decision_file_key = keep["decision"]
    db.session.commit()
    old_orphan = files.save_bytes(b"orphan of a crashed request")
    young_orphan = files.save_bytes(b"a request still between its write and its commit")
    part = files.path_for(files.save_bytes(b"x")).with_suffix(".part")
    part.write_bytes(b"interrupted write")
    for key in [*keep.values(), old_orphan]:
        _age(key, 48)
    os.utime(part, (time.time() - 48 * 3600,) * 2)
    assert keep.keys() and set(keep.values()) <= referenced_keys()

    result = app.test_cli_runner().invoke(args=["storage", "sweep"])
    assert result.exit_code == 0, result.output
    assert "Removed 2 orphan stored files" in result.output
    assert not files.path_for(old_orphan).exists() and not part.exists()
    assert files.path_for(young_orphan).exists()
    for key in keep.values():
        assert files.path_for(key).exists(), key
    # The rows still lead to their files.
    assert files.read_bytes(db.session.scalars(select(Attachment)).one().storage_key) == b"attachment"
    assert files.read_bytes(db.session.get(Visit, visit.id).recording_key) == b"recording"
    assert files.read_bytes(db.session.get(Case, case.id).decision_file_key) == b"decision"


def test_a_file_committed_after_the_listing_is_not_removed(app, monkeypatch):
    """The references are read after the files are listed: a row committed in between protects its file."""
    from app.storage import references

    petition = factories.petition("TTLS", utcnow().date())
    db.session.commit()
    key = files.save_bytes(b"late commit")
    _age(key, 48)
    listed = references.stored_files

    def list_then_commit(root):
        found = listed(root)
        db.session.add(Attachment(petition_id=petition.id, original_name="late.pdf", content_type="application/pdf",
                                  size=11, sha256="0" * 64, storage_key=key))
        db.session.commit()
        return found

    monkeypatch.setattr(references, "stored_files", list_then_commit)
    result = sweep_orphans(24)
    assert result.removed == [] and files.path_for(key).exists()


def test_staged_uploads_of_abandoned_forms_still_go(app):
    key = files.save_bytes(b"staged long ago")
    db.session.add(StagedUpload(id="d" * 32, form_token_hash="y" * 64, original_name="old.pdf",
                                content_type="application/pdf", size=3, sha256="0" * 64, storage_key=key,
                                created_at=utcnow() - timedelta(days=3)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["storage", "sweep"])
    assert "Removed 1 staged uploads" in result.output
    assert not files.path_for(key).exists()
