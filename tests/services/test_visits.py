"""The visit service on both databases: the group rule's edges, numbering, repeats, reply due dates."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.calendar.services import due_date
from app.db import utcnow
from app.extensions import db
from app.formatting import to_local
from app.petitions.services import new_form_token
from app.reception.models import Person, Visit
from app.reception.services import VisitDraft, VisitError, VisitorInput, check_group, log_visit
from tests.conftest import make_user


@pytest.mark.parametrize("people, reps, ok", [
    (1, 1, True), (4, 4, True), (4, 5, False),  # not a group: no more names than people
    (5, 1, True), (5, 2, True), (5, 3, False),  # 5–10 people: one or two representatives
    (10, 2, True), (10, 3, False),
    (11, 5, True), (11, 6, False), (300, 5, True),  # above 10: at most five
    (12, 0, False), (0, 1, False),
])
def test_the_group_rule_of_article_29(app, people, reps, ok):
    if ok:
        check_group(people, reps)
    else:
        with pytest.raises(VisitError):
            check_group(people, reps)


def _draft(**overrides) -> VisitDraft:
    values = dict(visited_at=utcnow() - timedelta(minutes=1), place="Trụ sở", kind="proposal",
                  summary="Phản ánh đường thôn xuống cấp.", outcome="transferred", transfer_to_name="UBND xã Cao Lộc",
                  visitors=[VisitorInput(full_name="Lý Thị Hoa", id_number="020175001111")])
    values.update(overrides)
    return VisitDraft(**values)


def test_numbers_are_per_agency_and_year_and_people_are_reused(app):
    desk = make_user("receptionist", "BTCD")
    other = make_user("receptionist", "XCL")
    first = log_visit(_draft(), user=desk, form_token=new_form_token()).visit
    second = log_visit(_draft(repeat_ref=f"visit:{first.id}"), user=desk, form_token=new_form_token()).visit
    elsewhere = log_visit(_draft(), user=other, form_token=new_form_token()).visit
    db.session.commit()
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    assert second.is_repeat and second.repeat_of_visit_id == first.id
    assert db.session.scalars(select(Person)).one().id == first.visitors[0].person_id == elsewhere.visitors[0].person_id
    # A transfer owes the citizen an answer within the reply rule; a settled visit does not.
    assert first.reply_due == due_date("reception.reply", to_local(first.visited_at).date())
    settled = log_visit(_draft(outcome="settled", outcome_note="Đã giải thích."), user=desk,
                        form_token=new_form_token()).visit
    assert settled.reply_due is None and settled.petition_id is None


def test_a_repeat_of_another_agencys_visit_is_refused(app):
    desk = make_user("receptionist", "BTCD")
    other = make_user("receptionist", "XCL")
    foreign = log_visit(_draft(), user=other, form_token=new_form_token()).visit
    db.session.commit()
    with pytest.raises(VisitError):
        log_visit(_draft(repeat_ref=f"visit:{foreign.id}"), user=desk, form_token=new_form_token())
    db.session.rollback()
    assert db.session.scalars(select(Visit).where(Visit.agency_id == desk.agency_id)).first() is None
