"""`flask outbox deliver [--limit N] [--loop] [--interval S]`, `flask outbox status`, `flask outbox requeue`."""
from __future__ import annotations

import signal
import threading
import time

import click
from flask.cli import AppGroup

from app.extensions import db
from app.formatting import to_local
from app.notifications import queries, services

outbox_cli = AppGroup("outbox", help="E-mail notifications: deliver the queue, show its state.")

MAX_ERRORS_SHOWN = 5


def _echo_report(report: services.DeliveryReport) -> None:
    line = f"Sent {report.sent}, retried {report.retried}, failed {report.failed}"
    if report.skipped:
        line += f", skipped {report.skipped} (taken over by another worker)"
    click.echo(line)
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        click.echo(f"  {error}", err=True)
    if len(report.errors) > MAX_ERRORS_SHOWN:
        click.echo(f"  … and {len(report.errors) - MAX_ERRORS_SHOWN} more", err=True)


class _StopFlag:
    """Set by SIGTERM or a first Ctrl-C: the current pass finishes, then the loop ends.

    Stopping in the middle of a send could leave a message accepted by the server but not
    marked sent (it would be sent again after the claim timeout), so the pass is let finish;
    a second Ctrl-C stops at once.
    """

    def __init__(self) -> None:
        self.stopped = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> _StopFlag:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, _frame) -> None:
        if self.stopped and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.stopped = True

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def sleep(self, seconds: float) -> None:
        """Sleep, waking early when asked to stop."""
        deadline = time.monotonic() + seconds
        while not self.stopped and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.5))


@outbox_cli.command("deliver")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Messages claimed per pass.")
@click.option("--loop", is_flag=True, help="Keep running: a pass, then a pause, until stopped (SIGTERM, Ctrl-C).")
@click.option("--interval", type=click.FloatRange(min=0), default=30.0, show_default=True,
              help="Seconds between passes with --loop (no pause while a full batch was claimed).")
@click.option("--max-passes", type=click.IntRange(min=1), default=None,
              help="With --loop: stop after this many passes (for supervised restarts).")
def deliver_command(limit: int, loop: bool, interval: float, max_passes: int | None) -> None:
    """Send the e-mails that are due; print how many were sent, retried and failed."""
    if not loop:
        _echo_report(services.deliver(limit=limit))
        return
    passes = 0
    with _StopFlag() as stop:
        click.echo(f"Delivering every {interval:g} s (Ctrl-C or SIGTERM to stop)")
        while not stop.stopped:
            try:
                report = services.deliver(limit=limit)
            except Exception as exc:  # noqa: BLE001 - e.g. the database restarting: try again later
                db.session.rollback()
                click.echo(f"Delivery pass failed: {type(exc).__name__}: {exc}", err=True)
                report = None
            if report is not None and report.claimed:
                _echo_report(report)
            passes += 1
            if max_passes is not None and passes >= max_passes:
                break
            if report is None or report.claimed < limit:
                stop.sleep(interval)
        click.echo("Stopped")


@outbox_cli.command("status")
def status_command() -> None:
    """Messages per status, and the oldest one still waiting."""
    result = queries.summary()
    for status, count in result.counts.items():
        click.echo(f"{status:8} {count}")
    oldest = result.oldest_pending
    if oldest is None:
        click.echo("Oldest pending: none")
        return
    click.echo(
        f"Oldest pending: #{oldest.id} {oldest.kind}, queued {to_local(oldest.created_at):%Y-%m-%d %H:%M:%S %z}, "
        f"attempts {oldest.attempts}, next attempt {to_local(oldest.next_attempt_at):%Y-%m-%d %H:%M:%S %z}"
    )
    if oldest.last_error:
        click.echo(f"  last error: {oldest.last_error}")


@outbox_cli.command("requeue")
@click.option("--id", "ids", type=int, multiple=True, help="A failed message to queue again (repeatable).")
@click.option("--all-failed", is_flag=True, help="Queue every failed message again.")
def requeue_command(ids: tuple[int, ...], all_failed: bool) -> None:
    """Queue failed messages again, with fresh attempts (after an outage or a configuration fix)."""
    if not ids and not all_failed:
        raise click.UsageError("Give --id N (repeatable) or --all-failed.")
    count = services.requeue_failed(None if all_failed else list(ids))
    db.session.commit()
    click.echo(f"Queued again: {count}")
