"""The rules and the writing of each kind of imported record: visits, petitions, cases,
directives, inspections.

Each handler has `check(row, ctx)` — the rules of its kind that involve several cells, the
database or other rows of the file; it records problems on `ctx` and returns whether the row is
good — and `write(row, ctx)`, which creates the record the way the application's own services
do (numbering through app.counters, folded search text, the denunciator's identity encrypted and
never in `people`, the legal due dates from app.calendar) and returns its id. Historical dates
are allowed; dates in the future are not. Directives and inspections are written straight to
their models: their services are for one record typed on a page.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.agencies.models import Agency
from app.audit.services import record_event
from app.auth.scope import subtree_ids
from app.calendar.services import UnknownRule, due_date
from app.cases import clock
from app.cases.models import OUTCOMES_BY_KIND, Case
from app.cases.services import ENFORCEMENT_STATES
from app.cases.workflow import TABLES, CaseState
from app.counters import next_value
from app.crypto import encrypt_json
from app.extensions import db
from app.formatting import LOCAL_TZ, format_date, to_local
from app.inspections.models import Inspection, InspectionRecovery
from app.oversight.models import Directive
from app.petitions.models import ContentCategory, Petition, PetitionKind, PetitionStatus
from app.petitions.rules import GROUP_THRESHOLD, INTAKE_RULE_BY_KIND
from app.petitions.services import PersonData, add_petitioners
from app.petitions.tracking import KEY_ALPHABET, format_tracking_code, hash_access_key, next_tracking_number
from app.reception.models import Person, Visit, VisitOutcome, VisitorRole, VisitVisitor
from app.reception.services import OUTCOMES_OWING_REPLY, REPLY_RULE, VisitError, check_group
from app.retention.services import schedule as schedule_retention
from app.imports.spec import SPECS, format_value
from app.text import fold


@dataclass
class Row:
    """One data row: its number in the file, its parsed values, its key."""

    number: int
    values: dict
    key: str = ""
    derived: dict = field(default_factory=dict)


@dataclass
class Problem:
    """A problem found in a row (the column's header as written, and its place for sorting)."""

    row: int
    column: str
    message: str
    order: int = -1


@dataclass
class Context:
    """What the checks and writes of one import share: who, where, when, look-ups, cross-row state."""

    agency: Agency
    user: object
    now: datetime
    today: date
    labels: dict
    letters: dict
    file_name: str
    errors: list[Problem] = field(default_factory=list)
    cache: dict = field(default_factory=dict)
    state: dict = field(default_factory=dict)
    batch: object = None

    def error(self, row: Row, key: str | None, message) -> None:
        label = ""
        order = -1
        if key:
            label = self.labels.get(key, key)
            if key in self.letters:
                label = f"{label} ({self.letters[key]})"
            order = list(self.labels).index(key) if key in self.labels else -1
        self.errors.append(Problem(row.number, label, str(message), order))

    def actor(self) -> dict:
        if self.user is not None:
            return {"actor_user_id": self.user.id, "actor_label": self.user.full_name}
        return {"actor_user_id": None, "actor_label": str(_l("Nhập dữ liệu (dòng lệnh)"))}

    def note(self, row: Row) -> str:
        return str(_l("Nhập từ tệp %(file)s, dòng %(row)s (lô %(batch)s)", file=self.file_name[:120],
                      row=row.number, batch=self.batch.id if self.batch is not None else "—"))

    # --- look-ups, cached for the whole file ---

    def calendar(self):
        from app.calendar.services import WorkCalendar

        if "calendar" not in self.cache:
            self.cache["calendar"] = WorkCalendar.load()
        return self.cache["calendar"]

    def agency_by_code(self, code: str) -> Agency | None:
        cache = self.cache.setdefault("agencies", {})
        if code not in cache:
            cache[code] = db.session.scalars(select(Agency).where(func.upper(Agency.code) == code.upper())).first()
        return cache[code]

    def subtree(self) -> set[int]:
        if "subtree" not in self.cache:
            self.cache["subtree"] = set(subtree_ids(self.agency.id))
        return self.cache["subtree"]

    def category(self, code: str) -> ContentCategory | None:
        cache = self.cache.setdefault("categories", {})
        if code not in cache:
            cache[code] = db.session.scalars(select(ContentCategory).where(
                func.upper(ContentCategory.code) == code.upper())).first()
        return cache[code]

    def user_in(self, email: str, agency_ids: set[int]):
        from app.auth.models import User

        cache = self.cache.setdefault("users", {})
        if email not in cache:
            cache[email] = db.session.scalars(select(User).where(func.lower(User.email) == email.lower())).first()
        user = cache[email]
        return user if user is not None and user.agency_id in agency_ids else None


def local_datetime(day: date, hhmm: str | None = None) -> datetime:
    """A day (and "HH:MM", 08:00 by default) in Viet Nam, as aware UTC."""
    hour, minute = (int(p) for p in (hhmm or "08:00").split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def _not_future(ctx: Context, row: Row, key: str, message) -> bool:
    value = row.values.get(key)
    if value is not None and value > ctx.today:
        ctx.error(row, key, message)
        return False
    return True


def _not_before(ctx: Context, row: Row, key: str, earlier: date | None, message) -> bool:
    value = row.values.get(key)
    if value is not None and earlier is not None and value < earlier:
        ctx.error(row, key, message)
        return False
    return True


def _check_category(ctx: Context, row: Row, kind: str) -> None:
    code = row.values.get("category")
    if not code:
        return
    category = ctx.category(code)
    if category is None:
        ctx.error(row, "category", _l("Không có lĩnh vực mã “%(c)s” (xem trang Hướng dẫn của tệp mẫu).", c=code))
    elif category.kind != kind:
        ctx.error(row, "category", _l("Lĩnh vực “%(c)s” không thuộc loại nội dung đã ghi.", c=code))
    else:
        row.derived["category_id"] = category.id


def _check_people(ctx: Context, row: Row) -> list[tuple[str, str | None]]:
    """Names and ID numbers as pairs, in order; an ID number list must follow the names one to one."""
    names = list(row.values.get("full_names") or ())
    ids = list(row.values.get("id_numbers") or ())
    if ids and len(ids) != len(names):
        ctx.error(row, "id_numbers", _l("Có %(n)s họ tên nhưng %(m)s số CCCD: hãy ghi số CCCD theo đúng thứ tự họ tên, "
                                        "cách nhau bằng dấu ;.", n=len(names), m=len(ids)))
        return []
    if len(set(ids)) != len(ids):
        ctx.error(row, "id_numbers", _l("Một số CCCD được ghi hai lần trong cùng dòng."))
        return []
    return list(zip(names, ids or [None] * len(names)))


def _pick_user(ctx: Context, row: Row, key: str, agency_ids: set[int], missing_message=None):
    email = row.values.get(key)
    if email:
        user = ctx.user_in(email, agency_ids)
        if user is None:
            ctx.error(row, key, _l("Không có tài khoản “%(e)s” trong cơ quan.", e=email))
        return user
    if missing_message is not None:
        if ctx.user is None:
            ctx.error(row, key, missing_message)
        return ctx.user
    return None


# --- visits (sổ tiếp công dân) ------------------------------------------------------------------

class VisitHandler:
    """A line of the reception register; a letter received there is imported as a petition, not here."""

    @staticmethod
    def sort_key(row: Row):
        return row.derived["visited_at"]

    @staticmethod
    def check(row: Row, ctx: Context) -> bool:
        v = row.values
        before = len(ctx.errors)
        visited_at = local_datetime(v["visited_on"], v.get("visited_time"))
        row.derived["visited_at"] = visited_at
        if visited_at > ctx.now:
            ctx.error(row, "visited_on", _l("Thời gian tiếp không thể ở tương lai."))
        pairs = _check_people(ctx, row)
        people_count = v.get("people_count") or max(1, len(v.get("full_names") or ()))
        row.derived["people_count"] = people_count
        try:
            check_group(people_count, len(v.get("full_names") or ()))
        except VisitError as exc:
            ctx.error(row, "full_names" if exc.field_name == "visitors" else "people_count", str(exc))
        _check_category(ctx, row, v["kind"])
        outcome, target = v["outcome"], (v.get("target") or "").strip()
        if outcome == VisitOutcome.GUIDED.value and not target:
            ctx.error(row, "target", _l("Hãy ghi cơ quan có thẩm quyền mà công dân được hướng dẫn đến."))
        if outcome == VisitOutcome.TRANSFERRED.value:
            if not target:
                ctx.error(row, "target", _l("Hãy ghi cơ quan nhận chuyển đơn."))
            else:
                agency = ctx.agency_by_code(target) if " " not in target else None
                if agency is not None and agency.id == ctx.agency.id:
                    ctx.error(row, "target", _l("Không thể chuyển đơn cho chính cơ quan mình."))
                row.derived["transfer_agency"] = agency
        if target and outcome not in (VisitOutcome.GUIDED.value, VisitOutcome.TRANSFERRED.value):
            ctx.error(row, "target", _l("Chỉ ghi cơ quan khi kết quả là hướng dẫn hoặc chuyển đơn."))
        if outcome == VisitOutcome.REFUSED.value:
            if not v.get("refusal_ground"):
                ctx.error(row, "refusal_ground", _l("Từ chối tiếp phải nêu một căn cứ tại Điều 9 Luật Tiếp công dân."))
            if not v.get("outcome_note"):
                ctx.error(row, "outcome_note", _l("Hãy ghi lý do từ chối đã giải thích cho công dân."))
        elif v.get("refusal_ground"):
            ctx.error(row, "refusal_ground", _l("Chỉ ghi căn cứ từ chối khi kết quả là từ chối tiếp."))
        if outcome == VisitOutcome.SETTLED.value and not v.get("outcome_note"):
            ctx.error(row, "outcome_note", _l("Hãy ghi nội dung đã giải thích, trả lời cho công dân."))
        row.derived["officer"] = _pick_user(ctx, row, "officer_email", {ctx.agency.id},
                                            _l("Hãy ghi email cán bộ tiếp (hoặc chạy lệnh với --user)."))
        if v.get("replied_on") is not None:
            if outcome not in OUTCOMES_OWING_REPLY:
                ctx.error(row, "replied_on", _l("Lượt tiếp này không cần thông báo kết quả (chỉ khi tiếp nhận đơn hoặc "
                                                "chuyển đơn)."))
            _not_before(ctx, row, "replied_on", to_local(visited_at).date(),
                        _l("Ngày trả lời không thể trước ngày tiếp."))
            _not_future(ctx, row, "replied_on", _l("Ngày trả lời không thể ở tương lai."))
        elif v.get("reply_note"):
            ctx.error(row, "replied_on", _l("Hãy ghi ngày trả lời."))
        if v["kind"] != PetitionKind.DENUNCIATION.value:
            _check_known_names(ctx, row, pairs)
        return len(ctx.errors) == before

    @staticmethod
    def write(row: Row, ctx: Context) -> int:
        v, d = row.values, row.derived
        protected = v["kind"] == PetitionKind.DENUNCIATION.value
        pairs = list(zip(v["full_names"], v.get("id_numbers") or [None] * len(v["full_names"])))
        people = [] if protected else _resolve_people(pairs, v.get("phone"), v.get("address"))
        local = to_local(d["visited_at"])
        outcome = v["outcome"]
        transfer_agency = d.get("transfer_agency")
        target = v.get("target")
        visit = Visit(
            agency_id=ctx.agency.id, year=local.year, number=next_value("visit", ctx.agency.id, local.year),
            visited_at=d["visited_at"], officer_id=d["officer"].id, place=v.get("place") or ctx.agency.name,
            channel=v.get("channel") or "in_person", kind=v["kind"], category_id=d.get("category_id"),
            people_count=d["people_count"], is_group=d["people_count"] >= GROUP_THRESHOLD, summary=v["summary"],
            request=v.get("request") or "", prior_handling=v.get("prior_handling"), respondent=v.get("respondent"),
            outcome=outcome, outcome_note=v.get("outcome_note"),
            guided_to=target if outcome == VisitOutcome.GUIDED.value else None,
            transfer_agency_id=transfer_agency.id if transfer_agency is not None else None,
            transfer_to_name=(transfer_agency.name if transfer_agency is not None else target)
            if outcome == VisitOutcome.TRANSFERRED.value else None,
            refusal_ground=v.get("refusal_ground"), is_repeat=bool(v.get("is_repeat")), is_protected=protected,
            replied_on=v.get("replied_on"), reply_note=v.get("reply_note"),
        )
        if outcome in OUTCOMES_OWING_REPLY:
            try:
                visit.reply_due = due_date(REPLY_RULE, local.date(), calendar=ctx.calendar())
                visit.reply_rule_code = REPLY_RULE
            except UnknownRule:
                pass
        role = VisitorRole.REPRESENTATIVE if visit.is_group else VisitorRole.VISITOR
        for position, (name, id_number) in enumerate(pairs):
            visitor = VisitVisitor(position=position, role=role.value)
            if protected:
                # Luật Tố cáo 2018 Đ.9.1.b, Đ.56: the denunciator's identity is encrypted, as at the desk.
                visitor.ciphertext = encrypt_json({
                    "full_name": name, "id_number": id_number,
                    "phone": v.get("phone") if position == 0 else None,
                    "address": v.get("address") if position == 0 else None})
            else:
                visitor.person_id = people[position].id
            visit.visitors.append(visitor)
        visit.search_folded = fold(" ".join(
            [visit.summary, visit.respondent or ""] + ([] if protected else [p.full_name for p in people])))
        db.session.add(visit)
        db.session.flush()
        record_event("visit", visit.id, "logged", to_status=visit.outcome,
                     note=f"{visit.register_number} — {ctx.note(row)}", **ctx.actor())
        return visit.id


def _check_known_names(ctx: Context, row: Row, pairs: list[tuple[str, str | None]]) -> None:
    """An ID number already known under another name (in the database or an earlier row) is an error:
    the import never renames a citizen, as the desk never does without asking."""
    seen = ctx.state.setdefault("people", {})
    for name, id_number in pairs:
        if not id_number:
            continue
        if id_number in seen:
            known, where = seen[id_number]
            if fold(known) != fold(name):
                ctx.error(row, "id_numbers", _l("Số CCCD %(id)s đã ghi ở dòng %(n)s với họ tên “%(known)s”, "
                                                "khác “%(name)s”.", id=id_number, n=where, known=known, name=name))
            continue
        person = db.session.scalars(select(Person).where(Person.id_number == id_number)).first()
        if person is not None and fold(person.full_name) != fold(name):
            ctx.error(row, "id_numbers", _l("Số CCCD %(id)s đã có trong hệ thống với họ tên “%(known)s”, "
                                            "khác “%(name)s”: hãy kiểm tra lại (việc nhập không sửa tên đã có).",
                                            id=id_number, known=person.full_name, name=name))
            continue
        seen[id_number] = (name, row.number)


def _resolve_people(pairs, phone: str | None, address: str | None) -> list[Person]:
    """One Person per visitor, found by ID number or created (never a second one for a known ID number)."""
    people = []
    for position, (name, id_number) in enumerate(pairs):
        person = db.session.scalars(select(Person).where(Person.id_number == id_number)).first() \
            if id_number else None
        if person is None:
            person = Person(full_name=name, id_number=id_number, name_folded=fold(name))
            db.session.add(person)
        if position == 0 and phone:
            person.phone = phone
        if position == 0 and address:
            person.address = address
        people.append(person)
    db.session.flush()
    return people


# --- petitions (sổ theo dõi đơn thư) ----------------------------------------------------------

# The triage outcome of an imported status, as the approval event names it (app.petitions.workflow).
PETITION_ACTIONS = {"accepted": "accept", "guided": "guide", "transferred": "transfer", "urged": "urge",
                    "filed": "file"}


class PetitionHandler:
    """A received letter, with where its triage ended; numbered like any petition of its year."""

    @staticmethod
    def sort_key(row: Row):
        return row.derived["received_at"]

    @staticmethod
    def check(row: Row, ctx: Context) -> bool:
        v = row.values
        before = len(ctx.errors)
        received_on = v["received_on"]
        row.derived["received_at"] = local_datetime(received_on)
        _not_future(ctx, row, "received_on", _l("Ngày nhận đơn không thể ở tương lai."))
        _not_future(ctx, row, "letter_date", _l("Ngày ghi trên đơn không thể ở tương lai."))
        if v.get("letter_date") and v["letter_date"] > received_on:
            ctx.error(row, "letter_date", _l("Ngày ghi trên đơn không thể sau ngày nhận đơn."))
        forwarded = v["channel"] == "forwarded"
        if forwarded and not v.get("forwarded_by_name"):
            ctx.error(row, "forwarded_by_name", _l("Hãy ghi tên cơ quan đã chuyển đơn đến."))
        for key in ("forwarded_by_kind", "forwarded_by_name"):
            if not forwarded and v.get(key):
                ctx.error(row, key, _l("Chỉ ghi cơ quan chuyển đơn khi nguồn đơn là “Cơ quan khác chuyển đến”."))
        _check_people(ctx, row)
        names = len(v.get("full_names") or ())
        signers = v.get("signer_count") or names
        if signers < names:
            ctx.error(row, "signer_count", _l("Số người đứng tên ít hơn số họ tên đã ghi (%(n)s).", n=names))
        row.derived["signers"] = signers
        _check_category(ctx, row, v["kind"])
        status = v.get("status") or PetitionStatus.RECEIVED.value
        row.derived["status"] = status
        decided_on, target = v.get("decided_on"), (v.get("target") or "").strip()
        if status == PetitionStatus.RECEIVED.value:
            if decided_on:
                ctx.error(row, "decided_on", _l("Đơn chưa xử lý thì không ghi ngày xử lý."))
        elif decided_on is None:
            ctx.error(row, "decided_on", _l("Hãy ghi ngày xử lý đơn."))
        else:
            _not_before(ctx, row, "decided_on", received_on, _l("Ngày xử lý không thể trước ngày nhận đơn."))
            _not_future(ctx, row, "decided_on", _l("Ngày xử lý không thể ở tương lai."))
        needs_target = {"guided": _l("Hãy ghi cơ quan có thẩm quyền mà công dân được hướng dẫn đến."),
                        "transferred": _l("Hãy ghi cơ quan nhận chuyển đơn."),
                        "urged": _l("Hãy ghi mã cơ quan cấp dưới được đôn đốc.")}
        if status in needs_target and not target:
            ctx.error(row, "target", needs_target[status])
        elif target and status not in needs_target:
            ctx.error(row, "target", _l("Chỉ ghi nơi nhận khi đơn được hướng dẫn, chuyển hoặc đôn đốc."))
        if status == "urged" and target:
            agency = ctx.agency_by_code(target) if " " not in target else None
            if agency is None or agency.id == ctx.agency.id or agency.id not in ctx.subtree():
                ctx.error(row, "target", _l("Đôn đốc phải ghi mã một cơ quan cấp dưới trong hệ thống "
                                            "(“%(v)s” không phải).", v=target))
            row.derived["urged_agency"] = agency
        if status == "filed" and not v.get("file_reason"):
            ctx.error(row, "file_reason", _l("Hãy chọn lý do lưu đơn."))
        elif v.get("file_reason") and status != "filed":
            ctx.error(row, "file_reason", _l("Chỉ ghi lý do lưu đơn khi kết quả xử lý là lưu đơn."))
        return len(ctx.errors) == before

    @staticmethod
    def write(row: Row, ctx: Context) -> int:
        v, d = row.values, row.derived
        agency = ctx.agency
        received_at = d["received_at"]
        year = to_local(received_at).year
        status = d["status"]
        signers = d["signers"]
        previously = bool(v.get("previously_handled") or v.get("prior_handler") or v.get("prior_decision_number"))
        # A key nobody is told: an imported petition is not followed by the citizen with a code and key.
        unknown_key = "".join(secrets.choice(KEY_ALPHABET) for _ in range(12))
        petition = Petition(
            tracking_code=format_tracking_code(agency.code, year, next_tracking_number(agency.id, year)),
            agency_id=agency.id, kind=v["kind"], status=status, channel=v["channel"], received_at=received_at,
            category_id=d.get("category_id"), title=(v.get("title") or v["content"])[:300].strip(),
            content=v["content"], request=v.get("request") or "", respondent=v.get("respondent") or "",
            previously_handled=previously, prior_handler=v.get("prior_handler") if previously else None,
            prior_decision_number=v.get("prior_decision_number") if previously else None,
            is_group=signers > 1, group_size=signers if signers > 1 else None, multi_signer=signers >= GROUP_THRESHOLD,
            access_key_hash=hash_access_key(unknown_key), letter_date=v.get("letter_date"),
            forwarded_by_kind=v.get("forwarded_by_kind"), forwarded_by_name=v.get("forwarded_by_name"),
            registered_by_id=ctx.user.id if ctx.user is not None else None,
        )
        if status == PetitionStatus.RECEIVED.value:
            try:
                petition.due_rule_code = INTAKE_RULE_BY_KIND[v["kind"]]
                petition.due_date = due_date(petition.due_rule_code, to_local(received_at).date(),
                                             calendar=ctx.calendar())
            except UnknownRule:  # no rule in force on that day (e.g. TT 05/2021 before 15/11/2021)
                petition.due_rule_code = petition.due_date = None
        else:
            petition.decided_at = local_datetime(v["decided_on"])
            petition.decided_by_id = ctx.user.id if ctx.user is not None else None
            petition.is_eligible = status != "filed"
            petition.within_jurisdiction = True if status == "accepted" else \
                (False if status in ("guided", "transferred", "urged") else None)
            if status == "guided":
                petition.guide_to = v["target"]
            elif status == "transferred":
                target_agency = ctx.agency_by_code(v["target"]) if " " not in v["target"] else None
                petition.transfer_to_name = target_agency.name if target_agency is not None else v["target"]
            elif status == "urged":
                petition.urged_agency_id = d["urged_agency"].id
            elif status == "filed":
                petition.file_reason = v["file_reason"]
                schedule_retention(petition)  # kept a year, then destroyed on approval (app.retention)
        names = v["full_names"]
        ids = v.get("id_numbers") or [None] * len(names)
        people = [PersonData(full_name=name, id_number=id_number, phone=v.get("phone") if i == 0 else None,
                             address=v.get("address") if i == 0 else None)
                  for i, (name, id_number) in enumerate(zip(names, ids))]
        add_petitioners(petition, v["kind"], people)  # a denunciator's identity goes encrypted
        petition.search_folded = fold(" ".join(
            [petition.title, petition.content, petition.respondent]
            + [p.full_name or "" for p in petition.petitioners if not p.is_protected]))
        db.session.add(petition)
        db.session.flush()
        record_event("petition", petition.id, "received", to_status=PetitionStatus.RECEIVED.value,
                     note=ctx.note(row), is_public=True, **ctx.actor())
        if status != PetitionStatus.RECEIVED.value:
            record_event("petition", petition.id, f"approved_{PETITION_ACTIONS[status]}",
                         from_status=PetitionStatus.RECEIVED.value, to_status=status,
                         note=format_date(v["decided_on"]), is_public=True, **ctx.actor())
        return petition.id


# --- cases (sổ theo dõi giải quyết) -----------------------------------------------------------

CASE_RULES = {"complaint_first": "complaint.first.resolve", "complaint_second": "complaint.second.resolve",
              "denunciation": "denunciation.resolve", "proposal": None}
PETITION_KIND_OF_CASE = {"complaint_first": "complaint", "complaint_second": "complaint",
                         "denunciation": "denunciation", "proposal": "proposal"}
# States reached only after the decision, conclusion or answer.
DECIDED_STATES = frozenset({"decided", "appealed", "final", "enforcing", "concluded", "handled", "answered",
                            "closed"})
ENDED_WITHOUT_DECISION = frozenset({"withdrawn", "terminated"})
FIGURE_KEYS = ("money_recommended", "money_recovered", "land_recommended", "land_recovered", "money_returned",
               "land_returned", "people_disciplined", "officials_disciplined", "referred_to_investigation")


def states_of(kind: str) -> set[str]:
    """Every state a case of this kind can be in (from its transition table), but suspension, which needs a
    pause with its dates (recorded on the case page)."""
    states = {CaseState.ACCEPTED.value}
    for transition in TABLES[kind].values():
        states.update(s.value for s in transition.sources)
        if transition.target is not None:
            states.add(transition.target.value)
    states.discard(CaseState.SUSPENDED.value)
    return states


class CaseHandler:
    """A case with its state, decision and figures (historical: the clock is not replayed)."""

    @staticmethod
    def sort_key(row: Row):
        return row.values["accepted_on"]

    @staticmethod
    def check(row: Row, ctx: Context) -> bool:
        v = row.values
        before = len(ctx.errors)
        kind, status = v["kind"], v["status"]
        accepted_on = v["accepted_on"]
        if status not in states_of(kind):
            ctx.error(row, "status", _l("Trạng thái “%(s)s” không có ở loại vụ việc này.",
                                        s=format_value(SPECS["cases"].column("status"), status)))
        _not_future(ctx, row, "accepted_on", _l("Ngày thụ lý không thể ở tương lai."))
        _not_before(ctx, row, "due_date", accepted_on, _l("Hạn giải quyết không thể trước ngày thụ lý."))
        rule = CASE_RULES[kind]
        row.derived["rule"] = rule
        if v.get("due_date") is None and rule:
            try:
                row.derived["due"] = due_date(rule, accepted_on, complex_=bool(v.get("is_complex")),
                                              remote=bool(v.get("is_remote")), calendar=ctx.calendar())
            except UnknownRule:
                ctx.error(row, "due_date", _l("Không có quy định thời hạn áp dụng cho ngày thụ lý này: hãy ghi hạn "
                                              "giải quyết."))
        else:
            row.derived["due"] = v.get("due_date")
        decision_keys = ("outcome", "decision_number", "decision_date")
        if status in DECIDED_STATES:
            for key in decision_keys:
                if v.get(key) is None:
                    ctx.error(row, key, _l("Vụ việc ở trạng thái này đã có kết quả: hãy ghi kết quả, số và ngày ban "
                                           "hành."))
        elif status in ENDED_WITHOUT_DECISION:
            if v.get("outcome"):
                ctx.error(row, "outcome", _l("Vụ việc đã rút đơn hoặc đình chỉ thì không có kết quả giải quyết."))
        else:
            present = [k for k in decision_keys + ("decision_signer", "decision_received_on") if v.get(k)]
            if present:
                ctx.error(row, present[0], _l("Vụ việc chưa có kết quả thì không ghi kết quả, số và ngày ban hành: "
                                              "hãy sửa trạng thái hoặc bỏ các cột này."))
        if v.get("outcome") and v["outcome"] not in {o.value for o in OUTCOMES_BY_KIND[kind]}:
            ctx.error(row, "outcome", _l("Kết quả “%(o)s” không dùng cho loại vụ việc này.",
                                         o=format_value(SPECS["cases"].column("outcome"), v["outcome"])))
        _not_before(ctx, row, "decision_date", accepted_on, _l("Ngày ban hành không thể trước ngày thụ lý."))
        _not_future(ctx, row, "decision_date", _l("Ngày ban hành không thể ở tương lai."))
        _not_before(ctx, row, "decision_received_on", v.get("decision_date"),
                    _l("Ngày nhận quyết định không thể trước ngày ban hành."))
        _not_future(ctx, row, "decision_received_on", _l("Ngày nhận quyết định không thể ở tương lai."))
        if (v.get("officials_disciplined") or 0) > (v.get("people_disciplined") or 0):
            ctx.error(row, "officials_disciplined",
                      _l("Số cán bộ, công chức không thể nhiều hơn số người bị kiến nghị xử lý."))
        enforcement = [k for k in ("enforcement_due", "enforced_on") if v.get(k)]
        if enforcement and status not in ENFORCEMENT_STATES.get(kind, frozenset()) | {"closed"}:
            ctx.error(row, enforcement[0], _l("Chỉ theo dõi thi hành khi quyết định đã có hiệu lực pháp luật hoặc "
                                              "đã có kết luận."))
        _not_before(ctx, row, "enforcement_due", v.get("decision_date"),
                    _l("Hạn thi hành không thể trước ngày ban hành."))
        _not_before(ctx, row, "enforced_on", v.get("decision_date"),
                    _l("Ngày thi hành xong không thể trước ngày ban hành."))
        _not_future(ctx, row, "enforced_on", _l("Ngày thi hành xong không thể ở tương lai."))
        if v.get("petition_code"):
            CaseHandler._check_petition(row, ctx, kind)
        row.derived["resolver"] = _pick_user(ctx, row, "resolver_email", {ctx.agency.id})
        return len(ctx.errors) == before

    @staticmethod
    def _check_petition(row: Row, ctx: Context, kind: str) -> None:
        code = row.values["petition_code"].strip().upper()
        petition = db.session.scalars(select(Petition).where(Petition.tracking_code == code,
                                                             Petition.agency_id == ctx.agency.id)).first()
        used = ctx.state.setdefault("petition_codes", {})
        if petition is None:
            ctx.error(row, "petition_code", _l("Không có đơn mã “%(c)s” của cơ quan.", c=code))
        elif petition.kind != PETITION_KIND_OF_CASE[kind]:
            ctx.error(row, "petition_code", _l("Đơn “%(c)s” khác loại với vụ việc.", c=code))
        elif petition.status != PetitionStatus.ACCEPTED.value:
            ctx.error(row, "petition_code", _l("Đơn “%(c)s” chưa ở trạng thái đã thụ lý.", c=code))
        elif petition.case_id is not None:
            ctx.error(row, "petition_code", _l("Đơn “%(c)s” đã gắn với một vụ việc khác.", c=code))
        elif code in used:
            ctx.error(row, "petition_code", _l("Đơn “%(c)s” đã được ghi ở dòng %(n)s.", c=code, n=used[code]))
        else:
            used[code] = row.number
            row.derived["petition"] = petition

    @staticmethod
    def write(row: Row, ctx: Context) -> int:
        v, d = row.values, row.derived
        kind = v["kind"]
        case = Case(
            kind=kind, status=v["status"], agency_id=ctx.agency.id, title=v["title"], accepted_on=v["accepted_on"],
            due_date=d.get("due"), due_rule_code=d["rule"], is_complex=bool(v.get("is_complex")),
            is_remote=bool(v.get("is_remote")), complexity_level="complex" if v.get("is_complex") else "standard",
            resolver_id=d["resolver"].id if d.get("resolver") is not None else None,
            outcome=v.get("outcome"), decision_number=v.get("decision_number"), decision_date=v.get("decision_date"),
            decision_signer=v.get("decision_signer"), decision_received_on=v.get("decision_received_on"),
            enforcement_due=v.get("enforcement_due"), enforced_on=v.get("enforced_on"),
            **{key: v.get(key) for key in FIGURE_KEYS},
        )
        if kind == "complaint_first" and case.decision_date is not None:
            try:
                case.appeal_window_closes = clock.appeal_window_closes(
                    case.due_date or case.decision_date, case.decision_received_on or case.decision_date,
                    remote=case.is_remote, calendar=ctx.calendar())
            except UnknownRule:
                pass
        db.session.add(case)
        db.session.flush()
        petition = d.get("petition")
        note = ctx.note(row)
        if petition is not None:
            petition.case_id = case.id
            note = f"{petition.tracking_code} — {note}"
        record_event("case", case.id, "opened", to_status=case.status, note=note, **ctx.actor())
        return case.id


# --- directives (nhiệm vụ được giao) ------------------------------------------------------------

class DirectiveHandler:
    """A task assigned to the agency (or a body below it), with its deadline and, if done, the day."""

    @staticmethod
    def sort_key(row: Row):
        return row.number

    @staticmethod
    def check(row: Row, ctx: Context) -> bool:
        v = row.values
        before = len(ctx.errors)
        _not_future(ctx, row, "issued_on", _l("Ngày giao không thể ở tương lai."))
        _not_before(ctx, row, "due_on", v["issued_on"], _l("Hạn hoàn thành không thể trước ngày giao."))
        _not_before(ctx, row, "done_on", v["issued_on"], _l("Ngày hoàn thành không thể trước ngày giao."))
        _not_future(ctx, row, "done_on", _l("Ngày hoàn thành không thể ở tương lai."))
        if v.get("issuer_code"):
            issuer = ctx.agency_by_code(v["issuer_code"])
            if issuer is None:
                ctx.error(row, "issuer_code", _l("Không có cơ quan mã “%(c)s” trong hệ thống.", c=v["issuer_code"]))
            row.derived["issuer"] = issuer
        assignee = ctx.agency
        if v.get("assignee_code"):
            assignee = ctx.agency_by_code(v["assignee_code"])
            if assignee is None or assignee.id not in ctx.subtree():
                ctx.error(row, "assignee_code", _l("Cơ quan thực hiện phải là cơ quan nhập hoặc một cơ quan cấp dưới "
                                                   "(“%(c)s” không phải).", c=v["assignee_code"]))
                assignee = None
        row.derived["assignee"] = assignee
        if assignee is not None:
            row.derived["assignee_user"] = _pick_user(ctx, row, "assignee_email", {assignee.id})
        return len(ctx.errors) == before

    @staticmethod
    def write(row: Row, ctx: Context) -> int:
        v, d = row.values, row.derived
        issuer, user = d.get("issuer"), d.get("assignee_user")
        directive = Directive(
            issuer_agency_id=issuer.id if issuer is not None else None, source=v["source"],
            source_name=v.get("source_name"), document_number=v.get("document_number"), issued_on=v["issued_on"],
            content=v["content"], is_key_task=bool(v.get("is_key_task")), assignee_agency_id=d["assignee"].id,
            assignee_user_id=user.id if user is not None else None, due_on=v["due_on"], done_on=v.get("done_on"),
            result_note=v.get("result_note"), created_by_id=ctx.user.id if ctx.user is not None else None,
        )
        db.session.add(directive)
        db.session.flush()
        record_event("directive", directive.id, "created", note=ctx.note(row),
                     to_status=directive.status_on(ctx.today).value, **ctx.actor())
        return directive.id


# --- inspections (cuộc thanh tra, thu hồi) -----------------------------------------------------

INSPECTION_KEYS = ("decision_date", "title", "subject", "kind", "topic", "started_on", "ended_on", "conclusion_due",
                   "conclusion_number", "concluded_on", "money_violation", "money_recommended", "land_violation",
                   "land_recommended", "people_recommended_discipline", "cases_to_investigation",
                   "other_recommendations")
NEW_INSPECTION_REQUIRED = ("title", "subject", "kind", "topic", "started_on")
RECOVERY_KEYS = ("recovered_on", "money_recovered", "land_recovered", "recovery_document")


class InspectionHandler:
    """An inspection identified by its decision number. The first row of a number (in the file, and not
    yet in the system) creates the inspection; every row may add one recovery; a row for a number already
    known must agree with what is known in the columns it fills."""

    @staticmethod
    def sort_key(row: Row):
        return row.number

    @staticmethod
    def _known(ctx: Context) -> dict:
        if "inspections" not in ctx.cache:
            rows = db.session.scalars(select(Inspection).where(Inspection.agency_id == ctx.agency.id))
            ctx.cache["inspections"] = {i.decision_number.strip().upper(): i for i in rows}
        return ctx.cache["inspections"]

    @staticmethod
    def check(row: Row, ctx: Context) -> bool:
        v = row.values
        before = len(ctx.errors)
        number = v["decision_number"].strip().upper()
        in_file = ctx.state.setdefault("inspections", {})
        existing = InspectionHandler._known(ctx).get(number)
        if number in in_file:
            first_row, first = in_file[number]
            for key in INSPECTION_KEYS:
                if v.get(key) is not None and first.get(key) is not None and v[key] != first[key]:
                    ctx.error(row, key, _l("Khác với dòng %(n)s của cùng cuộc thanh tra (“%(old)s”).", n=first_row,
                                           old=format_value(SPECS["inspections"].column(key), first[key])))
            facts = first
        elif existing is not None:
            for key in INSPECTION_KEYS:
                old = getattr(existing, key)
                if v.get(key) is not None and old is not None and v[key] != old and not (v[key] == 0 and old == 0):
                    ctx.error(row, key, _l("Khác với cuộc thanh tra số %(d)s đã có trong hệ thống (“%(old)s”). "
                                           "Việc nhập không sửa bản ghi đã có: hãy sửa trên trang Thanh tra.",
                                           d=existing.decision_number,
                                           old=format_value(SPECS["inspections"].column(key), old)))
            facts = {key: getattr(existing, key) for key in INSPECTION_KEYS}
        else:
            for key in NEW_INSPECTION_REQUIRED:
                if v.get(key) is None:
                    ctx.error(row, key, _l("Bắt buộc ở dòng tạo cuộc thanh tra (số quyết định chưa có trong hệ "
                                           "thống)."))
            _not_future(ctx, row, "started_on", _l("Ngày bắt đầu không thể ở tương lai."))
            _not_future(ctx, row, "decision_date", _l("Ngày quyết định không thể ở tương lai."))
            started = v.get("started_on")
            if v.get("decision_date") and started and v["decision_date"] > started:
                ctx.error(row, "decision_date", _l("Ngày quyết định không thể sau ngày bắt đầu."))
            _not_before(ctx, row, "ended_on", started, _l("Ngày kết thúc không thể trước ngày bắt đầu."))
            _not_before(ctx, row, "conclusion_due", started, _l("Hạn kết luận không thể trước ngày bắt đầu."))
            _not_before(ctx, row, "concluded_on", started, _l("Ngày kết luận không thể trước ngày bắt đầu."))
            _not_future(ctx, row, "concluded_on", _l("Ngày kết luận không thể ở tương lai."))
            if v.get("conclusion_number") and not v.get("concluded_on"):
                ctx.error(row, "concluded_on", _l("Có số kết luận thì hãy ghi ngày ban hành kết luận."))
            in_file[number] = (row.number, v)
            facts = v
            row.derived["creates"] = True
        has_recovery = any(v.get(k) not in (None, "") for k in RECOVERY_KEYS)
        if has_recovery:
            if v.get("recovered_on") is None:
                ctx.error(row, "recovered_on", _l("Hãy ghi ngày thu hồi."))
            if not (v.get("money_recovered") or v.get("land_recovered")):
                ctx.error(row, "money_recovered", _l("Hãy ghi số tiền hoặc diện tích đã thu hồi."))
            _not_future(ctx, row, "recovered_on", _l("Ngày thu hồi không thể ở tương lai."))
            _not_before(ctx, row, "recovered_on", facts.get("started_on"),
                        _l("Ngày thu hồi không thể trước ngày bắt đầu thanh tra."))
        elif not row.derived.get("creates"):
            ctx.error(row, "recovered_on", _l("Cuộc thanh tra này đã có: dòng thêm phải ghi một lần thu hồi (ngày, số "
                                              "tiền hoặc diện tích)."))
        row.derived["number"] = number
        return len(ctx.errors) == before

    @staticmethod
    def write(row: Row, ctx: Context) -> int:
        v, d = row.values, row.derived
        actor_id = ctx.user.id if ctx.user is not None else None
        created = ctx.state.setdefault("created_inspections", {})
        if d.get("creates"):
            inspection = Inspection(
                agency_id=ctx.agency.id, kind=v["kind"], topic=v["topic"], title=v["title"], subject=v["subject"],
                decision_number=v["decision_number"].strip(), decision_date=v.get("decision_date"),
                started_on=v["started_on"], ended_on=v.get("ended_on"), conclusion_due=v.get("conclusion_due"),
                conclusion_number=v.get("conclusion_number"), concluded_on=v.get("concluded_on"),
                money_violation=v.get("money_violation") or 0, money_recommended=v.get("money_recommended") or 0,
                land_violation=v.get("land_violation") or 0, land_recommended=v.get("land_recommended") or 0,
                people_recommended_discipline=v.get("people_recommended_discipline") or 0,
                cases_to_investigation=v.get("cases_to_investigation") or 0,
                other_recommendations=v.get("other_recommendations"), created_by_id=actor_id,
            )
            db.session.add(inspection)
            db.session.flush()
            created[d["number"]] = inspection
            record_event("inspection", inspection.id, "created", note=ctx.note(row), **ctx.actor())
        else:
            inspection = created.get(d["number"]) or InspectionHandler._known(ctx)[d["number"]]
        if v.get("recovered_on") is not None:
            recovery = InspectionRecovery(recovered_on=v["recovered_on"], money=v.get("money_recovered") or 0,
                                          land=v.get("land_recovered") or 0, document=v.get("recovery_document"),
                                          created_by_id=actor_id)
            inspection.recoveries.append(recovery)
            db.session.flush()
            record_event("inspection", inspection.id, "recovery_added",
                         note=f"{format_date(recovery.recovered_on)}: {recovery.money} đồng — {ctx.note(row)}",
                         **ctx.actor())
        return inspection.id


HANDLERS = {"visits": VisitHandler, "petitions": PetitionHandler, "cases": CaseHandler,
            "directives": DirectiveHandler, "inspections": InspectionHandler}
