"""The notifications outbox against a real SMTP server (aiosmtpd on a free local port).

What a citizen or an operator would notice: a notice from a rolled-back request never arrives;
a committed one arrives exactly once, readable in Vietnamese; an SMTP outage delays notices but
loses none and duplicates none; a dead worker's messages are picked up again, a slow one's are
not sent twice.
"""
from __future__ import annotations

import email
import socket
import threading
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, func, select, text, update

from app.db import utcnow
from app.extensions import db
from app.notifications import services
from app.notifications.mail import SmtpSender, build_message
from app.notifications.models import OutboxMessage

FROM = "Thanh tra tỉnh Lạng Sơn <thongbao@thanhtra.langson.gov.vn>"
CITIZEN = "an.nguyen@example.vn"
SUBJECT = "Thông báo thụ lý đơn khiếu nại số KN-2026-000012"
BODY = ("Kính gửi ông Nguyễn Văn An,\n\n"
        "Thanh tra tỉnh Lạng Sơn thông báo đã thụ lý đơn khiếu nại của ông về quyết định thu hồi đất.\n"
        "Thời hạn giải quyết: 30 ngày kể từ ngày thụ lý.\n")
MAX_ATTEMPTS = 3
CLAIM_TIMEOUT = 900


# --- a real SMTP server -----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collector:
    """aiosmtpd handler: keeps every accepted message; refuses the addresses in `refuse` (550)."""

    def __init__(self) -> None:
        self.envelopes: list[tuple[str, list[str], bytes]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


class SmtpServer:
    """An SMTP server on a fixed free port that can be stopped and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(content, policy=policy.default)
                for _from, _to, content in self.handler.envelopes]


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_overrides(smtp):
    """Every app of this module sends to the test server, with few attempts."""
    return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port, "MAIL_TIMEOUT": 5,
            "MAIL_USE_TLS": False, "MAIL_USERNAME": None, "MAIL_FROM": FROM,
            "NOTIFY_MAX_ATTEMPTS": MAX_ATTEMPTS, "NOTIFY_RETRY_BASE_SECONDS": 60,
            "NOTIFY_RETRY_MAX_SECONDS": 3600, "NOTIFY_CLAIM_TIMEOUT_SECONDS": CLAIM_TIMEOUT}


def queue(to=CITIZEN, **kwargs) -> OutboxMessage | None:
    kwargs.setdefault("subject_type", "petition")
    kwargs.setdefault("subject_id", 12)
    return services.enqueue("petition.accepted", to, kwargs.pop("subject", SUBJECT), kwargs.pop("body", BODY),
                            **kwargs)


def reload(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def outbox_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


# --- transactions -----------------------------------------------------------------------------

def test_rolled_back_notice_is_never_sent_committed_one_exactly_once(app, smtp):
    queue()
    db.session.rollback()  # the request failed
    assert services.deliver().claimed == 0
    assert outbox_count() == 0

    message_id = queue().id
    db.session.commit()
    report = services.deliver()
    assert (report.claimed, report.sent, report.retried, report.failed) == (1, 1, 0, 0)
    assert services.deliver().claimed == 0  # a second pass finds nothing to do

    [(mail_from, rcpt_tos, _)] = smtp.handler.envelopes
    assert mail_from == "thongbao@thanhtra.langson.gov.vn" and rcpt_tos == [CITIZEN]
    [received] = smtp.received
    assert received["To"] == CITIZEN
    assert received["Subject"] == SUBJECT  # RFC 2047 on the wire, decoded here
    assert received["From"].addresses[0].display_name == "Thanh tra tỉnh Lạng Sơn"
    assert received.get_content_type() == "text/plain" and received.get_content_charset() == "utf-8"
    assert received.get_content().replace("\r\n", "\n") == BODY  # CRLF: MIME's canonical text
    assert received["Message-ID"].startswith(f"<outbox.{message_id}.")
    assert received["Message-ID"].endswith("@thanhtra.langson.gov.vn>")
    assert received["Date"].datetime.utcoffset() == timedelta(hours=7)  # Viet Nam time
    assert received["Auto-Submitted"] == "auto-generated"
    row = reload(message_id)
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1 and row.claim_token is None


def test_enqueue_only_flushes(app, smtp):
    """The notice belongs to the caller's transaction: enqueue never commits it."""
    queue()
    assert outbox_count() == 1
    db.session.rollback()
    assert outbox_count() == 0


# --- outages and retries ----------------------------------------------------------------------

def test_server_down_delays_but_loses_and_duplicates_nothing(app, smtp):
    ids = [queue(subject=f"{SUBJECT} ({n})").id for n in range(3)]
    db.session.commit()
    smtp.stop()  # nothing listens on the port any more

    t0 = utcnow()
    report = services.deliver(now=t0)
    assert (report.claimed, report.sent, report.retried, report.failed) == (3, 0, 3, 0)
    for message_id in ids:
        row = reload(message_id)
        assert row.status == "pending" and row.attempts == 1
        assert row.next_attempt_at == t0 + timedelta(seconds=60)
        assert "SenderUnavailable" in row.last_error and str(smtp.port) in row.last_error

    assert services.deliver(now=t0 + timedelta(seconds=59)).claimed == 0  # not due yet

    smtp.start()
    report = services.deliver(now=t0 + timedelta(seconds=61))
    assert (report.sent, report.retried) == (3, 0)
    assert services.deliver(now=t0 + timedelta(days=1)).claimed == 0
    assert sorted(m["Subject"] for m in smtp.received) == sorted(f"{SUBJECT} ({n})" for n in range(3))
    assert all(reload(i).status == "sent" and reload(i).attempts == 2 for i in ids)


def test_retry_delay_doubles_and_is_capped(app):
    delays = [services.retry_delay(n).total_seconds() for n in range(1, 9)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_gives_up_after_max_attempts_and_is_never_retried(app, smtp):
    message_id = queue().id
    db.session.commit()
    smtp.stop()
    now = utcnow()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        report = services.deliver(now=now)
        row = reload(message_id)
        assert row.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert report.retried == 1 and row.status == "pending"
            assert row.next_attempt_at == now + services.retry_delay(attempt)
            now = row.next_attempt_at
    assert report.failed == 1
    assert row.status == "failed" and "SenderUnavailable" in row.last_error

    smtp.start()
    assert services.deliver(now=now + timedelta(days=30)).claimed == 0
    assert smtp.received == []


def test_recipient_refused_for_good_fails_at_once_and_the_batch_goes_on(app, smtp):
    smtp.handler.refuse.add("khong.ton.tai@example.vn")
    bad = queue(to="khong.ton.tai@example.vn").id
    good = queue(to="binh.tran@example.vn").id
    db.session.commit()
    report = services.deliver()
    assert (report.sent, report.failed, report.retried) == (1, 1, 0)
    assert reload(bad).status == "failed" and reload(bad).attempts == 1
    assert "550" in reload(bad).last_error
    assert reload(good).status == "sent"
    assert [m["To"] for m in smtp.received] == ["binh.tran@example.vn"]


def test_requeue_failed_gives_fresh_attempts(app, smtp):
    message_id = queue().id
    db.session.commit()
    db.session.execute(update(OutboxMessage).values(status="failed", attempts=MAX_ATTEMPTS, last_error="x"))
    db.session.commit()
    assert services.requeue_failed() == 1
    db.session.commit()
    assert services.deliver().sent == 1
    assert reload(message_id).attempts == 1 and len(smtp.received) == 1


# --- enqueue rules ----------------------------------------------------------------------------

def test_same_dedupe_key_is_queued_once(app, smtp):
    first = queue(dedupe_key="petition.accepted:12")
    assert first is not None
    assert queue(dedupe_key="petition.accepted:12") is None  # same transaction
    db.session.commit()
    assert queue(dedupe_key="petition.accepted:12") is None  # a later request
    db.session.commit()
    assert queue(dedupe_key="petition.accepted:13") is not None
    assert queue() is not None and queue() is not None  # no key: never deduplicated
    db.session.commit()
    assert outbox_count() == 4
    assert services.deliver().sent == 4
    assert len(smtp.received) == 4


def test_address_and_subject_are_checked(app):
    assert queue(to="") is None and queue(to="   ") is None and queue(to=None) is None
    assert outbox_count() == 0
    for bad in ("khong-phai-email", "a@b", "an nguyen@example.vn", "an@example.vn\nBcc: x@example.vn"):
        with pytest.raises(services.InvalidAddress):
            queue(to=bad)
    assert outbox_count() == 0
    row = queue(to="  an.nguyen@example.vn ", subject="Thông báo\r\nBcc: lo@example.vn")
    assert row.to_address == "an.nguyen@example.vn"
    assert row.subject == "Thông báo Bcc: lo@example.vn"  # one line: no header injection


# --- workers ----------------------------------------------------------------------------------

def test_a_claim_takes_at_most_limit_messages_oldest_first(app, smtp):
    ids = [queue().id for _ in range(5)]
    db.session.commit()
    token, claimed = services.claim_due(limit=2)
    assert claimed == ids[:2] and token
    db.session.expire_all()
    statuses = dict(db.session.execute(select(OutboxMessage.id, OutboxMessage.status)).all())
    assert [statuses[i] for i in ids] == ["sending", "sending", "pending", "pending", "pending"]


def test_stale_claim_is_taken_over_fresh_claim_is_not(app, smtp):
    stale, fresh, given_up = queue().id, queue().id, queue().id
    db.session.commit()
    now = utcnow()
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == stale).values(
        status="sending", attempts=1, claim_token="dead", claimed_at=now - timedelta(seconds=CLAIM_TIMEOUT + 1)))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == fresh).values(
        status="sending", attempts=1, claim_token="busy", claimed_at=now - timedelta(seconds=60)))
    # A message whose worker died at every one of its attempts: do not try it forever.
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == given_up).values(
        status="sending", attempts=MAX_ATTEMPTS, claim_token="dead",
        claimed_at=now - timedelta(hours=2)))
    db.session.commit()

    report = services.deliver(now=now)
    assert (report.claimed, report.sent) == (1, 1)
    assert reload(stale).status == "sent" and reload(stale).attempts == 2
    row = reload(fresh)
    assert row.status == "sending" and row.claim_token == "busy" and row.attempts == 1
    row = reload(given_up)
    assert row.status == "failed" and "worker stopped" in row.last_error
    assert len(smtp.received) == 1


def test_slow_worker_sends_nothing_it_no_longer_holds(app, smtp):
    message_id = queue().id
    db.session.commit()
    t0 = utcnow()
    token_a, ids = services.claim_due(now=t0)  # worker A claims ... and stalls
    assert ids == [message_id]
    later = t0 + timedelta(seconds=CLAIM_TIMEOUT + 1)
    token_b, ids_b = services.claim_due(now=later)  # worker B takes the stale claim over
    assert ids_b == [message_id] and token_b != token_a
    report = services.send_claimed(token_a, ids, now=later)  # A wakes up while B holds it
    assert (report.sent, report.skipped) == (0, 1)
    assert services.send_claimed(token_b, ids_b, now=later).sent == 1
    assert services.send_claimed(token_a, ids, now=later).sent == 0  # and after B is done
    assert len(smtp.received) == 1


def test_worker_dying_after_acceptance_resends_with_the_same_message_id(app, smtp):
    """The one duplicate the design admits: the copies are recognisably the same message."""
    message_id = queue().id
    db.session.commit()
    t0 = utcnow()
    _token, _ids = services.claim_due(now=t0)
    sender = SmtpSender("127.0.0.1", smtp.port, envelope_from="thongbao@thanhtra.langson.gov.vn")
    sender.send(build_message(reload(message_id), FROM))  # accepted ... and the worker dies
    sender.close()
    assert services.deliver(now=t0 + timedelta(seconds=CLAIM_TIMEOUT + 1)).sent == 1
    first, second = smtp.received
    assert first["Message-ID"] == second["Message-ID"] and first["Date"] == second["Date"]


class BarrierSender(SmtpSender):
    """Waits before its first send until the other worker has claimed its batch too."""

    def __init__(self, barrier: threading.Barrier, port: int) -> None:
        super().__init__("127.0.0.1", port, timeout=5)
        self.barrier, self.waited = barrier, False

    def send(self, message):
        if not self.waited:
            self.waited = True
            try:
                self.barrier.wait(timeout=10)
            except threading.BrokenBarrierError:
                pass
        super().send(message)


def test_two_workers_at_once_send_each_message_once(live_app, smtp, backend):
    ids = [queue(subject=f"{SUBJECT} ({n})").id for n in range(20)]
    db.session.commit()
    barrier = threading.Barrier(2)
    sent: dict[str, int] = {}
    errors: list[BaseException] = []
    overlapped: list[str] = []

    # PostgreSQL: hold each worker's first claim open (rows selected and locked, not yet
    # updated) until the other worker has selected too, so that the claims really overlap.
    claim_barrier = threading.Barrier(2)
    local = threading.local()

    def pause_after_first_claim_select(conn, cursor, statement, *args):
        if "FOR UPDATE SKIP LOCKED" in statement and not getattr(local, "paused", False):
            local.paused = True
            try:
                claim_barrier.wait(timeout=10)
                overlapped.append(threading.current_thread().name)
            except threading.BrokenBarrierError:
                pass

    def worker(name: str) -> None:
        with live_app.app_context():
            try:
                sender = BarrierSender(barrier, smtp.port)
                total = 0
                while (report := services.deliver(limit=5, sender=sender)).claimed:
                    total += report.sent
                sender.close()
                sent[name] = total
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                errors.append(exc)
            finally:
                db.session.remove()

    event.listen(db.engine, "after_cursor_execute", pause_after_first_claim_select)
    try:
        threads = [threading.Thread(target=worker, args=(name,), name=name) for name in ("a", "b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        event.remove(db.engine, "after_cursor_execute", pause_after_first_claim_select)
    assert not errors, errors
    if backend == "postgresql":
        assert sorted(overlapped) == ["a", "b"]  # both held a claim in progress at the same time
    assert sent["a"] > 0 and sent["b"] > 0  # both really worked at the same time
    assert sent["a"] + sent["b"] == 20
    received_ids = [m["Message-ID"] for m in smtp.received]
    assert len(received_ids) == 20 and len(set(received_ids)) == 20
    assert {reload(i).status for i in ids} == {"sent"}
    assert {reload(i).attempts for i in ids} == {1}


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_row_locked_by_another_worker_is_skipped_not_waited_for(live_app, smtp):
    """PostgreSQL: a claim in progress elsewhere (row locked) neither blocks nor is claimed twice."""
    locked, free = queue().id, queue().id
    db.session.commit()
    with db.engine.connect() as other:
        other.begin()
        other.execute(text("SELECT id FROM outbox_messages WHERE id = :id FOR UPDATE"), {"id": locked})
        result: dict[str, object] = {}

        def worker():
            with live_app.app_context():
                try:
                    result["report"] = services.deliver()
                finally:
                    db.session.remove()

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(15)
        assert not thread.is_alive(), "deliver() waited for a locked row"
        other.rollback()
    assert result["report"].sent == 1
    assert reload(free).status == "sent" and reload(locked).status == "pending"
    assert services.deliver().sent == 1  # once released, it goes out
    assert len(smtp.received) == 2


# --- console backend and command line ---------------------------------------------------------

def test_console_backend_prints_and_marks_sent(app, smtp, capsys):
    app.config["MAIL_BACKEND"] = "console"
    message_id = queue().id
    db.session.commit()
    assert services.deliver().sent == 1
    out = capsys.readouterr().out
    assert f"To: {CITIZEN}" in out and f"Subject: {SUBJECT}" in out
    assert "Thời hạn giải quyết: 30 ngày" in out
    assert reload(message_id).status == "sent"
    assert smtp.received == []


def test_cli_status_and_deliver(app, smtp):
    runner = app.test_cli_runner()
    message_id = queue().id
    db.session.commit()
    result = runner.invoke(args=["outbox", "status"])
    assert result.exit_code == 0, result.output
    assert "pending  1" in result.output and f"Oldest pending: #{message_id} petition.accepted" in result.output

    result = runner.invoke(args=["outbox", "deliver", "--limit", "10"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, retried 0, failed 0" in result.output
    assert len(smtp.received) == 1

    result = runner.invoke(args=["outbox", "status"])
    assert "sent     1" in result.output and "Oldest pending: none" in result.output


def test_cli_deliver_reports_retries_and_requeue(app, smtp):
    runner = app.test_cli_runner()
    queue()
    db.session.commit()
    smtp.stop()
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert "Sent 0, retried 1, failed 0" in result.output
    assert "SenderUnavailable" in result.output

    db.session.execute(update(OutboxMessage).values(status="failed"))
    db.session.commit()
    result = runner.invoke(args=["outbox", "requeue"])
    assert result.exit_code != 0  # says what to give
    result = runner.invoke(args=["outbox", "requeue", "--all-failed"])
    assert "Queued again: 1" in result.output
    assert "pending  1" in runner.invoke(args=["outbox", "status"]).output


def test_cli_deliver_loop(app, smtp):
    for n in range(3):
        queue(subject=f"{SUBJECT} ({n})")
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["outbox", "deliver", "--loop", "--limit", "2", "--interval", "0", "--max-passes", "3"])
    assert result.exit_code == 0, result.output
    assert "Sent 2, retried 0, failed 0" in result.output and "Sent 1, retried 0, failed 0" in result.output
    assert result.output.rstrip().endswith("Stopped")
    assert len(smtp.received) == 3
