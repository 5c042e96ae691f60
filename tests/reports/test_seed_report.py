"""Acceptance: the seed report (../shared/seed/lang-son-inspectorate-2021-09.txt). The registers of
the provincial inspectorate for the first nine months of 2021 are loaded through the import (as
an office would load its Excel books), with records just outside the period on both sides; the
narrative summary and the forms then state exactly the figures of the report. A second data set
with other numbers proves nothing is fixed to them."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.extensions import db
from app.imports.services import run_import
from app.reports import engine
from app.reports.official import FORMS
from app.reports.period import make_period
from app.reports.summary import summarise
from tests.reports.factories import agency

SEED_PARAGRAPH = (
    "Trong 9 tháng đầu năm 2021, Thanh tra tỉnh Lạng Sơn triển khai 11 cuộc thanh tra và đã kết thúc 9 cuộc, "
    "phát hiện số tiền sai phạm là 1.391,1 triệu đồng, kiến nghị thu hồi 1.147,0 triệu đồng, đã thu hồi được "
    "1.018,8 triệu đồng, đạt tỷ lệ 88,8%; tiếp 74 lượt công dân, tiếp nhận 105 lượt đơn thư; triển khai thực hiện "
    "11 cuộc thanh tra việc thực hiện các quy định của pháp luật về phòng chống tham nhũng, đã kết thúc 8/11 cuộc. "
    "Thanh tra tỉnh Lạng Sơn được giao 52 nhiệm vụ, trong đó có 2 nhiệm vụ trọng tâm, 50 nhiệm vụ do Chủ tịch và "
    "các Phó Chủ tịch giao. Đến nay, 2 nhiệm vụ trọng tâm đã hoàn thành, đã hoàn thành 40 nhiệm vụ, trong đó có 36 "
    "nhiệm vụ hoàn thành đúng hạn, 4 nhiệm vụ quá hạn, 10 nhiệm vụ đang thực hiện trong thời hạn quy định."
)


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else (v.strftime("%d/%m/%Y") if isinstance(v, date) else v) for v in row])
    return out.getvalue().encode("utf-8-sig")


@dataclass
class Registers:
    """The inspectorate's books as rows of the import templates."""

    visits: list = field(default_factory=list)
    petitions: list = field(default_factory=list)
    directives: list = field(default_factory=list)
    inspections: list = field(default_factory=list)

    def visit(self, day: date):
        n = len(self.visits) + 1
        self.visits.append([day, f"Công dân số {n}", "Khiếu nại", f"Khiếu nại về bồi thường đất, lượt {n}",
                            "Giải thích, trả lời", "Đã giải thích chính sách bồi thường"])

    def petition(self, day: date, kind: str = "Khiếu nại"):
        n = len(self.petitions) + 1
        self.petitions.append([day, "Bưu chính", kind, f"Người gửi số {n}", f"Nội dung đơn số {n}"])

    def directive(self, issued: date, due: date, done: date | None, source: str = "Chủ tịch UBND",
                  key: bool = False):
        n = len(self.directives) + 1
        self.directives.append([issued, source, f"Nhiệm vụ số {n}", "có" if key else "không", due, done, "LS"])

    def inspection(self, started: date, concluded: date | None = None, *, anti_corruption: bool = False,
                   found: int = 0, recommended: int = 0, recoveries=()):
        n = len({r[0] for r in self.inspections}) + 1
        number = f"{n}/QĐ-TTr"
        topic = "Phòng, chống tham nhũng" if anti_corruption else "Hành chính"
        first = [number, f"Thanh tra số {n}", "Sở, ngành", "Theo kế hoạch", topic, started, concluded,
                 found or None, recommended or None, None, None]
        recoveries = list(recoveries)
        if recoveries:
            first[9], first[10] = recoveries[0]
        self.inspections.append(first)
        for day, money in recoveries[1:]:
            self.inspections.append([number, None, None, None, None, None, None, None, None, day, money])

    def load(self, code: str = "TTLS") -> None:
        from tests.conftest import make_user
        head = make_user("leader", code, full_name="Chánh Thanh tra")
        files = {
            "visits": (["Ngày tiếp", "Họ tên người đến", "Loại nội dung", "Nội dung vụ việc", "Kết quả tiếp",
                        "Nội dung giải thích, trả lời"], self.visits),
            "petitions": (["Ngày nhận đơn", "Nguồn đơn", "Loại đơn", "Họ tên người gửi đơn", "Nội dung đơn"],
                          self.petitions),
            "directives": (["Ngày giao", "Nguồn giao", "Nội dung nhiệm vụ", "Nhiệm vụ trọng tâm", "Hạn hoàn thành",
                            "Ngày hoàn thành", "Mã cơ quan giao"], self.directives),
            "inspections": (["Số quyết định thanh tra", "Tên cuộc thanh tra", "Đối tượng thanh tra", "Hình thức",
                             "Lĩnh vực thanh tra", "Ngày bắt đầu", "Ngày ban hành kết luận", "Tiền sai phạm (đồng)",
                             "Tiền kiến nghị thu hồi (đồng)", "Ngày thu hồi", "Số tiền đã thu hồi (đồng)"],
                            self.inspections),
        }
        for kind, (header, rows) in files.items():
            if not rows:
                continue
            result = run_import(csv_bytes(header, rows), kind=kind, file_name=f"{kind}.csv", agency=agency(code),
                                user=head)
            assert result.ok, [(e.row, e.column, e.message) for e in result.errors[:5]]
            assert result.to_create == len(rows) or kind == "inspections"
        db.session.commit()


def spread(start: date, end: date, count: int) -> list[date]:
    """`count` days spread evenly from start to end (both included when count > 1)."""
    if count == 1:
        return [start]
    step = (end - start) / (count - 1)
    return [start + timedelta(days=round(step.days * i + step.seconds / 86400 * i)) for i in range(count)]


def seed_registers() -> Registers:
    """Records equivalent to the seed report's first nine months of 2021, with neighbours outside it."""
    r = Registers()
    start, end = date(2021, 1, 1), date(2021, 9, 30)
    for day in spread(start, end, 74):
        r.visit(day)
    r.visit(date(2020, 12, 31))
    r.visit(date(2021, 10, 1))
    for i, day in enumerate(spread(start, end, 105)):
        r.petition(day, ("Khiếu nại", "Tố cáo", "Kiến nghị, phản ánh")[i % 3])
    r.petition(date(2020, 12, 30))
    r.petition(date(2021, 10, 1))
    # Inspections: 2 carried over from 2020 and 9 begun in 2021; 9 concluded in the period.
    found = [150_000_000] * 8 + [191_100_000]
    recommended = [120_000_000] * 8 + [187_000_000]
    recovered = [110_000_000] * 8 + [138_800_000]
    starts = [date(2020, 11, 2), date(2020, 12, 1)] + spread(date(2021, 1, 10), date(2021, 6, 1), 7)
    for i in range(9):
        concluded = max(starts[i] + timedelta(days=60), date(2021, 1, 15))
        recoveries = [(concluded + timedelta(days=30), recovered[i])]
        if i == 0:
            recoveries.append((date(2021, 10, 5), 8_000_000))  # recovered after the period
        r.inspection(starts[i], concluded, found=found[i], recommended=recommended[i], recoveries=recoveries)
    r.inspection(date(2021, 8, 2))
    r.inspection(date(2021, 9, 1))
    r.inspection(date(2020, 3, 1), date(2020, 6, 1), found=500_000_000, recommended=400_000_000,
                 recoveries=[(date(2020, 12, 15), 400_000_000)])  # all before the period
    r.inspection(date(2021, 10, 4))  # after it
    # Anti-corruption inspections: 11 carried out, 8 concluded.
    for i, day in enumerate(spread(date(2021, 1, 15), date(2021, 8, 1), 11)):
        r.inspection(day, day + timedelta(days=45) if i < 8 else None, anti_corruption=True)
    # Directives: 2 key tasks and 50 from the chairman and vice-chairmen; 36 on time, 4 late, 10 running.
    r.directive(date(2021, 1, 5), date(2021, 12, 31), date(2021, 9, 20), source="Khác", key=True)
    r.directive(date(2021, 1, 5), date(2021, 12, 31), date(2021, 8, 30), source="Khác", key=True)
    for i, day in enumerate(spread(date(2021, 1, 4), date(2021, 8, 15), 40)):
        source = "Chủ tịch UBND" if i % 2 else "Phó Chủ tịch UBND"
        due = day + timedelta(days=30)
        done = due + timedelta(days=3) if i < 4 else due - timedelta(days=2) if i % 3 else due
        r.directive(day, due, done, source=source)
    for i, day in enumerate(spread(date(2021, 8, 20), date(2021, 9, 28), 10)):
        done = date(2021, 10, 10) if i == 0 else None  # done after the end: still running at 30/9
        r.directive(day, date(2021, 11, 30), done, source="Phó Chủ tịch UBND")
    r.directive(date(2020, 12, 1), date(2021, 1, 31), date(2021, 1, 20))  # assigned before the period
    return r


NINE_MONTHS = make_period("nine_months", 2021)


def test_the_seed_report_is_stated_exactly(app):
    seed_registers().load()
    scope = engine.Scope(agency("TTLS"))
    summary = summarise(scope, NINE_MONTHS)
    assert summary.text == SEED_PARAGRAPH
    # The forms state the same figures as the paragraph.
    tcd = engine.compute(FORMS["01-tcd"], scope, NINE_MONTHS).total
    assert tcd["total_visits"] == 74 == tcd["regular_visits"] and tcd["total_people"] == 74
    xld = engine.compute(FORMS["01-xld"], scope, NINE_MONTHS).total
    assert xld["total"] - xld["carried"] == 105
    # The range picked by hand names the same period and gives the same paragraph.
    by_range = make_period("range", start=date(2021, 1, 1), end=date(2021, 9, 30))
    assert summarise(scope, by_range).text == SEED_PARAGRAPH
    # The drill-down lists exactly what each figure counts.
    for key, expected in (("inspections", 11), ("inspections_concluded", 9), ("ac_concluded", 8), ("visits", 74),
                          ("petitions", 105), ("directives", 52), ("done_late", 4), ("in_progress", 10)):
        page, value = engine.drill(summary_column(key), scope, NINE_MONTHS, "total")
        assert page.total == value == expected, key


def summary_column(key):
    from app.reports.summary import SUMMARY
    return SUMMARY.column(key)


def test_the_cli_prints_the_same_paragraph(app):
    seed_registers().load()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reports", "summary", "--from", "2021-01-01", "--to", "2021-09-30",
                                 "--agency", "TTLS"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == SEED_PARAGRAPH


def test_other_records_give_other_figures(app):
    r = Registers()
    for day in spread(date(2022, 1, 3), date(2022, 3, 30), 5):
        r.visit(day)
    for day in spread(date(2022, 1, 3), date(2022, 3, 30), 7):
        r.petition(day)
    r.inspection(date(2021, 12, 1), date(2022, 2, 1), found=500_000_000, recommended=400_000_000,
                 recoveries=[(date(2022, 3, 1), 100_000_000), (date(2022, 4, 2), 50_000_000)])
    r.inspection(date(2022, 2, 1), date(2022, 3, 20), found=25_500_000, recommended=25_500_000)
    r.inspection(date(2022, 3, 1))
    r.inspection(date(2022, 1, 10), anti_corruption=True)
    r.directive(date(2022, 1, 5), date(2022, 2, 5), date(2022, 2, 5), source="Chủ tịch UBND")
    r.directive(date(2022, 1, 5), date(2022, 2, 5), None, source="Chủ tịch UBND")  # overdue at 31/3
    r.directive(date(2022, 1, 5), date(2022, 6, 5), None, source="Kết luận cuộc họp", key=True)
    r.load("TTLS")
    summary = summarise(engine.Scope(agency("TTLS")), make_period("quarter", 2022, 1))
    assert summary.text == (
        "Trong quý I năm 2022, Thanh tra tỉnh Lạng Sơn triển khai 3 cuộc thanh tra và đã kết thúc 2 cuộc, phát hiện "
        "số tiền sai phạm là 525,5 triệu đồng, kiến nghị thu hồi 425,5 triệu đồng, đã thu hồi được 100,0 triệu đồng, "
        "đạt tỷ lệ 23,5%; tiếp 5 lượt công dân, tiếp nhận 7 lượt đơn thư; triển khai thực hiện 1 cuộc thanh tra việc "
        "thực hiện các quy định của pháp luật về phòng chống tham nhũng, đã kết thúc 0/1 cuộc. Thanh tra tỉnh Lạng "
        "Sơn được giao 3 nhiệm vụ, trong đó có 1 nhiệm vụ trọng tâm, 2 nhiệm vụ do Chủ tịch và các Phó Chủ tịch giao. "
        "Đến nay, 0/1 nhiệm vụ trọng tâm đã hoàn thành, đã hoàn thành 1 nhiệm vụ, trong đó có 1 nhiệm vụ hoàn thành "
        "đúng hạn, 0 nhiệm vụ quá hạn, 0 nhiệm vụ đang thực hiện trong thời hạn quy định, 1 nhiệm vụ chưa hoàn thành "
        "đã quá hạn.")
