"""The audit log: lines chained by hashes, refused UPDATE/DELETE at the database, `flask audit verify`
finding an edited, deleted or moved line, and appends from many threads keeping the chain whole."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app.audit import chain
from app.audit.models import AuditEntry
from app.audit.services import AuditError, audit, record_event
from app.extensions import db
from tests.conftest import make_user


def lines() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def last_line() -> AuditEntry:
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()


def append(n: int) -> list[AuditEntry]:
    """n lines about petitions 1..n, committed."""
    made = [audit("test.line", subject_type="petition", subject_id=i + 1, detail={"i": i}) for i in range(n)]
    db.session.commit()
    return made


class Tamper:
    """Raw SQL on audit_log with its append-only triggers out of the way, as an intruder would do it.

    PostgreSQL: the trigger is disabled inside the test's transaction (rolled back afterwards);
    SQLite cannot disable a trigger, so the test's own copy of the database loses them.
    """

    def __init__(self):
        self.pg = db.session.get_bind().dialect.name == "postgresql"

    def __call__(self, sql: str, **params) -> None:
        if self.pg:
            db.session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        else:
            db.session.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            db.session.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        db.session.execute(text(sql), params)
        if self.pg:
            db.session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        db.session.commit()
        db.session.expire_all()


@pytest.fixture
def tamper(app):
    return Tamper()


def run_verify(app):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


# --- the chain --------------------------------------------------------------------------------

def test_a_line_waits_for_the_commit_and_a_rollback_drops_it(app):
    before = db.session.scalar(select(func.count(AuditEntry.id)))
    entry = audit("test.pending")
    assert entry.id is None and db.session.scalar(select(func.count(AuditEntry.id))) == before
    db.session.rollback()
    db.session.commit()
    assert db.session.scalar(select(func.count(AuditEntry.id))) == before  # the rolled-back line is gone
    audit("test.kept")
    db.session.commit()
    assert last_line().action == "test.kept" and chain.verify().ok


def test_each_line_carries_the_hash_of_the_one_before(app):
    before = db.session.scalar(select(func.count(AuditEntry.id)))
    made = append(3)
    rows = lines()
    assert len(rows) == before + 3
    assert [r.id for r in rows] == list(range(1, len(rows) + 1))  # no gaps
    assert rows[0].prev_hash == chain.GENESIS
    for earlier, later in zip(rows, rows[1:]):
        assert later.prev_hash == earlier.hash
    for row in rows:
        assert chain.hash_of(row) == row.hash and len(row.hash) == 64
    assert made[-1].detail == '{"i":2}' and made[-1].actor_label == "system" and made[-1].ip is None
    verdict = chain.verify()
    assert verdict.ok and verdict.count == before + 3 and verdict.head_id == made[-1].id


def test_a_line_in_a_request_names_the_user_and_the_address(app):
    from flask_login import login_user

    user = make_user("handler")
    with app.test_request_context("/staff/petitions/", environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        login_user(user)
        entry = audit("test.request", detail={"x": 1})
    assert (entry.actor_user_id, entry.actor_label, entry.ip) == (user.id, user.full_name, "203.0.113.9")


def test_a_citizen_s_address_is_never_kept(app):
    """Next to a denunciation's number, the address could point at the denunciator."""
    with app.test_request_context("/petitions/new", method="POST", environ_base={"REMOTE_ADDR": "198.51.100.7"}):
        entry = record_event("petition", 5, "received", actor_label="Công dân (cổng trực tuyến)", to_status="received")
        db.session.commit()
    line = last_line()
    assert (line.action, line.ip) == ("workflow.petition.received", None)
    assert line.actor_label == "Công dân (cổng trực tuyến)"
    assert entry.subject_id == 5


def test_detail_holds_plain_short_values_only(app):
    with pytest.raises(AuditError):
        audit("test.long", detail={"note": "x" * 201})
    with pytest.raises(AuditError):
        audit("test.nested", detail={"person": {"name": "Nguyễn Văn An"}})


def test_record_event_writes_a_line_without_the_note(app):
    record_event("petition", 41, "classified", actor_label="Cán bộ A", actor_user_id=7, from_status="received",
                 to_status="classified", note="Ông Nguyễn Văn Bímật, CCCD 020199887766, gọi điện 0912345678")
    record_event("petition", 41, "identity_revealed", actor_label="Lãnh đạo B", actor_user_id=8)
    record_event("user", 9, "updated", actor_label="Quản trị", actor_user_id=1, note="role handler->leader")
    record_event("user", 9, "locked", actor_label="system")
    db.session.commit()
    step, reveal, account, lock = lines()[-4:]
    assert step.action == "workflow.petition.classified" and (step.subject_type, step.subject_id) == ("petition", 41)
    assert step.actor_user_id == 7 and step.actor_label == "Cán bộ A"
    assert '"from":"received"' in step.detail and '"to":"classified"' in step.detail
    assert "Bímật" not in step.detail and "020199887766" not in step.detail and "0912" not in step.detail
    assert reveal.action == "identity.reveal" and reveal.subject_id == 41
    assert account.action == "user.updated" and "handler->leader" in account.detail  # notes the code wrote
    assert lock.action == "auth.lockout"


# --- the database refuses changes -------------------------------------------------------------

@pytest.mark.parametrize("sql", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"])
def test_database_refuses_update_and_delete(app, sql):
    append(2)
    with pytest.raises(DBAPIError) as caught:
        with db.session.begin_nested():
            db.session.execute(text(sql))
    assert "append-only" in str(caught.value)
    assert chain.verify().ok


# --- tampering found --------------------------------------------------------------------------

def test_verify_says_ok_with_the_count(app):
    append(3)
    n = db.session.scalar(select(func.count(AuditEntry.id)))
    code, out = run_verify(app)
    assert code == 0, out
    assert f"OK: {n} entries" in out


def test_an_edited_line_is_found(app, tamper):
    made = append(4)
    target = made[1].id
    tamper("UPDATE audit_log SET detail = :d WHERE id = :id", d='{"i":99}', id=target)
    verdict = chain.verify()
    assert not verdict.ok and verdict.broken_id == target and verdict.reason == chain.EDITED
    assert verdict.count == target - 1
    code, out = run_verify(app)
    assert code == 1
    assert f"entry {target}: edited" in out


def test_an_edited_line_with_a_recomputed_hash_breaks_the_next_link(app, tamper):
    made = append(4)
    target = db.session.get(AuditEntry, made[1].id)
    forged = chain.entry_hash(at=target.at, actor_user_id=target.actor_user_id, actor_label="someone else",
                              ip=target.ip, action=target.action, subject_type=target.subject_type,
                              subject_id=target.subject_id, detail=target.detail, prev_hash=target.prev_hash)
    tamper("UPDATE audit_log SET actor_label = 'someone else', hash = :h WHERE id = :id", h=forged, id=target.id)
    verdict = chain.verify()
    assert not verdict.ok and verdict.broken_id == target.id + 1 and verdict.reason == chain.CHAIN
    code, out = run_verify(app)
    assert code == 1 and f"entry {target.id + 1}: the entry before it was rewritten" in out


def test_a_deleted_line_is_found(app, tamper):
    made = append(4)
    gone = made[2].id
    tamper("DELETE FROM audit_log WHERE id = :id", id=gone)
    verdict = chain.verify()
    assert not verdict.ok and verdict.broken_id == gone + 1 and verdict.reason == chain.DELETED
    assert verdict.missing == (gone, gone)
    code, out = run_verify(app)
    assert code == 1 and f"entry {gone + 1}: entry {gone} before it deleted" in out


def test_a_deleted_line_is_found_even_when_the_rest_are_renumbered(app, tamper):
    made = append(4)
    gone = made[1].id
    tamper("DELETE FROM audit_log WHERE id = :id", id=gone)
    tamper("UPDATE audit_log SET id = -id WHERE id > :id", id=gone)  # two steps: ids stay unique throughout
    tamper("UPDATE audit_log SET id = -id - 1 WHERE id < 0")
    verdict = chain.verify()
    assert not verdict.ok and verdict.broken_id == gone and verdict.reason == chain.CHAIN


def test_swapped_lines_are_found(app, tamper):
    made = append(4)
    a, b = made[1].id, made[2].id
    # Swap the two lines' places: every field moves, ids stay.
    tamper("UPDATE audit_log SET id = -1 WHERE id = :a", a=a)
    tamper("UPDATE audit_log SET id = :a WHERE id = :b", a=a, b=b)
    tamper("UPDATE audit_log SET id = :b WHERE id = -1", b=b)
    verdict = chain.verify()
    assert not verdict.ok and verdict.broken_id == a and verdict.reason == chain.REORDERED
    assert verdict.follows == b  # the line now at `a` was written after the one now at `b`
    code, out = run_verify(app)
    assert code == 1 and f"entry {a}: reordered" in out


def test_a_cut_tail_is_found_against_a_noted_line(app, tamper):
    last_id, last_hash = append(3)[-1].id, last_line().hash
    code, out = run_verify(app)
    head = out.strip().splitlines()[-1].removeprefix("Last: ")
    assert head == f"{last_id}:{last_hash}"
    assert app.test_cli_runner().invoke(args=["audit", "verify", "--anchor", head]).exit_code == 0
    tamper("DELETE FROM audit_log WHERE id = :id", id=last_id)
    assert chain.verify().ok  # the chain alone cannot see a cut tail...
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--anchor", head])
    assert result.exit_code == 1 and f"entry {last_id} noted earlier is missing" in result.output  # ...the anchor can


# --- many writers at once ---------------------------------------------------------------------

def test_appends_from_many_threads_keep_one_chain(live_app):
    """Eight threads append at once, each in its own transaction; the chain stays one line."""
    threads_n, per_thread = 8, 15
    before = db.session.scalar(select(func.count(AuditEntry.id)))
    db.session.remove()
    start = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        with live_app.app_context():
            try:
                start.wait()
                for i in range(per_thread):
                    audit("test.thread", subject_type="thread", subject_id=n, detail={"i": i})
                    db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                errors.append(exc)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads_n)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=120)
    assert not errors, errors[:3]
    verdict = chain.verify()
    assert verdict.ok, verdict
    assert verdict.count == before + threads_n * per_thread
    ids = [r.id for r in lines()]
    assert ids == list(range(1, len(ids) + 1))
    if db.session.get_bind().dialect.name != "postgresql":
        return  # SQLite's busy wait lets one writer run on; PostgreSQL queues the lock's waiters in turn
    # The threads really ran together: their lines are interleaved, not one block per thread.
    owners = [r.subject_id for r in lines() if r.action == "test.thread"]
    switches = sum(1 for x, y in zip(owners, owners[1:]) if x != y)
    assert switches > threads_n


def test_a_wrong_second_factor_code_is_written(app):
    import pyotp

    from app.auth import two_factor

    user = make_user("leader")
    secret = two_factor.new_secret()
    two_factor.confirm_enrolment(user, secret, pyotp.TOTP(secret).now())
    db.session.commit()
    with pytest.raises(two_factor.CodeRejected):
        two_factor.verify_code(user, "ABCDE")
    db.session.commit()  # as the sign-in page does: the failure counts
    entry = last_line()
    assert (entry.action, entry.subject_id, entry.detail) == ("auth.second_factor_failed", user.id, '{"locked":false}')
