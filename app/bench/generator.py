"""A fast generator of realistic Vietnamese data for benchmarks: `flask demo generate --petitions N`.

Rows are written with SQLAlchemy Core executemany in batches (psycopg batches them into
multi-row INSERTs), with ids given here so that petitioners, events and cases need no round trip
to learn their petition's id. One batch is one transaction; nothing goes through the ORM, the
tracking-code counters or the audit log: this is a load of past records, not citizens' actions.
Afterwards the counters are set to the last number used per agency-year (so the next real
submission continues the series without a gap) and PostgreSQL's id sequences are moved past the
ids used. The folded search columns are filled as intake fills them (app.text.fold).

The data are made up: names drawn from common Vietnamese family, middle and given names, ID
numbers with the province code of Lạng Sơn, addresses in the communes of the agency's province.
Their access keys follow bench_access_key(), so that the load runner can track them.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import func, insert, select, text

from app.agencies.models import AdminUnit, Agency
from app.audit.models import Event
from app.calendar.services import due_date
from app.cases.models import Case
from app.counters import last_value, raise_to
from app.crypto import encrypt_json
from app.extensions import db
from app.petitions.models import ContentCategory, Petition, Petitioner, ProtectedIdentity
from app.petitions.rules import INTAKE_RULE_BY_KIND
from app.petitions.tracking import hash_access_key
from app.text import fold

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
          "Hồ", "Ngô", "Dương", "Lý", "Lương", "Nông", "Hà", "Triệu", "Vi", "Lăng"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh", "Đình", "Ngọc"]
MIDDLE_F = ["Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Minh"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Khánh", "Long", "Nam", "Phúc", "Quân", "Sơn",
           "Tuấn", "Thắng", "Trung", "Việt", "Vinh", "Hoà", "Lâm", "Toàn"]
GIVEN_F = ["Anh", "Châu", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân", "Nhung",
           "Oanh", "Phương", "Thảo", "Trang", "Uyên", "Vân", "Yến", "Xuân"]
HAMLETS = ["Thôn Bản Làn", "Thôn Nà Cạn", "Thôn Khòn Khuyên", "Khối 3", "Khối 7", "Thôn Pác Cốp",
           "Thôn Nà Phường", "Thôn Đồng Tâm", "Tổ 5", "Thôn Bó Củng", "Thôn Còn Quan", "Khu Đèo Giang"]
STREETS = ["Trần Đăng Ninh", "Lê Lợi", "Bà Triệu", "Hùng Vương", "Phai Vệ", "Tam Thanh", "Ngô Quyền"]

RESPONDENTS = ["Ủy ban nhân dân xã {place}", "Chủ tịch Ủy ban nhân dân xã {place}",
               "Công ty TNHH Xây dựng {x}", "Ban quản lý dự án đầu tư xây dựng tỉnh",
               "Văn phòng Đăng ký đất đai tỉnh", "Trường Trung học cơ sở {place}",
               "Trạm Y tế xã {place}", "Hợp tác xã {x}", "Phòng Tài nguyên và Môi trường"]
COMPANIES = ["Hoàng Long", "Đông Bắc", "Minh Phát", "Thành Công", "Kỳ Lừa", "Mẫu Sơn", "Hữu Nghị"]
TITLES = {
    "complaint": [
        "Khiếu nại quyết định thu hồi đất số {n}/QĐ-UBND",
        "Khiếu nại về mức bồi thường, hỗ trợ khi Nhà nước thu hồi đất",
        "Khiếu nại quyết định xử phạt vi phạm hành chính số {n}/QĐ-XPHC",
        "Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất cho hộ liền kề",
        "Khiếu nại quyết định kỷ luật cán bộ số {n}/QĐ",
        "Khiếu nại việc không giải quyết chế độ trợ cấp xã hội",
    ],
    "denunciation": [
        "Tố cáo cán bộ địa chính xã có hành vi nhận tiền khi làm thủ tục đất đai",
        "Tố cáo việc lấn chiếm đất công tại {hamlet}",
        "Tố cáo sai phạm trong quản lý quỹ xây dựng nông thôn mới",
        "Tố cáo hành vi khai thác cát trái phép trên sông Kỳ Cùng",
        "Tố cáo việc bình xét hộ nghèo không đúng đối tượng",
    ],
    "proposal": [
        "Kiến nghị sửa chữa tuyến đường liên thôn bị sạt lở",
        "Phản ánh tình trạng ô nhiễm từ cơ sở chăn nuôi tại {hamlet}",
        "Kiến nghị cấp nước sạch cho {hamlet}",
        "Phản ánh việc thu các khoản đóng góp ngoài quy định tại trường học",
        "Kiến nghị lắp đặt đèn chiếu sáng công cộng",
        "Phản ánh việc chậm cấp giấy chứng nhận quyền sử dụng đất",
    ],
}
CONTENT = [
    "Gia đình tôi đã nhiều lần liên hệ với {respondent} nhưng chưa được giải quyết dứt điểm.",
    "Việc này ảnh hưởng trực tiếp đến đời sống và quyền lợi hợp pháp của gia đình tôi và các hộ lân cận.",
    "Tôi gửi kèm bản sao các giấy tờ liên quan để cơ quan có thẩm quyền xem xét.",
    "Sự việc xảy ra từ tháng {month} năm {year}, đến nay vẫn chưa có văn bản trả lời.",
    "Diện tích bị ảnh hưởng khoảng {area} m2, đã được xác nhận bằng biên bản kiểm đếm.",
]
REQUESTS = {
    "complaint": "Đề nghị xem xét lại quyết định nêu trên và giải quyết theo đúng quy định của pháp luật.",
    "denunciation": "Đề nghị cơ quan có thẩm quyền xác minh, xử lý nghiêm hành vi vi phạm.",
    "proposal": "Đề nghị cơ quan chức năng sớm kiểm tra và có biện pháp khắc phục.",
}
CASE_KIND = {"complaint": "complaint_first", "denunciation": "denunciation", "proposal": "proposal"}
# Where cases of each kind stand, roughly in the proportions of a year's register.
CASE_STATES = {
    "complaint_first": ["accepted", "verifying", "verifying", "dialogue", "decided", "final", "closed", "closed"],
    "denunciation": ["accepted", "verifying", "verifying", "concluded", "handled", "closed", "closed"],
    "proposal": ["accepted", "answered", "answered", "closed"],
}
# Petitions older than a month mostly have their triage done.
OLD_STATES = (["accepted"] * 20 + ["guided"] * 20 + ["transferred"] * 14 + ["filed"] * 24 + ["urged"] * 4
              + ["received"] * 6 + ["classified"] * 6 + ["proposed"] * 6)
NEW_STATES = ["received"] * 6 + ["classified"] * 3 + ["proposed"] * 1
CHANNELS = ["online"] * 5 + ["walk_in"] * 2 + ["post"] * 2 + ["hand"] + ["forwarded"]
KINDS = ["complaint"] * 5 + ["denunciation"] * 2 + ["proposal"] * 3


def bench_access_key(petition_id: int) -> str:
    """The access key of a generated petition, known to the load runner (bench/run.py) so that it can
    track them. Generated data only: `flask demo generate` refuses to run in production."""
    return f"BENCH{petition_id:07d}"


_fold = lru_cache(maxsize=100_000)(fold)  # titles, respondents and names repeat: fold each once


@dataclass
class Result:
    """What one run wrote and how long it took."""

    petitions: int = 0
    petitioners: int = 0
    events: int = 0
    cases: int = 0
    seconds: float = 0.0


@dataclass
class _AgencyInfo:
    id: int
    code: str
    communes: list[tuple[int, int, str]]  # (province id, commune id, name)


def _agencies(codes: list[str] | None) -> list[_AgencyInfo]:
    query = select(Agency).where(Agency.active.is_(True))
    if codes:
        query = query.where(Agency.code.in_(codes))
    infos = []
    for agency in db.session.scalars(query.order_by(Agency.id)):
        unit = agency.admin_unit
        province = unit if unit is None or unit.level == "province" else unit.parent
        communes = []
        if province is not None:
            rows = db.session.execute(select(AdminUnit.id, AdminUnit.name).where(
                AdminUnit.parent_id == province.id, AdminUnit.level == "commune", AdminUnit.valid_to.is_(None)))
            communes = [(province.id, cid, name) for cid, name in rows]
        infos.append(_AgencyInfo(agency.id, agency.code, communes or [(None, None, "Hoàng Văn Thụ")]))
    if not infos:
        raise ValueError("No agency to generate petitions for: run `flask seed reference` and `flask seed demo` first.")
    return infos


def _next_id(table) -> int:
    return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1


def _person(rng: random.Random, commune_name: str) -> tuple[str, str, str, str]:
    """(full name, ID number, phone, address) of a made-up citizen."""
    male = rng.random() < 0.55
    name = " ".join([rng.choice(FAMILY), rng.choice(MIDDLE_M if male else MIDDLE_F), rng.choice(GIVEN_M if male else GIVEN_F)])
    born = rng.randint(1945, 2004)
    century_sex = (0 if male else 1) if born < 2000 else (2 if male else 3)
    id_number = f"020{century_sex}{born % 100:02d}{rng.randint(0, 999999):06d}"
    phone = rng.choice(["091", "098", "097", "086", "035", "083"]) + f"{rng.randint(0, 9999999):07d}"
    if rng.random() < 0.3:
        address = f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}, {commune_name}"
    else:
        address = f"{rng.choice(HAMLETS)}, {commune_name}"
    return name, id_number, phone, address


def sample_submission(rng: random.Random, commune_name: str) -> dict[str, str]:
    """The text fields of the public form as a made-up citizen fills them (the load run's submissions:
    as varied as the generated petitions, so that the newest petitions of a run look like real ones)."""
    kind = rng.choice(KINDS)
    name, id_number, phone, address = _person(rng, commune_name)
    respondent = rng.choice(RESPONDENTS).format(place=commune_name, x=rng.choice(COMPANIES))
    title = rng.choice(TITLES[kind]).format(n=rng.randint(1, 2500), hamlet=rng.choice(HAMLETS))
    values = {"month": rng.randint(1, 12), "year": rng.randint(2022, 2026), "area": rng.randint(50, 2000)}
    content = " ".join(rng.sample(CONTENT, 3)).format(respondent=respondent, **values)
    return {"kind": kind, "full_name": name, "id_number": id_number, "phone": phone, "address": address,
            "respondent": respondent, "title": title, "content": content, "request_text": REQUESTS[kind]}


def generate(total: int, *, agency_codes: list[str] | None = None, batch: int = 5000, days: int = 365,
             seed: int = 8, today: date | None = None, progress: Callable[[int], None] | None = None) -> Result:
    """Insert `total` petitions spread over the last `days` days among the agencies, committing each batch."""
    started = time.perf_counter()
    rng = random.Random(seed)
    today = today or datetime.now(timezone.utc).date()
    agencies = _agencies(agency_codes)
    categories: dict[str, list[int]] = {}
    for cid, kind in db.session.execute(select(ContentCategory.id, ContentCategory.kind)):
        categories.setdefault(kind, []).append(cid)
    petitions_t, petitioners_t = Petition.__table__, Petitioner.__table__
    identities_t, events_t, cases_t = ProtectedIdentity.__table__, Event.__table__, Case.__table__
    ids = {name: _next_id(t) for name, t in
           (("p", petitions_t), ("pp", petitioners_t), ("pi", identities_t), ("e", events_t), ("c", cases_t))}
    # The last number per agency-year: generated codes continue each series.
    numbers: dict[tuple[int, int], int] = {}  # filled from app.counters.last_value on first use
    due_cache: dict[tuple[str, date], date] = {}

    def due(rule: str, start: date) -> date:
        key = (rule, start)
        if key not in due_cache:
            due_cache[key] = due_date(rule, start)
        return due_cache[key]

    # Dates in order: numbers within an agency-year then rise with the date, as in a real register.
    offsets = sorted((rng.randint(0, days - 1) for _ in range(total)), reverse=True)
    result = Result()
    for first in range(0, total, batch):
        rows_p, rows_pp, rows_pi, rows_e, rows_c = [], [], [], [], []
        for offset in offsets[first:first + batch]:
            agency = rng.choice(agencies)
            province_id, commune_id, commune_name = rng.choice(agency.communes)
            kind = rng.choice(KINDS)
            received_day = today - timedelta(days=offset)
            received_at = datetime(received_day.year, received_day.month, received_day.day,
                                   rng.randint(0, 9), rng.randint(0, 59), rng.randint(0, 59), tzinfo=timezone.utc)
            year = received_at.astimezone(timezone(timedelta(hours=7))).year
            if (agency.id, year) not in numbers:
                numbers[(agency.id, year)] = last_value("petition", agency.id, year)
            numbers[(agency.id, year)] = number = numbers[(agency.id, year)] + 1
            hamlet = rng.choice(HAMLETS)
            respondent = rng.choice(RESPONDENTS).format(place=commune_name, x=rng.choice(COMPANIES))
            title = rng.choice(TITLES[kind]).format(n=rng.randint(1, 2500), hamlet=hamlet)
            sentences = rng.sample(CONTENT, 3)
            values = {"month": rng.randint(1, 12), "year": year - rng.randint(0, 3), "area": rng.randint(50, 2000)}
            content = " ".join(sentences).format(respondent=respondent, **values)
            # Folded like intake folds it, from the folded template: the same text, far fewer unidecode calls.
            content_folded = " ".join(_fold(t) for t in sentences).format(respondent=_fold(respondent), **values)
            status = rng.choice(OLD_STATES if offset > 30 else NEW_STATES)
            rule = INTAKE_RULE_BY_KIND[kind]
            pid = ids["p"]
            ids["p"] += 1
            people = [_person(rng, commune_name) for _ in range(2 if rng.random() < 0.08 else 1)]
            protected = kind == "denunciation"
            case_id = None
            if status == "accepted":
                case_id = ids["c"]
                ids["c"] += 1
                case_kind = CASE_KIND[kind]
                accepted_on = received_day + timedelta(days=rng.randint(3, 10))
                rows_c.append({"id": case_id, "kind": case_kind, "status": rng.choice(CASE_STATES[case_kind]),
                               "agency_id": agency.id, "title": title, "accepted_on": accepted_on,
                               "due_date": accepted_on + timedelta(days={"proposal": 15}.get(kind, 45)),
                               "is_complex": False, "is_remote": False, "complexity_level": "standard",
                               "search_folded": _fold(title), "created_at": received_at, "updated_at": received_at})
            rows_p.append({
                "id": pid, "tracking_code": f"{agency.code}-{year}-{number:06d}", "agency_id": agency.id,
                "kind": kind, "status": status, "channel": rng.choice(CHANNELS),
                "category_id": rng.choice(categories[kind]) if categories.get(kind) else None,
                "received_at": received_at, "title": title, "content": content, "request": REQUESTS[kind],
                "respondent": respondent, "previously_handled": False, "is_group": False,
                "declared_truthful": True, "due_rule_code": rule, "due_date": due(rule, received_day),
                "access_key_hash": hash_access_key(bench_access_key(pid)),
                "submission_token_hash": None, "version_id": 1, "multi_signer": False,
                "case_id": case_id, "created_at": received_at, "updated_at": received_at,
                "search_folded": " ".join([_fold(title), content_folded, _fold(respondent)]
                                          + ([] if protected else [_fold(p[0]) for p in people])),
            })
            for position, (name, id_number, phone, address) in enumerate(people):
                ppid = ids["pp"]
                ids["pp"] += 1
                row = {"id": ppid, "petition_id": pid, "position": position, "is_protected": protected,
                       "role": "petitioner" if position == 0 else "representative", "full_name": None,
                       "id_number": None, "phone": None, "email": None, "address": None,
                       "province_id": None, "commune_id": None, "person_id": None}
                if protected:
                    rows_pi.append({"id": ids["pi"], "petitioner_id": ppid, "created_at": received_at,
                                    "ciphertext": encrypt_json({"full_name": name, "id_number": id_number,
                                                                "phone": phone, "address": address})})
                    ids["pi"] += 1
                else:
                    row.update(full_name=name, id_number=id_number, phone=phone, address=address,
                               province_id=province_id, commune_id=commune_id)
                rows_pp.append(row)
            rows_e.append({"id": ids["e"], "subject_type": "petition", "subject_id": pid, "action": "received",
                           "from_status": None, "to_status": "received", "actor_user_id": None,
                           "actor_label": "Hệ thống", "note": None, "is_public": True, "created_at": received_at})
            ids["e"] += 1
            if status != "received":
                rows_e.append({"id": ids["e"], "subject_type": "petition", "subject_id": pid, "action": "decided",
                               "from_status": "received", "to_status": status, "actor_user_id": None,
                               "actor_label": "Cán bộ xử lý đơn", "note": None, "is_public": True,
                               "created_at": received_at + timedelta(days=rng.randint(1, 10))})
                ids["e"] += 1
        conn = db.session.connection()
        for table, rows in ((cases_t, rows_c), (petitions_t, rows_p), (petitioners_t, rows_pp),
                            (identities_t, rows_pi), (events_t, rows_e)):
            if rows:
                conn.execute(insert(table), rows)
        db.session.commit()
        result.petitions += len(rows_p)
        result.petitioners += len(rows_pp)
        result.events += len(rows_e)
        result.cases += len(rows_c)
        if progress:
            progress(result.petitions)
    _set_counters(numbers)
    _move_sequences((petitions_t, petitioners_t, identities_t, events_t, cases_t))
    db.session.commit()
    _analyze((petitions_t, petitioners_t, identities_t, events_t, cases_t))
    result.seconds = time.perf_counter() - started
    return result


def _analyze(tables) -> None:
    """Fresh planner statistics after a bulk load: without them PostgreSQL guesses a few thousand
    rows where there are a million and picks plans a hundred times slower (measured: the inbox's
    first page 580 ms before ANALYZE, 0.2 ms after), until autovacuum comes round. On PostgreSQL a
    VACUUM too: it marks the pages all-visible, which index-only scans need (the inbox's tab counts
    took 29 ms reading rows instead of 2.5 ms from the index) — again what autovacuum would do later."""
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in tables:
                conn.execute(text(f"VACUUM (ANALYZE) {table.name}"))
        return
    for table in tables:
        db.session.execute(text(f"ANALYZE {table.name}"))
    db.session.commit()


def _set_counters(numbers: dict[tuple[int, int], int]) -> None:
    """Each agency-year's series at the last generated number: the next real code follows on."""
    for (agency_id, year), last in numbers.items():
        raise_to("petition", agency_id, year, last)


def _move_sequences(tables) -> None:
    """PostgreSQL: each id sequence past the ids given here (SQLite takes max(id) + 1 by itself)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"))
