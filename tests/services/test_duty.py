"""Leaders' reception duty: which rule applies to an agency, and the warnings when a head of an
agency in the user's scope received citizens fewer days than the rule asks (Luật TCD Đ.12, 15, 18)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.agencies.models import Agency
from app.calendar.services import WorkCalendar
from app.extensions import db
from app.reception.models import ReceptionDutyRule, ReceptionSession
from app.reception.seed import load_duty_rules
from app.reception.sessions import duty_periods, duty_rule_for, missing_reception_days
from tests.conftest import make_user


@pytest.fixture
def rules(app):
    """The duty rules of `flask seed reference`."""
    load_duty_rules()
    db.session.commit()


def agency(code: str) -> Agency:
    return db.session.scalars(select(Agency).where(Agency.code == code)).one()


def add_session(code: str, day: date, status: str = "scheduled", **kwargs) -> ReceptionSession:
    session = ReceptionSession(agency_id=agency(code).id, leader_name="Chủ tịch", held_on=day, place="Trụ sở",
                               status=status, **kwargs)
    db.session.add(session)
    db.session.flush()
    return session


def add_agency(code: str, kind: str, level: str, parent: str = "LS") -> Agency:
    a = Agency(code=code, name=f"Cơ quan {code}", kind=kind, level=level, parent_id=agency(parent).id)
    db.session.add(a)
    db.session.flush()
    return a


def by_agency(warnings, code):
    return [(w.period_start, w.period_end, w.required, w.found) for w in warnings if w.agency.code == code]


# --- which rule ---------------------------------------------------------------------------------

def test_rule_for_each_demo_agency(rules):
    on = date(2026, 10, 1)
    commune, province, inspectorate = duty_rule_for(agency("XCL"), on), duty_rule_for(agency("LS"), on), \
        duty_rule_for(agency("TTLS"), on)
    assert (commune.days, commune.period) == (1, "week") and "Điều 15" in commune.legal_source
    assert (province.days, province.period) == (1, "month") and "Điều 12" in province.legal_source
    # No rule names inspectorates: the "head of an administrative agency" row (NULL/NULL).
    assert inspectorate.agency_kind is None and inspectorate.agency_level is None
    assert "Điều 18" in inspectorate.legal_source


def test_district_rule_ends_with_the_district_level(rules):
    district = add_agency("HCL", "peoples_committee", "district")
    assert duty_rule_for(district, date(2025, 6, 30)).days == 2
    after = duty_rule_for(district, date(2025, 7, 1))
    assert after.agency_kind is None and after.days == 1


def test_most_specific_rule_wins(rules):
    start = date(2020, 1, 1)
    db.session.add_all([
        ReceptionDutyRule(agency_kind="department", agency_level=None, days=2, period="month", effective_from=start,
                          legal_source="kind only"),
        ReceptionDutyRule(agency_kind=None, agency_level="province", days=3, period="month", effective_from=start,
                          legal_source="level only"),
        ReceptionDutyRule(agency_kind="department", agency_level="province", days=4, period="month",
                          effective_from=start, effective_to=date(2024, 12, 31), legal_source="kind+level, ended"),
    ])
    db.session.flush()
    department = add_agency("SXD", "department", "province")
    on = date(2026, 10, 1)
    assert duty_rule_for(department, on).legal_source == "kind only"  # kind before level
    assert duty_rule_for(department, date(2024, 6, 1)).legal_source == "kind+level, ended"
    assert duty_rule_for(agency("TTLS"), on).legal_source == "level only"  # level before any
    assert duty_rule_for(agency("XCL"), on).days == 1 and duty_rule_for(agency("XCL"), on).period == "week"


def test_no_rule_before_the_law(rules):
    assert duty_rule_for(agency("XCL"), date(2014, 6, 30)) is None


def test_weekly_periods_cover_the_weeks_overlapping_the_month():
    # Thursday 01/10/2026: the week began on Monday 28/09.
    assert duty_periods("week", date(2026, 10, 1)) == [(date(2026, 9, 28), date(2026, 10, 4))]
    assert duty_periods("week", date(2026, 10, 12)) == [
        (date(2026, 9, 28), date(2026, 10, 4)), (date(2026, 10, 5), date(2026, 10, 11)),
        (date(2026, 10, 12), date(2026, 10, 18))]
    assert duty_periods("month", date(2026, 10, 12)) == [(date(2026, 10, 1), date(2026, 10, 31))]


# --- warnings -----------------------------------------------------------------------------------

def test_weekly_commune_rule_across_a_month_boundary(rules):
    user = make_user("leader", "XCL")
    today = date(2026, 10, 1)  # Thursday; this week runs 28/09 – 04/10
    assert by_agency(missing_reception_days(user, today), "XCL") == [(date(2026, 9, 28), date(2026, 10, 4), 1, 0)]
    add_session("XCL", date(2026, 9, 29))  # Tuesday of the same week, in September: scheduled
    assert missing_reception_days(user, today) == []


def test_a_past_week_counts_only_held_sessions(rules):
    user = make_user("receptionist", "XCL")
    add_session("XCL", date(2026, 9, 29))  # scheduled, never marked held
    add_session("XCL", date(2026, 10, 6), status="held")
    add_session("XCL", date(2026, 10, 14))  # scheduled in the current week
    warnings = missing_reception_days(user, date(2026, 10, 12))
    assert by_agency(warnings, "XCL") == [(date(2026, 9, 28), date(2026, 10, 4), 1, 0)]
    assert not warnings[0].is_current and "Điều 15" in warnings[0].legal_source


def test_a_cancelled_or_ad_hoc_session_does_not_count(rules):
    user = make_user("leader", "XCL")
    add_session("XCL", date(2026, 10, 13), status="cancelled", cancel_reason="Đi công tác")
    add_session("XCL", date(2026, 10, 14), is_ad_hoc=True)
    warnings = missing_reception_days(user, date(2026, 10, 12))
    assert (date(2026, 10, 12), date(2026, 10, 18), 1, 0) in by_agency(warnings, "XCL")
    current = [w for w in warnings if w.period_start == date(2026, 10, 12)][0]
    assert current.is_current


def test_delegated_days_count_only_where_delegation_is_allowed(rules):
    user = make_user("leader", "XCL")
    add_session("XCL", date(2026, 10, 1), status="held", mode="delegated", delegate_name="Phó Chủ tịch")
    assert missing_reception_days(user, date(2026, 10, 2)) == []
    rule = duty_rule_for(agency("XCL"), date(2026, 10, 2))
    rule.delegation_allowed = False
    db.session.flush()
    assert by_agency(missing_reception_days(user, date(2026, 10, 2)), "XCL") == [
        (date(2026, 9, 28), date(2026, 10, 4), 1, 0)]


def test_monthly_province_rule(rules):
    user = make_user("leader", "LS")
    today = date(2026, 10, 15)
    assert by_agency(missing_reception_days(user, today), "LS") == [(date(2026, 10, 1), date(2026, 10, 31), 1, 0)]
    add_session("LS", date(2026, 9, 15), status="held")  # last month does not help
    assert by_agency(missing_reception_days(user, today), "LS") != []
    add_session("LS", date(2026, 10, 20))  # scheduled later this month
    assert missing_reception_days(user, today) == []


def test_held_in_the_past_within_the_month(rules):
    user = make_user("leader", "LS")
    add_session("LS", date(2026, 10, 5), status="held")
    assert missing_reception_days(user, date(2026, 10, 30)) == []


def test_a_week_without_working_days_asks_nothing(rules):
    # Tết 2026: Monday 16/02 to Friday 20/02 are all public holidays.
    user = make_user("leader", "XCL")
    for day in (date(2026, 2, 3), date(2026, 2, 10), date(2026, 1, 27)):
        add_session("XCL", day, status="held")
    today = date(2026, 2, 25)
    starts = [w.period_start for w in missing_reception_days(user, today)]
    assert date(2026, 2, 16) not in starts
    assert starts == [date(2026, 2, 23)]  # only the current week, still empty
    # With an extra working Saturday in that week, one day is owed again.
    cal = WorkCalendar(extra_working_days=frozenset({date(2026, 2, 21)}))
    starts = [w.period_start for w in missing_reception_days(user, today, calendar=cal)]
    assert date(2026, 2, 16) in starts


def test_scope_and_which_agencies_are_checked(rules):
    today = date(2026, 10, 15)
    supervisor = make_user("supervisor", "LS")
    codes = {w.agency.code for w in missing_reception_days(supervisor, today)}
    # The province, its inspectorate (head of an administrative agency) and both communes;
    # not the reception board.
    assert codes == {"LS", "TTLS", "XCL", "PLVT"}
    assert {w.agency.code for w in missing_reception_days(make_user("handler", "TTLS"), today)} == {"TTLS"}
    assert missing_reception_days(make_user("receptionist", "BTCD"), today) == []
    # A department is checked too, an "other" body is not; an inactive agency is not.
    add_agency("SXD", "department", "province")
    add_agency("HOI", "other", "province")
    plvt = agency("PLVT")
    plvt.active = False
    db.session.flush()
    codes = {w.agency.code for w in missing_reception_days(supervisor, today)}
    assert codes == {"LS", "TTLS", "XCL", "SXD"}


def test_a_rule_naming_a_kind_applies_even_to_a_reception_board(rules):
    db.session.add(ReceptionDutyRule(agency_kind="reception_board", agency_level=None, days=2, period="month",
                                     effective_from=date(2020, 1, 1), legal_source="Quy chế của tỉnh"))
    db.session.flush()
    user = make_user("receptionist", "BTCD")
    assert [(w.required, w.legal_source) for w in missing_reception_days(user, date(2026, 10, 15))] == [
        (2, "Quy chế của tỉnh")]


def test_no_rules_no_warnings(app):
    from sqlalchemy import delete

    from app.reception.models import ReceptionDutyRule

    db.session.execute(delete(ReceptionDutyRule))
    db.session.commit()
    assert missing_reception_days(make_user("supervisor", "LS"), date(2026, 10, 15)) == []
