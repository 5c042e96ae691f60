"""Inspections: the rules of recording one, its conclusion and figures, recovery until it is all in,
the follow-up of recommendations, the late flag on its edge days, the scoped list and its filters."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.agencies.models import Agency
from app.audit.models import Event
from app.extensions import db
from app.inspections import queries
from app.inspections import services as svc
from app.inspections.forms import parse_area, parse_dong
from app.inspections.models import Inspection, InspectionRecovery
from tests.conftest import make_user

TODAY = date(2026, 5, 15)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


@pytest.fixture
def leader(app):
    return make_user("leader", "TTLS")


def data(**overrides) -> svc.InspectionData:
    values = dict(kind="planned", topic="anti_corruption", title="Thanh tra phòng, chống tham nhũng tại Sở Xây dựng",
                  subject="Sở Xây dựng tỉnh Lạng Sơn", decision_number="45/QĐ-TTr", decision_date=day(-100),
                  started_on=day(-90), ended_on=day(-60), conclusion_due=day(-30))
    values.update(overrides)
    return svc.InspectionData(**values)


def conclusion(**overrides) -> svc.ConclusionData:
    values = dict(number="12/KL-TTr", concluded_on=day(-40), money_violation=1_391_100_000,
                  money_recommended=1_147_000_000, land_violation=Decimal("2450.5"), land_recommended=Decimal("1200"))
    values.update(overrides)
    return svc.ConclusionData(**values)


def concluded(actor, **overrides) -> Inspection:
    inspection = svc.create_inspection(data(), actor=actor, today=TODAY)
    svc.record_conclusion(inspection, conclusion(**overrides), actor=actor, today=TODAY)
    return inspection


def refused(call, field: str | None) -> str:
    with pytest.raises(svc.InspectionError) as exc:
        call()
    assert exc.value.field == field, (exc.value.field, str(exc.value))
    return str(exc.value)


def events(inspection: Inspection) -> list[str]:
    return list(db.session.scalars(select(Event.action).where(
        Event.subject_type == "inspection", Event.subject_id == inspection.id).order_by(Event.id)))


# --- amounts typed the Vietnamese way --------------------------------------------------------------

@pytest.mark.parametrize("typed,value", [("1.391.100.000", 1391100000), ("1391100000", 1391100000),
                                         (" 1 391 100 000 đồng ", 1391100000), ("0", 0), ("-5.000", -5000)])
def test_money_is_read_in_dong(typed, value):
    assert parse_dong(typed) == value


@pytest.mark.parametrize("typed", ["1,5", "1.391,1", "12.34", "1.2345.000", "abc", "1.000.00"])
def test_money_with_a_decimal_part_or_bad_grouping_is_not_read(typed):
    with pytest.raises(ValueError):
        parse_dong(typed)


@pytest.mark.parametrize("typed,value", [("1.200,5", "1200.5"), ("1200,5", "1200.5"), ("1.200", "1200"),
                                         ("12.5", "12.5"), ("2.450,5 m2", "2450.5"), ("300", "300")])
def test_land_is_read_with_a_decimal_comma(typed, value):
    assert parse_area(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["1,2,3", "1.20,5", "m2", "12,a"])
def test_unreadable_land_is_refused(typed):
    with pytest.raises(ValueError):
        parse_area(typed)


# --- recording an inspection ---------------------------------------------------------------------

def test_an_inspection_is_recorded_for_the_actors_agency(leader):
    inspection = svc.create_inspection(data(), actor=leader, today=TODAY)
    assert inspection.agency_id == leader.agency_id and inspection.created_by_id == leader.id
    assert (inspection.started_on, inspection.conclusion_due, inspection.concluded_on) == (day(-90), day(-30), None)
    assert events(inspection) == ["created"]


@pytest.mark.parametrize("overrides,field,message", [
    ({"decision_number": "  "}, "decision_number", "Hãy nhập số quyết định thanh tra."),
    ({"title": ""}, "title", "Hãy nhập tên cuộc thanh tra."),
    ({"subject": ""}, "subject", "Hãy nhập đối tượng thanh tra."),
    ({"kind": "monthly"}, "kind", "theo kế hoạch hay đột xuất"),
    ({"topic": "x"}, "topic", "Hãy chọn nội dung thanh tra."),
    ({"started_on": None}, "started_on", "Hãy nhập ngày bắt đầu thanh tra."),
    ({"started_on": day(1), "decision_date": None, "ended_on": None, "conclusion_due": None},
     "started_on", "không thể ở tương lai"),
    ({"ended_on": day(-91)}, "ended_on", "không thể trước ngày bắt đầu thanh tra (14/02/2026)"),
    ({"ended_on": day(1), "conclusion_due": day(10)}, "ended_on", "chưa đến"),
    ({"conclusion_due": day(-91), "ended_on": None}, "conclusion_due", "không thể trước ngày bắt đầu thanh tra"),
    ({"conclusion_due": day(-61)}, "conclusion_due", "không thể trước ngày kết thúc thanh tra trực tiếp"),
    ({"decision_date": day(-89)}, "decision_date", "không thể sau ngày bắt đầu thanh tra"),
    ({"decision_number": "x" * 61}, "decision_number", "Tối đa 60 ký tự."),
])
def test_bad_inspections_are_refused(leader, overrides, field, message):
    assert message in refused(lambda: svc.create_inspection(data(**overrides), actor=leader, today=TODAY), field)
    assert db.session.scalars(select(Inspection)).first() is None


def test_end_and_due_on_the_start_day_are_accepted(leader):
    inspection = svc.create_inspection(data(started_on=TODAY, decision_date=TODAY, ended_on=TODAY,
                                            conclusion_due=TODAY), actor=leader, today=TODAY)
    assert inspection.ended_on == inspection.conclusion_due == TODAY


def test_the_dates_cannot_move_past_the_conclusion(leader):
    inspection = concluded(leader)
    message = refused(lambda: svc.update_inspection(inspection, data(started_on=day(-39), decision_date=None,
                                                                     ended_on=None, conclusion_due=None),
                                                    actor=leader, today=TODAY), "started_on")
    assert "sau ngày ban hành kết luận (05/04/2026)" in message
    refused(lambda: svc.update_inspection(inspection, data(ended_on=day(-35)), actor=leader, today=TODAY), "ended_on")
    svc.update_inspection(inspection, data(subject="Sở Xây dựng (cũ)"), actor=leader, today=TODAY)
    assert events(inspection)[-1] == "updated"


def test_only_the_inspecting_agency_changes_it(leader):
    inspection = svc.create_inspection(data(), actor=leader, today=TODAY)
    other = make_user("leader", "LS")  # the body above: INSPECTION_MANAGE, but not its inspection
    refused(lambda: svc.update_inspection(inspection, data(), actor=other, today=TODAY), None)
    refused(lambda: svc.record_conclusion(inspection, conclusion(), actor=other, today=TODAY), None)
    supervisor = make_user("supervisor", "LS")
    refused(lambda: svc.create_inspection(data(), actor=supervisor, today=TODAY), None)


# --- the conclusion -----------------------------------------------------------------------------

def test_the_conclusion_records_its_figures(leader):
    inspection = concluded(leader, people_recommended_discipline=3, cases_to_investigation=1,
                           other_recommendations="  Kiểm điểm trách nhiệm.  ")
    db.session.expire_all()
    inspection = db.session.get(Inspection, inspection.id)
    assert (inspection.conclusion_number, inspection.concluded_on) == ("12/KL-TTr", day(-40))
    assert (inspection.money_violation, inspection.money_recommended) == (1_391_100_000, 1_147_000_000)
    assert (Decimal(inspection.land_violation), Decimal(inspection.land_recommended)) == (Decimal("2450.5"),
                                                                                         Decimal("1200.0"))
    assert (inspection.people_recommended_discipline, inspection.cases_to_investigation) == (3, 1)
    assert inspection.other_recommendations == "Kiểm điểm trách nhiệm."
    assert events(inspection) == ["created", "concluded"]


@pytest.mark.parametrize("overrides,field,message", [
    ({"number": ""}, "number", "Hãy nhập số kết luận thanh tra."),
    ({"concluded_on": None}, "concluded_on", "Hãy nhập ngày ban hành kết luận."),
    ({"concluded_on": day(1)}, "concluded_on", "không thể ở tương lai"),
    ({"concluded_on": day(-61)}, "concluded_on", "trước ngày kết thúc thanh tra trực tiếp (16/03/2026)"),
    ({"money_recommended": 1_391_100_001}, "money_recommended",
     "Số tiền kiến nghị thu hồi (1.391.100.001 đồng) không thể lớn hơn số tiền phát hiện sai phạm "
     "(1.391.100.000 đồng)."),
    ({"money_violation": -1}, "money_violation", "Số tiền không được âm."),
    ({"money_violation": 10**16, "money_recommended": 0}, "money_violation", "Số tiền quá lớn"),
    ({"land_recommended": Decimal("2450.6")}, "land_recommended",
     "Diện tích đất kiến nghị thu hồi (2.450,6 m²) không thể lớn hơn diện tích phát hiện sai phạm (2.450,5 m²)."),
    ({"land_violation": Decimal("2450.55")}, "land_violation", "một chữ số thập phân"),
    ({"people_recommended_discipline": -2}, "people_recommended_discipline", "không được âm"),
])
def test_bad_conclusions_are_refused(leader, overrides, field, message):
    inspection = svc.create_inspection(data(), actor=leader, today=TODAY)
    assert message in refused(lambda: svc.record_conclusion(inspection, conclusion(**overrides), actor=leader,
                                                            today=TODAY), field)


def test_conclusion_before_the_start_is_refused(leader):
    inspection = svc.create_inspection(data(ended_on=None), actor=leader, today=TODAY)
    message = refused(lambda: svc.record_conclusion(inspection, conclusion(concluded_on=day(-91)), actor=leader,
                                                    today=TODAY), "concluded_on")
    assert "trước ngày bắt đầu thanh tra (14/02/2026)" in message


def test_blank_figures_are_zero(leader):
    inspection = svc.create_inspection(data(), actor=leader, today=TODAY)
    svc.record_conclusion(inspection, svc.ConclusionData(number="1/KL", concluded_on=TODAY, money_violation=None,
                                                         money_recommended=None, land_violation=None,
                                                         land_recommended=None), actor=leader, today=TODAY)
    assert (inspection.money_recommended, inspection.land_recommended) == (0, 0)
    assert not queries.recovery_progress(inspection).anything_recommended


def test_a_corrected_conclusion_keeps_what_was_recovered(leader):
    inspection = concluded(leader)
    svc.add_recovery(inspection, svc.RecoveryData(recovered_on=day(-20), money=600_000_000, land=Decimal("200")),
                     actor=leader, today=TODAY)
    message = refused(lambda: svc.record_conclusion(inspection, conclusion(money_recommended=500_000_000),
                                                    actor=leader, today=TODAY), "money_recommended")
    assert "Đã thu hồi 600.000.000 đồng" in message
    refused(lambda: svc.record_conclusion(inspection, conclusion(land_recommended=Decimal("199.9")), actor=leader,
                                          today=TODAY), "land_recommended")
    message = refused(lambda: svc.record_conclusion(inspection, conclusion(concluded_on=day(-19)), actor=leader,
                                                    today=TODAY), "concluded_on")
    assert "khoản thu hồi ngày 25/04/2026" in message
    svc.record_conclusion(inspection, conclusion(money_recommended=600_000_000), actor=leader, today=TODAY)
    assert events(inspection)[-1] == "conclusion_updated"


# --- the late flag on its edge days ---------------------------------------------------------------

@pytest.mark.parametrize("concluded_offset,late", [(-1, False), (0, False), (1, True)])
def test_a_conclusion_issued_after_its_due_day_is_late(leader, concluded_offset, late):
    due = day(-30)
    inspection = svc.create_inspection(data(conclusion_due=due), actor=leader, today=TODAY)
    svc.record_conclusion(inspection, conclusion(concluded_on=due + timedelta(days=concluded_offset)), actor=leader,
                          today=TODAY)
    assert inspection.conclusion_late(TODAY) is late
    listed = queries.inspection_list(leader, queries.InspectionFilters(state="late"), today=TODAY)
    assert [r.inspection.id for r in listed.items] == ([inspection.id] if late else [])
    assert queries.late_conclusions(leader, TODAY) == []  # issued: no longer a dashboard warning


@pytest.mark.parametrize("today_offset,late", [(-1, False), (0, False), (1, True)])
def test_a_conclusion_not_issued_is_late_from_the_day_after_its_due_day(leader, today_offset, late):
    due = day(-30)
    inspection = svc.create_inspection(data(conclusion_due=due), actor=leader, today=TODAY)
    today = due + timedelta(days=today_offset)
    assert inspection.conclusion_late(today) is late
    assert queries.late_conclusions(leader, today) == ([inspection] if late else [])
    listed = queries.inspection_list(leader, queries.InspectionFilters(state="late"), today=today)
    assert listed.total == (1 if late else 0)


def test_without_a_due_date_nothing_is_late(leader):
    inspection = svc.create_inspection(data(conclusion_due=None), actor=leader, today=TODAY)
    assert not inspection.conclusion_late(day(365))
    assert queries.late_conclusions(leader, day(365)) == []


# --- recovery -----------------------------------------------------------------------------------

def test_recovery_is_followed_until_it_is_in(leader):
    inspection = concluded(leader)
    svc.add_recovery(inspection, svc.RecoveryData(recovered_on=day(-30), money=600_000_000, document="GNT 0112"),
                     actor=leader, today=TODAY)
    svc.add_recovery(inspection, svc.RecoveryData(recovered_on=TODAY, money=418_800_000), actor=leader, today=TODAY)
    progress = queries.recovery_progress(inspection)
    assert (progress.money_recovered, progress.money_left) == (1_018_800_000, 128_200_000)
    assert progress.money_rate_text == "88,8%"  # the seed report's figure: 1.018,8 / 1.147,0
    assert not progress.is_complete
    message = refused(lambda: svc.add_recovery(inspection, svc.RecoveryData(recovered_on=TODAY, money=128_200_001),
                                               actor=leader, today=TODAY), "money")
    assert message == ("Vượt số tiền còn phải thu hồi: kết luận kiến nghị thu hồi 1.147.000.000 đồng, đã thu hồi "
                       "1.018.800.000 đồng, còn 128.200.000 đồng.")
    svc.add_recovery(inspection, svc.RecoveryData(recovered_on=TODAY, money=128_200_000, land=Decimal("1200")),
                     actor=leader, today=TODAY)
    progress = queries.recovery_progress(inspection)
    assert progress.is_complete and progress.money_rate_text == "100,0%" and progress.land_rate_text == "100,0%"
    assert events(inspection).count("recovery_added") == 3
    dates = [r.recovered_on for r in db.session.scalars(select(InspectionRecovery).order_by(InspectionRecovery.id))]
    assert dates == [day(-30), TODAY, TODAY]  # each recovery keeps its own date (counted in its period)


def test_the_rate_is_never_rounded_up_to_complete(leader):
    inspection = concluded(leader, money_recommended=1_000_000_000)
    svc.add_recovery(inspection, svc.RecoveryData(recovered_on=TODAY, money=999_999_999), actor=leader, today=TODAY)
    assert queries.recovery_progress(inspection).money_rate_text == "99,9%"


@pytest.mark.parametrize("recovery,field,message", [
    (dict(recovered_on=None, money=1), "recovered_on", "Hãy nhập ngày thu hồi."),
    (dict(recovered_on=day(1), money=1), "recovered_on", "không thể ở tương lai"),
    (dict(recovered_on=day(-41), money=1), "recovered_on", "trước ngày ban hành kết luận (05/04/2026)"),
    (dict(recovered_on=TODAY), "money", "Hãy nhập số tiền hoặc diện tích đất đã thu hồi."),
    (dict(recovered_on=TODAY, money=-5), "money", "Số tiền không được âm."),
    (dict(recovered_on=TODAY, land=Decimal("1200.1")), "land", "còn 1.200,0 m²"),
    (dict(recovered_on=TODAY, land=Decimal("0.05")), "land", "một chữ số thập phân"),
])
def test_bad_recoveries_are_refused(leader, recovery, field, message):
    inspection = concluded(leader)
    assert message in refused(lambda: svc.add_recovery(inspection, svc.RecoveryData(**recovery), actor=leader,
                                                       today=TODAY), field)
    assert inspection.recoveries == []


def test_recovery_on_the_conclusion_day_is_accepted(leader):
    inspection = concluded(leader)
    svc.add_recovery(inspection, svc.RecoveryData(recovered_on=day(-40), money=1), actor=leader, today=TODAY)
    assert len(inspection.recoveries) == 1


def test_nothing_is_recovered_before_the_conclusion_or_beyond_it(leader):
    inspection = svc.create_inspection(data(), actor=leader, today=TODAY)
    assert "sau khi đã ban hành kết luận" in refused(
        lambda: svc.add_recovery(inspection, svc.RecoveryData(recovered_on=TODAY, money=1), actor=leader,
                                 today=TODAY), None)
    svc.record_conclusion(inspection, conclusion(money_recommended=0, land_recommended=0), actor=leader, today=TODAY)
    assert "không kiến nghị thu hồi tiền" in refused(
        lambda: svc.add_recovery(inspection, svc.RecoveryData(recovered_on=TODAY, money=1), actor=leader,
                                 today=TODAY), "money")


def test_a_recovery_recorded_by_mistake_is_deleted(leader):
    inspection = concluded(leader)
    recovery = svc.add_recovery(inspection, svc.RecoveryData(recovered_on=TODAY, money=600_000_000), actor=leader,
                                today=TODAY)
    svc.delete_recovery(recovery, actor=leader)
    assert db.session.scalars(select(InspectionRecovery)).first() is None
    assert queries.recovery_progress(inspection).money_recovered == 0
    note = db.session.scalars(select(Event.note).where(Event.action == "recovery_deleted")).one()
    assert "600.000.000 đồng" in note and "15/05/2026" in note
    other = make_user("handler", "XCL")
    again = svc.add_recovery(inspection, svc.RecoveryData(recovered_on=TODAY, money=1), actor=leader, today=TODAY)
    refused(lambda: svc.delete_recovery(again, actor=other), None)


# --- follow-up ----------------------------------------------------------------------------------

def test_a_recommendation_is_followed_until_done(leader):
    inspection = svc.create_inspection(data(), actor=leader, today=TODAY)
    refused(lambda: svc.add_followup(inspection, "Kiểm điểm", None, actor=leader), None)
    svc.record_conclusion(inspection, conclusion(), actor=leader, today=TODAY)
    refused(lambda: svc.add_followup(inspection, " ", None, actor=leader), "recommendation")
    assert "trước ngày ban hành kết luận" in refused(
        lambda: svc.add_followup(inspection, "Kiểm điểm", day(-41), actor=leader), "due_on")
    followup = svc.add_followup(inspection, "Kiểm điểm trách nhiệm", day(-10), actor=leader)
    refused(lambda: svc.complete_followup(followup, day(1), "Xong", actor=leader, today=TODAY), "done_on")
    refused(lambda: svc.complete_followup(followup, day(-41), "Xong", actor=leader, today=TODAY), "done_on")
    refused(lambda: svc.complete_followup(followup, TODAY, "  ", actor=leader, today=TODAY), "result_note")
    svc.complete_followup(followup, TODAY, "Đã kiểm điểm", actor=leader, today=TODAY)
    assert (followup.done_on, followup.result_note) == (TODAY, "Đã kiểm điểm")
    refused(lambda: svc.complete_followup(followup, TODAY, "Lần nữa", actor=leader, today=TODAY), None)
    assert events(inspection)[-2:] == ["followup_added", "followup_done"]


# --- scope and the list -------------------------------------------------------------------------

def add(agency_code: str, **values) -> Inspection:
    agency = db.session.scalars(select(Agency).where(Agency.code == agency_code)).one()
    base = dict(kind="planned", topic="administrative", title="Thanh tra", subject="Đối tượng",
                decision_number="1/QĐ", started_on=day(-10))
    base.update(values)
    inspection = Inspection(agency_id=agency.id, **base)
    db.session.add(inspection)
    db.session.flush()
    return inspection


def test_each_user_sees_their_scope(leader):
    own = add("TTLS")
    commune = add("XCL")
    assert queries.get_for_user(leader, own.id) is own
    assert queries.get_for_user(leader, commune.id) is None
    supervisor = make_user("supervisor", "LS")
    assert queries.get_for_user(supervisor, own.id) is own and queries.get_for_user(supervisor, commune.id) is commune
    assert queries.get_manageable(supervisor, own.id) is None
    assert queries.get_manageable(leader, own.id) is own and queries.get_manageable(leader, commune.id) is None
    assert queries.get_manageable(make_user("leader", "LS"), own.id) is None
    listed = queries.inspection_list(supervisor, queries.InspectionFilters(), today=TODAY)
    assert {r.inspection.id for r in listed.items} == {own.id, commune.id}
    assert [r.inspection.id for r in queries.inspection_list(leader, queries.InspectionFilters(),
                                                             today=TODAY).items] == [own.id]
    add("XCL", conclusion_due=day(-1))
    assert queries.late_conclusions(leader, TODAY) == [] and len(queries.late_conclusions(supervisor, TODAY)) == 1


def ids(user, **filters) -> set[int]:
    return {r.inspection.id for r in queries.inspection_list(user, queries.InspectionFilters(**filters),
                                                             today=TODAY).items}


def test_the_list_filters(leader):
    land = add("TTLS", title="Thanh tra việc quản lý, sử dụng đất tại xã Cao Lộc", started_on=date(2025, 3, 1),
               kind="ad_hoc", concluded_on=date(2025, 6, 1), conclusion_number="8/KL-TTr",
               money_violation=100, money_recommended=100)
    running = add("TTLS", topic="anti_corruption", subject="Sở Tài chính", decision_number="77/QĐ-TTr",
                  conclusion_due=day(5))
    full = add("TTLS", concluded_on=day(-5), money_violation=50, money_recommended=50,
               land_violation=Decimal("0.8"), land_recommended=Decimal("0.8"))
    for part in (Decimal("0.7"), Decimal("0.1")):  # floating-point sums on SQLite: 0.7 + 0.1 < 0.8
        db.session.add(InspectionRecovery(inspection_id=full.id, recovered_on=day(-1), money=25, land=part))
    db.session.flush()
    assert ids(leader, year=2025) == {land.id} and ids(leader, year=2026) == {running.id, full.id}
    assert ids(leader, kind="ad_hoc") == {land.id}
    assert ids(leader, topic="anti_corruption") == {running.id}
    assert ids(leader, state="in_progress") == {running.id}
    assert ids(leader, state="concluded") == {land.id, full.id}
    assert ids(leader, state="recovery_incomplete") == {land.id}
    assert ids(leader, q="quan ly su dung DAT cao loc") == {land.id}  # no diacritics, any case
    assert ids(leader, q="Sở tài chính") == {running.id}
    assert ids(leader, q="77/qđ") == {running.id} and ids(leader, q="8/KL") == {land.id}
    assert ids(leader, q="không có") == set()
    assert ids(leader, q="dat", kind="planned") == set()


def test_the_list_is_paginated_newest_first(leader):
    made = [add("TTLS", started_on=day(-i)) for i in range(27)]
    first = queries.inspection_list(leader, queries.InspectionFilters(), today=TODAY)
    second = queries.inspection_list(leader, queries.InspectionFilters(page=2), today=TODAY)
    assert (first.total, first.pages, len(first.items), len(second.items)) == (27, 2, 25, 2)
    assert [r.inspection.id for r in second.items] == [made[25].id, made[26].id]
    assert first.items[0].inspection.id == made[0].id
    assert queries.inspection_list(leader, queries.InspectionFilters(page=-3), today=TODAY).page == 1


def test_years_offered_run_from_the_first_inspection(leader):
    assert queries.years(leader, TODAY) == [2026]
    add("TTLS", started_on=date(2023, 7, 1))
    assert queries.years(leader, TODAY) == [2026, 2025, 2024, 2023]


# --- demo data ----------------------------------------------------------------------------------

def test_demo_inspections_go_through_the_rules_once(app):
    from app.auth.seed import load_demo_users
    from app.formatting import local_today
    from app.inspections.demo import load_demo_inspections

    load_demo_users()
    db.session.flush()
    assert load_demo_inspections() == 4
    assert load_demo_inspections() == 0
    today = local_today()
    rows = db.session.scalars(select(Inspection).order_by(Inspection.id)).all()
    assert len(rows) == 4 and {r.agency.code for r in rows} == {"TTLS"}
    first = rows[0]
    assert first.concluded_on and first.conclusion_late(today) and first.topic == "anti_corruption"
    assert queries.recovery_progress(first).money_rate_text == "88,8%"
    assert first.money_violation == 1_391_100_000 and first.money_recommended == 1_147_000_000
    assert queries.recovery_progress(rows[1]).land_rate_text == "100,0%"
    assert not queries.recovery_progress(rows[1]).is_complete  # money only partly in
    assert [i.id for i in queries.late_conclusions(make_user("leader", "TTLS"), today)] == [rows[3].id]
