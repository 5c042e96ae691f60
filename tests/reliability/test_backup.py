"""Backups: `flask backup create` then `flask backup restore` into an empty database and an empty
upload root finds every petition, case, visit and file (byte for byte), on SQLite and PostgreSQL;
a non-empty target and a damaged archive are refused before anything is written."""
from __future__ import annotations

import io
import json
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text

from app import create_app
from app.backup.archive import check_pg_tools, libpq_target, read_manifest
from app.cases.models import Case
from app.cases.services import attach_decision_file
from app.crypto import decrypt_json
from app.db import utcnow
from app.extensions import db
from app.petitions.models import Attachment, Petition
from app.petitions.services import new_form_token
from app.reception.models import Visit
from app.reception.services import VisitDraft, VisitorInput, log_visit
from app.storage import files
from tests.conftest import (
    PG_URL,
    create_pg_database,
    drop_pg_database,
    make_config,
    make_user,
    require,
    sign_in,
    valid_petition_data,
)
from tests.files import docx_bytes, jpeg_with_gps, pdf_bytes, png_bytes
from tests.functional.test_petition_form import open_form, post_form
from tests.functional.test_triage import act, register_paper


def _lang_son():
    from app.agencies.models import AdminUnit

    province = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "province", AdminUnit.code == "20")).one()
    commune = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "commune", AdminUnit.code == "6193")).one()
    return province.id, commune.id


def build_records(app) -> dict:
    """Petitions with attachments (online and paper, one denunciation), a case with its signed
    decision, a visit with a recording: everything committed, as a running site would have it."""
    client = app.test_client()
    for i, attached in enumerate([[("don.pdf", pdf_bytes()), ("anh.png", png_bytes())],
                                  [("giay-to.docx", docx_bytes()), ("anh.jpg", jpeg_with_gps())]]):
        tokens = open_form(client)
        data = valid_petition_data(*_lang_son(), title=f"Khiếu nại trực tuyến số {i}")
        assert post_form(client, tokens, data, files=attached).status_code == 302
    handler = make_user("handler", "TTLS")
    leader = make_user("leader", "TTLS")
    staff = app.test_client()
    sign_in(staff, handler)
    assert register_paper(staff, attachments=[(io.BytesIO(pdf_bytes()), "don-giay.pdf")]).status_code == 302
    assert register_paper(staff, kind="denunciation", title="Tố cáo cán bộ").status_code == 302
    paper = db.session.scalars(select(Petition).where(Petition.channel == "post", Petition.kind == "complaint")).one()
    checks = {f"check_{c}": "y" for c in ("language", "identity", "complaint_content", "not_sent_to_many",
                                           "not_already_guided")}
    act(staff, paper.id, "classify", "classify", {"kind": "complaint", "within_jurisdiction": "yes", **checks})
    act(staff, paper.id, "propose", "propose", {"action": "accept"})
    boss = app.test_client()
    sign_in(boss, leader)
    assert act(boss, paper.id, "approve", "approve", {}).status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, paper.case_id)
    case.decision_number = "12/QĐ-TTr"
    attach_decision_file(case, leader, filename="quyet-dinh.pdf", data=pdf_bytes(), written_keys=[])
    draft = VisitDraft(visited_at=utcnow() - timedelta(minutes=5), place="Trụ sở", kind="complaint",
                       summary="Nội dung lượt tiếp", outcome="settled", outcome_note="Đã giải thích",
                       visitors=[VisitorInput(full_name="Phạm Văn Bình", id_number="020080001111")])
    visit = log_visit(draft, user=handler, form_token=new_form_token()).visit
    visit.recording_key = files.save_bytes(b"\x1aE\xdf\xa3 a recording")
    visit.recording_name, visit.recording_type, visit.recording_size = "ban-ghi.webm", "video/webm", 20
    db.session.commit()
    return snapshot()


def snapshot() -> dict:
    """What must survive: every petition with its files' bytes, every case and visit with theirs."""
    petitions = {}
    for p in db.session.scalars(select(Petition).order_by(Petition.id)):
        petitions[p.tracking_code] = {
            "title": p.title, "status": p.status, "case_id": p.case_id,
            "people": [(x.full_name, x.id_number) for x in p.petitioners],
            "protected": [decrypt_json(x.protected_identity.ciphertext)["full_name"]
                          for x in p.petitioners if x.protected_identity],
            "files": {a.original_name: files.read_bytes(a.storage_key) for a in p.attachments},
        }
    cases = {c.id: (c.title, c.status, c.decision_number, files.read_bytes(c.decision_file_key)
                    if c.decision_file_key else None) for c in db.session.scalars(select(Case))}
    visits = {v.register_number: (v.summary, [vv.person.full_name for vv in v.visitors if vv.person],
                                  files.read_bytes(v.recording_key) if v.recording_key else None)
              for v in db.session.scalars(select(Visit))}
    return {"petitions": petitions, "cases": cases, "visits": visits}


@pytest.fixture
def target(backend, tmp_path):
    """A new, empty database of the same kind, and its URL."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    url = create_pg_database("dt_restore")
    yield url
    drop_pg_database(url)


def _invoke(app, *args):
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def test_backup_then_restore_into_an_empty_database_finds_everything(live_app, target, tmp_path):
    before = build_records(live_app)
    assert len(before["petitions"]) == 4 and len(before["cases"]) == 1 and len(before["visits"]) == 1
    assert sum(len(p["files"]) for p in before["petitions"].values()) == 5

    result = live_app.test_cli_runner().invoke(args=["backup", "create", "--out", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    archive = next((tmp_path / "backups").glob("backup-*.tar.gz"))
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    manifest = read_manifest(archive)
    assert manifest["counts"]["petitions"] == 4 and manifest["counts"]["cases"] == 1
    assert manifest["counts"]["attachments"] == 5 and manifest["files"] == 7 and manifest["missing_files"] == []
    assert manifest["alembic_revision"]

    restored = create_app(make_config(SQLALCHEMY_DATABASE_URI=target, UPLOAD_ROOT=str(tmp_path / "restored-uploads")))
    result = _invoke(restored, "backup", "restore", str(archive), "--yes")
    assert result.exit_code == 0, result.output
    assert "every count matches" in result.output
    with restored.app_context():
        after = snapshot()
        db.session.remove()
        db.engine.dispose()
    assert after == before  # every petition, case, visit and file, byte for byte

    # A second restore into the now full database is refused, and changes nothing.
    again = _invoke(restored, "backup", "restore", str(archive), "--yes")
    assert again.exit_code != 0 and "not empty" in again.output
    # Unless forced: then the database is replaced by the archive's, and checked again.
    forced = _invoke(restored, "backup", "restore", str(archive), "--yes", "--force")
    assert forced.exit_code == 0, forced.output
    with restored.app_context():
        assert snapshot() == before
        db.session.remove()
        db.engine.dispose()


def test_a_file_missing_from_disk_is_reported_and_the_command_fails(live_app, tmp_path):
    build_records(live_app)
    lost = db.session.scalars(select(Attachment).order_by(Attachment.id)).first().storage_key
    files.path_for(lost).unlink()
    result = live_app.test_cli_runner().invoke(args=["backup", "create", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "not on disk" in result.output
    manifest = read_manifest(next(tmp_path.glob("backup-*.tar.gz")))  # the archive is still written
    assert manifest["missing_files"] == [lost]


def test_a_damaged_archive_is_refused_before_anything_is_written(live_app, target, tmp_path):
    build_records(live_app)
    assert live_app.test_cli_runner().invoke(args=["backup", "create", "--out", str(tmp_path)]).exit_code == 0
    archive = next(tmp_path.glob("backup-*.tar.gz"))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive, "r:gz") as src, tarfile.open(damaged, "w:gz") as dst:
        changed = False
        for member in src:
            data = src.extractfile(member).read()
            if member.name.startswith("uploads/") and not changed:
                data = data[:-1] + bytes([data[-1] ^ 1])  # one bit of one file
                changed = True
            dst.addfile(member, io.BytesIO(data))
    uploads = tmp_path / "restored-uploads"
    restored = create_app(make_config(SQLALCHEMY_DATABASE_URI=target, UPLOAD_ROOT=str(uploads)))
    result = _invoke(restored, "backup", "restore", str(damaged), "--yes")
    assert result.exit_code != 0 and "Checksum mismatch" in result.output
    engine = create_engine(target)
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == []
    engine.dispose()
    assert not uploads.exists() or not any(uploads.rglob("*"))


def test_an_archive_with_a_path_outside_the_upload_root_is_refused(tmp_path):
    archive = tmp_path / "evil.tar.gz"
    payload = b"owned"
    manifest = {"format": 1, "backend": "sqlite", "created_at": "x", "alembic_revision": "0015", "counts": {},
                "files": 1, "missing_files": [], "members": {"uploads/../../etc/x": {"sha256": "0", "size": 5}}}
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (("uploads/../../etc/x", payload), ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    restored = create_app(make_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'r.db'}",
                                      UPLOAD_ROOT=str(tmp_path / "up")))
    result = _invoke(restored, "backup", "restore", str(archive), "--yes")
    assert result.exit_code != 0 and "Unexpected member" in result.output
    assert not (tmp_path.parent / "etc").exists()


def test_pg_dump_on_this_machine_can_dump_the_server():
    require(bool(PG_URL), "TEST_DATABASE_URL is not set (PostgreSQL tests)")
    engine = create_engine(PG_URL)
    try:
        tool, server = check_pg_tools(engine, "pg_dump")
        restore_tool, _ = check_pg_tools(engine, "pg_restore")
    finally:
        engine.dispose()
    assert tool >= server and restore_tool >= server


def test_the_psycopg_url_becomes_a_libpq_url_with_the_password_in_the_environment():
    url, env = libpq_target("postgresql+psycopg://don:s3cr%40t@db.local:5433/donthu?sslmode=require")
    assert url == "postgresql://don@db.local:5433/donthu?sslmode=require"
    assert env["PGPASSWORD"] == "s3cr@t"
    assert "s3cr" not in url


def test_counts_in_the_manifest_are_those_of_the_dump(live_app, tmp_path):
    build_records(live_app)
    result = live_app.test_cli_runner().invoke(args=["backup", "create", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    manifest = read_manifest(next(tmp_path.glob("backup-*.tar.gz")))
    live = {t: db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in manifest["counts"]}
    assert manifest["counts"] == live
    for name, member in manifest["members"].items():
        assert len(member["sha256"]) == 64 and member["size"] >= 0, name
    assert Path(next(tmp_path.glob("backup-*.tar.gz"))).stat().st_size > 0
    assert {a.storage_key for a in db.session.scalars(select(Attachment))} <= \
        {name.rsplit("/", 1)[-1] for name in manifest["members"]}
