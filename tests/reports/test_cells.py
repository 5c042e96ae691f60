"""Report cells on hand-made data sets, on SQLite and PostgreSQL: each figure of the official forms
and the summary, the records behind it (drill-down) and the period and scope rules."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.audit.services import record_event
from app.extensions import db
from app.reports import engine
from app.reports.official import FORMS
from app.reports.period import PeriodError, make_period
from app.reports.summary import SUMMARY, summarise
from tests.reports import factories as f

Q1 = make_period("quarter", 2021, 1)
NINE = make_period("nine_months", 2021)


def scope(code="TTLS", subtree=False):
    return engine.Scope(f.agency(code), subtree)


def totals(form_code, period=Q1, sc=None):
    return engine.compute(FORMS[form_code], sc or scope(), period).total


def drilled(form_code, key, period=Q1, sc=None, row="total"):
    form = FORMS.get(form_code)
    column = (form or SUMMARY).column(key)
    page, value = engine.drill(column, sc or scope(), period, row)
    return page, value


# --- periods -----------------------------------------------------------------------------------

def test_periods_and_their_names(app):
    assert (Q1.start, Q1.end, Q1.label) == (date(2021, 1, 1), date(2021, 3, 31), "quý I năm 2021")
    assert (NINE.start, NINE.end, NINE.phrase) == (date(2021, 1, 1), date(2021, 9, 30), "Trong 9 tháng đầu năm 2021")
    assert make_period("month", 2024, 2).end == date(2024, 2, 29)
    assert make_period("half", 2021).end == date(2021, 6, 30)
    assert make_period("range", start=date(2021, 1, 1), end=date(2021, 9, 30)).kind == "nine_months"
    odd = make_period("range", start=date(2021, 2, 3), end=date(2021, 5, 4))
    assert odd.phrase == "Trong thời gian từ 03/02/2021 đến 04/05/2021"


@pytest.mark.parametrize("kwargs, field, words", [
    ({"kind": "weekly"}, "period", "loại kỳ"),
    ({"kind": "quarter", "year": 2021, "number": 5}, "number", "quý"),
    ({"kind": "month", "year": 2021, "number": 0}, "number", "tháng"),
    ({"kind": "year", "year": 1900}, "year", "năm"),
    ({"kind": "range", "start": date(2021, 3, 1), "end": date(2021, 2, 1)}, "end", "kết thúc"),
    ({"kind": "range", "start": None, "end": date(2021, 2, 1)}, "start", "bắt đầu"),
])
def test_bad_periods_are_refused_with_the_field(app, kwargs, field, words):
    with pytest.raises(PeriodError) as exc:
        make_period(**kwargs)
    assert exc.value.field_name == field and words in str(exc.value)


# --- 01/TCD -------------------------------------------------------------------------------------

def test_reception_form_counts_visits_people_groups_and_leaders_days(app):
    f.visit("TTLS", date(2021, 1, 5), people=1)
    f.visit("TTLS", date(2021, 2, 5), people=7, repeat=True, kind="denunciation", outcome="petition_received")
    f.visit("TTLS", date(2021, 3, 31), hour=23, minute=30)  # 23:30 on the last day: in
    f.visit("TTLS", date(2021, 4, 1), hour=0, minute=10)  # 00:10 the next day: out
    f.visit("TTLS", date(2020, 12, 31), hour=23, minute=59)  # out
    direct = f.session("TTLS", date(2021, 2, 10))
    delegated = f.session("TTLS", date(2021, 3, 10), mode="delegated")
    f.session("TTLS", date(2021, 3, 20), status="cancelled")
    f.visit("TTLS", date(2021, 2, 10), people=2, session=direct, outcome="guided")
    f.visit("TTLS", date(2021, 2, 10), people=12, session=direct, repeat=True)
    f.visit("TTLS", date(2021, 3, 10), session=delegated, kind="proposal", outcome="refused")
    f.visit("XCL", date(2021, 2, 1))  # another agency: not in TTLS's report
    t = totals("01-tcd")
    assert (t["total_visits"], t["total_people"], t["total_old"], t["total_new"]) == (6, 24, 2, 4)
    assert (t["regular_visits"], t["regular_people"], t["regular_groups"], t["regular_group_people"]) == (3, 9, 1, 7)
    assert (t["regular_group_old"], t["regular_group_new"]) == (1, 0)
    assert (t["direct_sessions"], t["direct_visits"], t["direct_people"], t["direct_groups"]) == (1, 2, 14, 1)
    assert (t["delegated_sessions"], t["delegated_visits"], t["delegated_people"]) == (1, 1, 1)
    assert (t["content_complaint"], t["content_denunciation"], t["content_proposal"]) == (4, 1, 1)
    assert (t["result_petition_received"], t["result_guided"], t["result_refused"], t["result_settled"]) == (1, 1, 1, 3)
    page, value = drilled("01-tcd", "total_people")
    assert value == 24 and page.total == 6
    assert sorted(item["amount"] for item in page.items) == [1, 1, 1, 2, 7, 12]


def test_rows_per_agency_of_a_subtree_add_up_to_the_total(app):
    f.visit("TTLS", date(2021, 1, 5))
    f.visit("XCL", date(2021, 1, 6))
    f.visit("XCL", date(2021, 1, 7))
    f.visit("LS", date(2021, 1, 8))
    table = engine.compute(FORMS["01-tcd"], scope("LS", subtree=True), Q1)
    by_name = {r.label: table.values[r.key]["total_visits"] for r in table.rows}
    assert by_name["Ủy ban nhân dân tỉnh Lạng Sơn"] == 1
    assert by_name["Thanh tra tỉnh Lạng Sơn"] == 1
    assert by_name["Ủy ban nhân dân xã Cao Lộc"] == 2
    assert table.total["total_visits"] == 4 == sum(by_name.values())
    xcl_row = next(r for r in table.rows if r.label == "Ủy ban nhân dân xã Cao Lộc")
    page, value = engine.drill(FORMS["01-tcd"].column("total_visits"), scope("LS", True), Q1, xcl_row.key)
    assert value == 2 and page.total == 2
    with pytest.raises(LookupError):
        engine.drill(FORMS["01-tcd"].column("total_visits"), scope("LS", True), Q1, "999999")


# --- 01/XLD -------------------------------------------------------------------------------------

def test_petition_processing_carried_over_received_merged_and_transferred(app):
    f.petition("TTLS", date(2020, 12, 20), status="guided", decided=date(2021, 1, 10))  # carried, processed
    f.petition("TTLS", date(2020, 12, 20), status="guided", decided=date(2020, 12, 28))  # done before: out
    f.petition("TTLS", date(2020, 11, 2))  # carried, still open at the end
    original = f.petition("TTLS", date(2021, 1, 4), status="accepted", decided=date(2021, 1, 8))
    f.petition("TTLS", date(2021, 1, 5), status="merged", decided=date(2021, 1, 9), merged_into_id=original.id)
    f.petition("TTLS", date(2021, 1, 6), multi_signer=True, status="filed", decided=date(2021, 1, 9),
               file_reason="ineligible")
    f.petition("TTLS", date(2021, 1, 7), status="filed", decided=date(2021, 1, 9), file_reason="anonymous")
    sent = f.petition("TTLS", date(2021, 2, 1), kind="denunciation", status="transferred", decided=date(2021, 2, 3))
    copy = f.petition("XCL", date(2021, 2, 3), kind="denunciation", status="accepted", decided=date(2021, 2, 20),
                      source_petition_id=sent.id)
    f.petition("TTLS", date(2021, 3, 1), kind="proposal", status="urged", decided=date(2021, 3, 5))
    f.petition("TTLS", date(2021, 4, 1))  # after the period
    t = totals("01-xld")
    assert (t["total"], t["carried"]) == (8, 2)
    assert (t["received_multi"], t["received_single"], t["received_other"]) == (1, 4, 1)
    assert (t["processed"], t["eligible"], t["eligible_cases"]) == (7, 5, 4)  # the merged copy is not a case
    assert (t["eligible_complaint"], t["eligible_denunciation"], t["eligible_proposal"]) == (3, 1, 1)
    assert (t["own_complaint"], t["guided"], t["transferred"], t["urged"], t["filed"]) == (1, 1, 1, 1, 2)
    assert t["not_processed"] == 1
    assert t["transfer_replies"] == 1  # the commune processed the copy by the period's end
    # The copy is counted by the commune on its own, but not twice in the province's subtree.
    assert totals("01-xld", sc=scope("XCL"))["total"] == 1
    province = totals("01-xld", sc=scope("LS", subtree=True))
    assert province["total"] == 8 and province["own_denunciation"] == 0
    page, value = drilled("01-xld", "carried")
    assert value == 2 and page.total == 2 and all(p["url"].startswith("/staff/petitions/") for p in page.items)
    page, value = drilled("01-xld", "transfer_replies")
    assert value == 1 and page.items[0]["code"] == sent.tracking_code
    page, _value = drilled("01-xld", "total", sc=scope("XCL"))
    assert [p["code"] for p in page.items] == [copy.tracking_code]


def test_petition_state_follows_the_case_decision(app):
    first = f.case("TTLS", "complaint_first", date(2021, 1, 20), decision_date=date(2021, 3, 1), status="decided")
    second = f.case("TTLS", "complaint_second", date(2021, 1, 20), decision_date=date(2021, 3, 2), status="decided")
    running = f.case("TTLS", "complaint_first", date(2021, 1, 20))
    late = f.case("TTLS", "complaint_first", date(2021, 1, 20), decision_date=date(2021, 4, 2), status="decided")
    for c in (first, second, running, late):
        f.petition("TTLS", date(2021, 1, 10), status="accepted", decided=date(2021, 1, 20), case_id=c.id)
    t = totals("01-xld")
    assert (t["own_resolved_first"], t["own_resolved_repeat"], t["own_in_progress"]) == (1, 1, 2)


# --- 01/KQGQ and KQGQ-TC --------------------------------------------------------------------------

def test_complaint_results(app):
    carried = f.case("TTLS", "complaint_first", date(2020, 12, 1), due=date(2021, 1, 30), status="decided",
                     decision_date=date(2021, 1, 25), outcome="correct", money_recommended=150_000_000,
                     land_recommended=Decimal("120.5"), people_disciplined=2, officials_disciplined=1)
    f.case("TTLS", "complaint_first", date(2020, 11, 1), status="decided", decision_date=date(2020, 12, 20),
           outcome="incorrect")  # decided before: neither carried nor resolved
    f.case("TTLS", "complaint_first", date(2021, 2, 1), due=date(2021, 3, 3), status="decided",
           decision_date=date(2021, 3, 10), outcome="partly_correct", money_returned=20_000_000)  # late
    f.case("TTLS", "complaint_second", date(2021, 2, 2), due=date(2021, 3, 20), status="decided",
           decision_date=date(2021, 3, 15), outcome="incorrect")  # upheld
    f.case("TTLS", "complaint_second", date(2021, 2, 2), due=date(2021, 3, 20), status="decided",
           decision_date=date(2021, 3, 16), outcome="partly_correct")  # changed
    withdrawn = f.case("TTLS", "complaint_first", date(2021, 2, 5), status="withdrawn")
    record_event("case", withdrawn.id, "withdraw", actor_label="test", from_status="accepted", to_status="withdrawn")
    f.case("TTLS", "complaint_first", date(2021, 3, 5))  # in progress
    f.case("TTLS", "denunciation", date(2021, 3, 5))  # not a complaint
    f.petition("TTLS", date(2020, 11, 20), status="accepted", decided=date(2020, 12, 1), case_id=carried.id)
    f.petition("TTLS", date(2020, 11, 25), status="merged", decided=date(2020, 12, 1), case_id=carried.id)
    db.session.flush()
    # The withdrawal event is dated now; a period around today counts it.
    t = totals("01-kqgq")
    assert (t["cases"], t["carried"], t["new"], t["petitions"]) == (6, 1, 5, 2)
    assert (t["by_decision"], t["outcome_correct"], t["outcome_partly_correct"], t["outcome_incorrect"]) == (4, 1, 1, 0)
    assert (t["second_upheld"], t["second_changed"]) == (1, 1)
    assert t["money_recommended"] == Decimal(150_000_000) and t["land_recommended"] == Decimal("120.5")
    assert t["money_returned"] == Decimal(20_000_000)
    assert (t["people_disciplined"], t["officials_disciplined"]) == (2, 1)
    assert (t["on_time"], t["late"]) == (3, 1)
    assert t["withdrawn"] == 0  # withdrawn today, not in 2021
    from app.formatting import local_today
    today = local_today()
    now = make_period("range", start=date(today.year - 1, 1, 1), end=today)
    assert totals("01-kqgq", period=now)["withdrawn"] == 1


def test_denunciation_results(app):
    f.case("TTLS", "denunciation", date(2021, 1, 5), due=date(2021, 2, 4), status="concluded",
           decision_date=date(2021, 2, 1), outcome="true", referred_to_investigation=1, money_recommended=5_000_000)
    f.case("TTLS", "denunciation", date(2021, 1, 5), due=date(2021, 2, 4), status="concluded",
           decision_date=date(2021, 2, 10), outcome="untrue")
    f.case("TTLS", "complaint_first", date(2021, 1, 5), status="decided", decision_date=date(2021, 2, 1),
           outcome="correct")
    t = totals("kqgq-tc")
    assert (t["cases"], t["outcome_true"], t["outcome_untrue"], t["outcome_partly_true"]) == (2, 1, 1, 0)
    assert (t["on_time"], t["late"], t["to_investigation"]) == (1, 1, 1)
    assert "second_upheld" not in t


# --- 02/KQGQ ---------------------------------------------------------------------------------------

def test_enforcement(app):
    f.case("TTLS", "complaint_first", date(2020, 10, 1), status="enforcing", decision_date=date(2020, 12, 1),
           enforcement_due=date(2021, 2, 1), enforced_on=date(2021, 2, 15), money_recommended=100_000_000,
           money_recovered=80_000_000, people_disciplined=1)  # carried, done late
    f.case("TTLS", "denunciation", date(2021, 1, 1), status="handled", decision_date=date(2021, 2, 1),
           enforcement_due=date(2021, 3, 1), money_recommended=40_000_000)  # due, not done: overdue
    f.case("TTLS", "complaint_first", date(2020, 1, 1), status="closed", decision_date=date(2020, 2, 1),
           enforced_on=date(2020, 3, 1))  # done before: out
    t = totals("02-kqgq")
    assert (t["due"], t["done"], t["overdue"]) == (2, 1, 2)
    assert t["money_to_recover"] == Decimal(140_000_000) and t["money_recovered"] == Decimal(80_000_000)
    assert t["people_disciplined"] == 1


# --- the summary -------------------------------------------------------------------------------------

def test_summary_inspections_recovery_by_date_and_directives_as_at_the_end(app):
    carried = f.inspection("TTLS", date(2020, 11, 1), concluded=date(2021, 2, 1), found=300_000_000,
                           recommended=200_000_000)
    f.inspection("TTLS", date(2020, 5, 1), concluded=date(2020, 9, 1), found=999_000_000)  # before: out
    f.inspection("TTLS", date(2021, 8, 1))  # running at the end
    f.inspection("TTLS", date(2021, 10, 1))  # after: out
    f.inspection("TTLS", date(2021, 2, 1), concluded=date(2021, 6, 1), topic="anti_corruption")
    f.inspection("TTLS", date(2021, 7, 1), topic="anti_corruption")
    f.recovery(carried, date(2021, 3, 1), money=150_000_000)
    f.recovery(carried, date(2021, 10, 2), money=50_000_000)  # after the period: next period's
    f.directive("TTLS", date(2021, 1, 10), date(2021, 2, 10), done=date(2021, 2, 10))  # on time (on the day)
    f.directive("TTLS", date(2021, 1, 10), date(2021, 2, 10), done=date(2021, 2, 11))  # late
    f.directive("TTLS", date(2021, 9, 1), date(2021, 10, 30), done=date(2021, 10, 5))  # in progress at 30/9
    f.directive("TTLS", date(2021, 3, 1), date(2021, 9, 1))  # overdue
    f.directive("TTLS", date(2021, 3, 1), date(2021, 12, 1), key=True, source="other", done=date(2021, 6, 1))
    f.directive("TTLS", date(2020, 12, 1), date(2021, 1, 1))  # assigned before the period
    s = summarise(scope(), NINE)
    fig = s.figures
    assert (fig["inspections"], fig["inspections_concluded"], fig["ac_inspections"], fig["ac_concluded"]) == (2, 1, 2, 1)
    assert fig["money_violation"] == Decimal(300_000_000) and fig["money_recovered"] == Decimal(150_000_000)
    assert s.rate == Decimal(75)
    assert (fig["directives"], fig["key_tasks"], fig["by_leaders"]) == (5, 1, 4)
    assert (fig["done"], fig["done_on_time"], fig["done_late"], fig["in_progress"], fig["overdue"]) == (2, 1, 1, 1, 1)
    text = s.text
    assert text.startswith("Trong 9 tháng đầu năm 2021, Thanh tra tỉnh Lạng Sơn triển khai 2 cuộc thanh tra")
    assert "phát hiện số tiền sai phạm là 300,0 triệu đồng, kiến nghị thu hồi 200,0 triệu đồng, " \
           "đã thu hồi được 150,0 triệu đồng, đạt tỷ lệ 75,0%" in text
    assert "đã kết thúc 1/2 cuộc" in text and "1 nhiệm vụ chưa hoàn thành đã quá hạn" in text
    page, value = drilled(None, "money_recovered", period=NINE)
    assert value == Decimal(150_000_000) and page.total == 1
    page, value = drilled(None, "overdue", period=NINE)
    assert page.total == 1 == value


def test_summary_without_any_money_or_directives_says_so_plainly(app):
    text = summarise(scope("XCL"), Q1).text
    assert text == ("Trong quý I năm 2021, Ủy ban nhân dân xã Cao Lộc triển khai 0 cuộc thanh tra và đã kết thúc "
                    "0 cuộc; tiếp 0 lượt công dân, tiếp nhận 0 lượt đơn thư.")
