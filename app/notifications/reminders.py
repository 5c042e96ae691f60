"""Daily reminders to staff: one digest e-mail per person with something due (`flask reminders send`).

For each active staff user, the digest lists:
- the open petitions they handle (Petition.handler_id; status received, classified or proposed)
  whose triage due date is within `days` days (default 3) or past;
- the cases they resolve (Case.resolver_id) that have not ended (status not in
  ENDED_CASE_STATES) whose due date is within `days` days or past;
- for a leader, every proposal waiting for approval in their agency (status proposed), due or not.
A petition that is both theirs to handle and waiting for their approval is listed once, under
the approvals.

Each part is sorted by due date, so the overdue come first (the most overdue on top); each line
has the code, the title, the due date (dd/mm/yyyy) and "còn N ngày" / "hạn cuối hôm nay" /
"quá hạn N ngày" counted from `today` (Viet Nam date).

One e-mail per user and Viet Nam date (dedupe_key `reminder:{user_id}:{yyyy-mm-dd}`): running
the command twice on the same day queues nothing the second time. Nobody with nothing due gets
an e-mail; an inactive user gets nothing. Queued in the outbox (flush); the command commits and
`flask outbox deliver` sends. The e-mails are in Vietnamese.

`flask reminders send [--days N]` (registered in app/cli.py) runs it once and commits; run it
daily from cron, before `flask outbox deliver` (docs/notifications.md).
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import click
from flask import url_for
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import User
from app.auth.permissions import Role
from app.cases.models import Case
from app.extensions import db
from app.formatting import days_phrase, format_date, local_today
from app.notifications.citizen import render_text
from app.notifications.services import InvalidAddress, enqueue
from app.petitions.models import OPEN_STATES, Petition, PetitionStatus

log = logging.getLogger(__name__)

DEFAULT_DAYS = 3
TITLE_MAX = 120
KIND = "staff.reminder"

# The Case.status strings of a case that has ended for its resolver: no reminder. Kept here as
# plain strings because the case statuses are still being extended (app/cases/workflow.py
# CaseState); tests/services/test_reminders.py checks that each one is a known case state.
# A suspended case needs no entry: its due date is None while the clock stands
# (app.cases.services.recompute_due), so it is not listed.
ENDED_CASE_STATES = ("closed", "withdrawn", "terminated", "appealed", "final")

OPEN_PETITION_STATES = tuple(sorted(s.value for s in OPEN_STATES))

SUBJECT = _l("Nhắc việc ngày %(date)s: %(count)s việc cần xử lý")


@dataclass(frozen=True)
class Item:
    """One line of a digest."""

    code: str
    title: str
    due: date | None

    def sort_key(self) -> tuple:
        return (self.due is None, self.due or date.max, self.code)


@dataclass
class Digest:
    """What one user is reminded of."""

    user: User
    petitions: list[Item] = field(default_factory=list)
    cases: list[Item] = field(default_factory=list)
    approvals: list[Item] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.petitions) + len(self.cases) + len(self.approvals)

    def sort(self) -> None:
        for items in (self.petitions, self.cases, self.approvals):
            items.sort(key=Item.sort_key)


@dataclass
class ReminderReport:
    """What one run did."""

    users: int = 0  # users with at least one item
    queued: int = 0  # e-mails queued now
    already: int = 0  # already queued earlier the same day
    invalid: list[str] = field(default_factory=list)  # users whose address was refused


def collect(*, today: date, days: int = DEFAULT_DAYS) -> list[Digest]:
    """The digests of the active staff users who have at least one item, by user id."""
    horizon = today + timedelta(days=days)
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)).all()
    by_id = {u.id: Digest(u) for u in users}
    leaders_by_agency: dict[int, list[int]] = defaultdict(list)
    for user in users:
        if user.role == Role.LEADER.value:
            leaders_by_agency[user.agency_id].append(user.id)

    awaiting: dict[int, set[int]] = defaultdict(set)  # user id → petitions waiting for their approval
    if leaders_by_agency:
        proposed = db.session.scalars(
            select(Petition).where(Petition.status == PetitionStatus.PROPOSED.value,
                                   Petition.agency_id.in_(list(leaders_by_agency)))
        ).all()
        for petition in proposed:
            for user_id in leaders_by_agency[petition.agency_id]:
                by_id[user_id].approvals.append(_petition_item(petition))
                awaiting[user_id].add(petition.id)

    petitions = db.session.scalars(
        select(Petition).where(Petition.handler_id.in_(list(by_id)),
                               Petition.status.in_(OPEN_PETITION_STATES),
                               Petition.due_date.is_not(None), Petition.due_date <= horizon)
    ).all()
    for petition in petitions:
        if petition.id not in awaiting[petition.handler_id]:
            by_id[petition.handler_id].petitions.append(_petition_item(petition))

    # The code of the petition whose acceptance opened the case, to name the case by.
    opened_by = (select(Petition.tracking_code)
                 .where(Petition.case_id == Case.id, Petition.status == PetitionStatus.ACCEPTED.value)
                 .order_by(Petition.id).limit(1).correlate(Case).scalar_subquery())
    cases = db.session.execute(
        select(Case, opened_by).where(Case.resolver_id.in_(list(by_id)),
                                      Case.status.not_in(ENDED_CASE_STATES),
                                      Case.due_date.is_not(None), Case.due_date <= horizon)
    ).all()
    for case, code in cases:
        label = str(_l("Vụ việc %(code)s", code=code)) if code else str(_l("Vụ việc số %(id)s", id=case.id))
        by_id[case.resolver_id].cases.append(Item(label, _short(case.title), case.due_date))

    digests = [d for d in by_id.values() if d.count]
    for digest in digests:
        digest.sort()
    return digests


def send_reminders(*, today: date | None = None, days: int = DEFAULT_DAYS) -> ReminderReport:
    """Queue today's digest for every user who has something due; flush, never commit."""
    if days < 0:
        raise ValueError("days must not be negative")
    today = today or local_today()
    report = ReminderReport()
    with force_locale("vi"):
        digests = collect(today=today, days=days)
        report.users = len(digests)
        for digest in digests:
            user = digest.user
            subject = str(SUBJECT) % {"date": format_date(today), "count": digest.count}
            body = render_text("emails/staff_reminder.txt", digest=digest, full_name=user.full_name,
                               today=format_date(today), days=days, line=lambda item: _line(item, today),
                               inbox_url=_inbox_url())
            try:
                row = enqueue(KIND, user.email, subject, body, subject_type="user", subject_id=user.id,
                              dedupe_key=f"reminder:{user.id}:{today.isoformat()}")
            except InvalidAddress as exc:
                log.warning("reminder for user %s not queued: %s", user.id, exc)
                report.invalid.append(f"#{user.id}: {exc}")
                continue
            if row is None:
                report.already += 1
            else:
                report.queued += 1
    return report


def _petition_item(petition: Petition) -> Item:
    return Item(petition.tracking_code, _short(petition.title), petition.due_date)


def _short(title: str) -> str:
    title = " ".join((title or "").split())
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1].rstrip() + "…"


def _line(item: Item, today: date) -> str:
    """`CODE — title — hạn dd/mm/yyyy (quá hạn N ngày)`, or without a due date."""
    if item.due is None:
        return str(_l("%(code)s — %(title)s — chưa có hạn", code=item.code, title=item.title))
    return str(_l("%(code)s — %(title)s — hạn %(due)s (%(left)s)", code=item.code, title=item.title,
                  due=format_date(item.due), left=days_phrase(item.due, today)))


def _inbox_url() -> str | None:
    """The staff inbox, when the address of the site is known (SERVER_NAME, or a request)."""
    try:
        return url_for("petitions.inbox", _external=True)
    except RuntimeError:
        return None


# --- command line -----------------------------------------------------------------------------

reminders_cli = AppGroup("reminders", help="Daily reminder e-mails to staff about what is due.")


@reminders_cli.command("send")
@click.option("--days", type=click.IntRange(min=0), default=DEFAULT_DAYS, show_default=True,
              help="Remind of what falls due within this many days (and everything overdue).")
def send_command(days: int) -> None:
    """Queue today's reminder digest for each staff member with something due (once a day)."""
    report = send_reminders(days=days)
    db.session.commit()
    line = f"Queued {report.queued} reminder e-mails"
    if report.already:
        line += f" ({report.already} already queued today)"
    click.echo(line)
    for error in report.invalid:
        click.echo(f"  address refused: {error}", err=True)
