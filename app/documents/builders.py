"""The documents of a visit (TT 06/2014/TT-TTCP forms), each built once as a `Document`.

One function per document turns a visit into a `Document`: issuing body, number and symbol,
place and date, title, body, signatures. Two renderers draw the same `Document`: the print
page (templates/documents/document.html) and the DOCX (app.documents.docx), so the paper the
citizen takes home and the file the office keeps cannot disagree.

A document gets its number (số, ký hiệu) the first time it is printed (`issue_document`);
reprints, in HTML or DOCX, show that number again. The text is always Vietnamese, whatever the
language of the interface: it is an official paper (Nghị định 30/2020/NĐ-CP).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.agencies.models import Agency, AgencyKind, UnitLevel
from app.audit.services import record_event
from app.counters import next_value
from app.documents.models import IssuedDocument
from app.extensions import db
from app.formatting import format_date, local_today, to_local
from app.petitions.models import PetitionKind
from app.reception.labels import REFUSAL_GROUND_LABELS
from app.reception.models import Visit, VisitOutcome

# --- the shape of a document -----------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """One block of the body.

    style: "text" (a justified paragraph), "field" (`label: text`, e.g. "Họ và tên: …"),
    "item" (an entry of a list) or "note" (a closing remark in italics).
    """

    text: str
    style: str = "text"
    label: str = ""


@dataclass(frozen=True)
class Signature:
    """A signature block: the signer's title (upper case), the hint, and the printed name."""

    title: str
    name: str = ""
    hint: str = ""


# Never translated: the national motto heads every administrative document.
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUB = "Độc lập - Tự do - Hạnh phúc"
COPIES_HEADING = "Nơi nhận:"


@dataclass
class Document:
    """Everything both renderers need to draw one official document, already in words."""

    doc_type: str
    form_code: str  # "Mẫu số 04-TCD"
    issuer_parent: str  # "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN" (empty for a top-level body)
    issuer: str  # "BAN TIẾP CÔNG DÂN TỈNH LẠNG SƠN"
    number: str  # "Số: 12/PH-BTCD"
    place_date: str  # "Lạng Sơn, ngày 27 tháng 11 năm 2026"
    title: str  # "PHIẾU HẸN"
    body: list[Paragraph]
    # Left to right; the last one is the issuing side's. With two, the first is the citizen's.
    signatures: list[Signature]
    filename: str  # "phieu-hen-12-2026.docx"
    subtitle: str = ""  # "Về việc khiếu nại"
    recipient: str = ""  # "Kính gửi: …"
    copies_to: list[str] = field(default_factory=list)  # Nơi nhận
    tracking_code: str | None = None
    motto: tuple[str, str] = (MOTTO, MOTTO_SUB)
    copies_heading: str = COPIES_HEADING


@dataclass(frozen=True)
class DocType:
    """A kind of document a visit can lead to."""

    code: str
    label: str  # lazy: the name shown on buttons and links
    symbol: str  # the letters before the agency code in "12/PH-BTCD"
    slug: str  # ASCII, for file names
    form: str  # the form of TT 06/2014/TT-TTCP, "04-TCD"
    applies: Callable[[Visit], bool]
    build: Callable[[Visit, IssuedDocument, list[dict]], Document]


class NotApplicable(LookupError):
    """The document does not belong to this visit's outcome (the view answers 404)."""


# --- shared pieces ---------------------------------------------------------------------------

KIND_NOUNS = {
    PetitionKind.COMPLAINT.value: _l("khiếu nại"),
    PetitionKind.DENUNCIATION.value: _l("tố cáo"),
    PetitionKind.PROPOSAL.value: _l("kiến nghị, phản ánh"),
}

# Who signs for the body when the head must sign (Mẫu 10-TCD: thủ trưởng cơ quan).
HEAD_TITLES = {
    AgencyKind.RECEPTION_BOARD.value: _l("TRƯỞNG BAN"),
    AgencyKind.INSPECTORATE.value: _l("CHÁNH THANH TRA"),
    AgencyKind.PEOPLES_COMMITTEE.value: _l("CHỦ TỊCH"),
    AgencyKind.DEPARTMENT.value: _l("GIÁM ĐỐC"),
}

SIGN_HINT = _l("(Ký, ghi rõ họ tên)")
SEAL_HINT = _l("(Ký, ghi rõ họ tên và đóng dấu)")
RECEPTION_OFFICER = _l("NGƯỜI TIẾP CÔNG DÂN")


def formal_date(day: date) -> str:
    """`ngày 05 tháng 3 năm 2026`: days below 10 and the months 1 and 2 take a leading zero
    (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("ngày %(d)s tháng %(m)s năm %(y)s", d=f"{day.day:02d}", m=month, y=day.year)


def moment(value: datetime) -> str:
    """`09 giờ 30 phút, ngày 27/11/2026` in Viet Nam time."""
    local = to_local(value)
    return _("%(h)s giờ %(m)s phút, ngày %(d)s", h=f"{local.hour:02d}", m=f"{local.minute:02d}",
             d=format_date(local))


def province_name(agency: Agency | None) -> str:
    """The province of the agency's administrative unit, or of its nearest parent that has one."""
    seen: set[int] = set()
    while agency is not None and agency.id not in seen:
        seen.add(agency.id)
        unit = agency.admin_unit
        while unit is not None and unit.level != UnitLevel.PROVINCE.value:
            unit = unit.parent
        if unit is not None:
            name = unit.name
            for prefix in ("Tỉnh ", "Thành phố "):
                if name.startswith(prefix):
                    name = name[len(prefix):]
            return name
        agency = agency.parent
    return ""


def place_date_line(agency: Agency, day: date) -> str:
    """`Lạng Sơn, ngày 27 tháng 11 năm 2026` (the date alone when no place is known)."""
    place = province_name(agency)
    line = formal_date(day)
    return f"{place}, {line}" if place else line[:1].upper() + line[1:]


def _name(ident: dict) -> str:
    return (ident.get("full_name") or "").strip()


def _person_fields(visit: Visit, identities: list[dict]) -> list[Paragraph]:
    """Name, ID number and address of the first visitor; the size of a group."""
    first = identities[0] if identities else {}
    rows = [Paragraph(_name(first) or "…", "field", _("Họ và tên"))]
    if first.get("id_number"):
        rows.append(Paragraph(first["id_number"], "field", _("Số căn cước công dân")))
    rows.append(Paragraph(first.get("address") or "…", "field", _("Địa chỉ")))
    if visit.people_count > 1:
        others = [_name(i) for i in identities[1:] if _name(i)]
        text = _("%(n)s người", n=visit.people_count)
        if visit.is_group:
            text = _("đoàn %(n)s người; người đại diện: %(names)s", n=visit.people_count,
                     names=", ".join([_name(first)] + others))
        elif others:
            text = _("%(n)s người (%(names)s)", n=visit.people_count, names=", ".join([_name(first)] + others))
        rows.append(Paragraph(text, "field", _("Số người cùng đến")))
    return rows


def _citizen(identities: list[dict]) -> str:
    return _name(identities[0]) if identities else "…"


def _kind(visit: Visit) -> str:
    return str(KIND_NOUNS.get(visit.kind, visit.kind))


def _officer(visit: Visit) -> str:
    return visit.officer.full_name if visit.officer else ""


def _header(visit: Visit, issued: IssuedDocument, form: str | None = None) -> dict:
    """The parts every document shares: form code, issuing body, number, place and date, file name."""
    spec = DOC_TYPES[issued.doc_type]
    agency = visit.agency
    return dict(
        doc_type=issued.doc_type,
        form_code=_("Mẫu số %(code)s", code=form or spec.form),
        issuer_parent=agency.parent.name.upper() if agency.parent else "",
        issuer=agency.name.upper(),
        number=_("Số: %(n)s/%(symbol)s", n=issued.number, symbol=issued.symbol),
        place_date=place_date_line(agency, issued.issued_on),
        filename=f"{spec.slug}-{issued.number}-{issued.year}.docx",
    )


# --- the five documents ----------------------------------------------------------------------

def build_receipt(visit: Visit, issued: IssuedDocument, identities: list[dict]) -> Document:
    """Giấy biên nhận thông tin, tài liệu, bằng chứng (Mẫu số 02-TCD)."""
    petition = visit.petition
    names = [a.original_name for a in (petition.attachments if petition else [])]
    handed = names or [_("Đơn %(kind)s", kind=_kind(visit))]
    body = [
        Paragraph(_("Vào hồi %(when)s, tại %(place)s.", when=moment(visit.visited_at), place=visit.place)),
        Paragraph(_("%(name)s, cán bộ tiếp công dân của %(agency)s,", name=_officer(visit),
                    agency=visit.agency.name), "field", _("Tôi là")),
        Paragraph(_("đã nhận của:")),
        *_person_fields(visit, identities),
        Paragraph(_("các thông tin, tài liệu, bằng chứng sau:")),
        *[Paragraph(f"{i}. {name}", "item") for i, name in enumerate(handed, start=1)],
    ]
    if petition is not None:
        body.append(Paragraph(_("%(code)s (dùng để tra cứu tình trạng giải quyết đơn)", code=petition.tracking_code),
                              "field", _("Mã hồ sơ")))
    if visit.kind == PetitionKind.DENUNCIATION.value:
        # TT 06/2014/TT-TTCP Đ.20: three copies for a denunciation; Đ.12.2: two for a complaint.
        copies = _("Giấy biên nhận được lập thành 03 bản: 01 bản giao cho người tố cáo, 01 bản lưu hồ sơ, "
                   "01 bản cán bộ tiếp công dân lưu.")
    else:
        copies = _("Giấy biên nhận được lập thành 02 bản, mỗi bên giữ 01 bản.")
    body.append(Paragraph(copies, "note"))
    return Document(
        **_header(visit, issued), title=_("GIẤY BIÊN NHẬN"), subtitle=_("Thông tin, tài liệu, bằng chứng"), body=body,
        signatures=[Signature(_("NGƯỜI CUNG CẤP"), _citizen(identities), str(SIGN_HINT)),
                    Signature(_("NGƯỜI NHẬN"), _officer(visit), str(SIGN_HINT))],
        tracking_code=petition.tracking_code if petition else None,
    )


def build_appointment(visit: Visit, issued: IssuedDocument, identities: list[dict]) -> Document:
    """Phiếu hẹn (Mẫu số 04-TCD): when the citizen will have an answer (Luật TCD Đ.28.1)."""
    citizen = _citizen(identities)
    due = format_date(visit.reply_due)
    body = [
        Paragraph(_("%(agency)s hẹn:", agency=visit.agency.name)),
        *_person_fields(visit, identities),
        Paragraph(_("Ông (bà) %(name)s đã đến trình bày nội dung %(kind)s vào hồi %(when)s, tại %(place)s.",
                    name=citizen, kind=_kind(visit), when=moment(visit.visited_at), place=visit.place)),
    ]
    if visit.petition is not None:
        body.append(Paragraph(visit.petition.tracking_code, "field", _("Mã hồ sơ")))
    if visit.outcome == VisitOutcome.TRANSFERRED.value and visit.transfer_to_name:
        answer = _("Chậm nhất ngày %(due)s, %(agency)s sẽ thông báo cho ông (bà) việc đã chuyển nội dung đến "
                   "%(to)s để giải quyết theo thẩm quyền (Điều 28 Luật Tiếp công dân).",
                   due=due, agency=visit.agency.name, to=visit.transfer_to_name)
    else:
        answer = _("Chậm nhất ngày %(due)s, %(agency)s sẽ trả lời ông (bà) về việc thụ lý hoặc không thụ lý "
                   "giải quyết (Điều 28 Luật Tiếp công dân).", due=due, agency=visit.agency.name)
    body += [
        Paragraph(answer),
        Paragraph(_("Đề nghị ông (bà) đến %(place)s vào ngày %(due)s, trong giờ hành chính, để nhận kết quả, "
                    "hoặc chờ văn bản trả lời gửi theo địa chỉ đã đăng ký.", place=visit.place, due=due)),
    ]
    return Document(**_header(visit, issued), title=_("PHIẾU HẸN"), body=body,
                signatures=[Signature(str(RECEPTION_OFFICER), _officer(visit), str(SIGN_HINT))],
                tracking_code=visit.petition.tracking_code if visit.petition else None)


def build_guidance(visit: Visit, issued: IssuedDocument, identities: list[dict]) -> Document:
    """Phiếu hướng dẫn (Mẫu số 05-TCD khiếu nại, 08-TCD tố cáo; kiến nghị, phản ánh alike)."""
    citizen = _citizen(identities)
    kind = _kind(visit)
    body = [
        Paragraph(_("Vào hồi %(when)s, tại %(place)s,", when=moment(visit.visited_at), place=visit.place)),
        *_person_fields(visit, identities),
        Paragraph(_("đến trình bày việc %(kind)s với nội dung: %(summary)s", kind=kind, summary=visit.summary)),
        Paragraph(_("Sau khi nghiên cứu nội dung trình bày, căn cứ quy định của pháp luật, việc %(kind)s của "
                    "ông (bà) %(name)s không thuộc thẩm quyền giải quyết của %(agency)s.",
                    kind=kind, name=citizen, agency=visit.agency.name)),
        Paragraph(_("Đề nghị ông (bà) gửi đơn %(kind)s đến %(to)s để được xem xét, giải quyết theo quy định "
                    "của pháp luật.", kind=kind, to=visit.guided_to or "…")),
    ]
    if visit.outcome_note:
        body.append(Paragraph(visit.outcome_note, "field", _("Nội dung đã hướng dẫn")))
    form = "08-TCD" if visit.kind == PetitionKind.DENUNCIATION.value else "05-TCD"
    return Document(**_header(visit, issued, form), title=_("PHIẾU HƯỚNG DẪN"),
                    subtitle=_("Về việc %(kind)s", kind=kind), body=body,
                    signatures=[Signature(str(RECEPTION_OFFICER), _officer(visit), str(SIGN_HINT))])


def build_transfer(visit: Visit, issued: IssuedDocument, identities: list[dict]) -> Document:
    """Phiếu chuyển đơn (Mẫu số 10-TCD), addressed to the competent body, signed by the head."""
    citizen = _citizen(identities)
    kind = _kind(visit)
    to = visit.transfer_to_name or (visit.transfer_agency.name if visit.transfer_agency else "…")
    body = [
        Paragraph(_("Ngày %(day)s, %(agency)s đã tiếp:", day=format_date(visit.visited_at),
                    agency=visit.agency.name)),
        *_person_fields(visit, identities),
        Paragraph(_("đến trình bày nội dung %(kind)s: %(summary)s", kind=kind, summary=visit.summary)),
    ]
    if visit.request:
        body.append(Paragraph(visit.request, "field", _("Yêu cầu, đề nghị của công dân")))
    body += [
        Paragraph(_("Sau khi xem xét nội dung, căn cứ quy định của pháp luật, %(agency)s chuyển đơn (nội dung "
                    "trình bày) của ông (bà) %(name)s đến %(to)s để xem xét, giải quyết theo thẩm quyền.",
                    agency=visit.agency.name, name=citizen, to=to)),
        Paragraph(_("Đề nghị %(to)s thông báo kết quả giải quyết cho ông (bà) %(name)s và %(agency)s biết "
                    "(Điều 27 Luật Tiếp công dân).", to=to, name=citizen, agency=visit.agency.name)),
    ]
    head = HEAD_TITLES.get(visit.agency.kind, _l("THỦ TRƯỞNG CƠ QUAN"))
    return Document(
        **_header(visit, issued), title=_("PHIẾU CHUYỂN ĐƠN"), subtitle=_("Về việc chuyển đơn %(kind)s", kind=kind),
        recipient=_("Kính gửi: %(to)s", to=to), body=body,
        # The head signs (Mẫu 10-TCD): the name is left for the signer; the DOCX can be completed.
        signatures=[Signature(str(head), "", str(SEAL_HINT))],
        copies_to=[_("Như trên;"), _("Ông (bà) %(name)s (để biết);", name=citizen), _("Lưu: VT, hồ sơ.")],
    )


def build_refusal(visit: Visit, issued: IssuedDocument, identities: list[dict]) -> Document:
    """Thông báo từ chối tiếp công dân (Mẫu số 01-TCD, Luật Tiếp công dân Đ.9)."""
    citizen = _citizen(identities)
    ground = REFUSAL_GROUND_LABELS.get(visit.refusal_ground or "")
    body = [
        Paragraph(_("Vào hồi %(when)s, tại %(place)s,", when=moment(visit.visited_at), place=visit.place)),
        *_person_fields(visit, identities),
        Paragraph(_("đến %(kind)s về việc: %(summary)s", kind=_kind(visit), summary=visit.summary)),
        Paragraph(_("Căn cứ Điều 9 Luật Tiếp công dân năm 2013, %(agency)s thông báo từ chối tiếp ông (bà) "
                    "%(name)s vì lý do: %(ground)s.", agency=visit.agency.name, name=citizen,
                    ground=str(ground) if ground else "…")),
    ]
    if visit.outcome_note:
        body.append(Paragraph(visit.outcome_note, "field", _("Cụ thể")))
    body.append(Paragraph(_("Vậy thông báo để ông (bà) %(name)s được biết.", name=citizen)))
    return Document(
        **_header(visit, issued), title=_("THÔNG BÁO"), subtitle=_("Về việc từ chối tiếp công dân"), body=body,
        signatures=[Signature(str(RECEPTION_OFFICER), _officer(visit), str(SIGN_HINT))],
        copies_to=[_("Ông (bà) %(name)s;", name=citizen), _("Lưu: VT, hồ sơ.")],
    )


def _is(outcome: VisitOutcome) -> Callable[[Visit], bool]:
    return lambda visit: visit.outcome == outcome.value


DOC_TYPES: dict[str, DocType] = {d.code: d for d in [
    DocType("receipt", _l("Giấy biên nhận"), "BN", "giay-bien-nhan", "02-TCD",
            _is(VisitOutcome.PETITION_RECEIVED), build_receipt),
    DocType("appointment", _l("Phiếu hẹn"), "PH", "phieu-hen", "04-TCD",
            lambda visit: visit.reply_due is not None, build_appointment),
    DocType("guidance", _l("Phiếu hướng dẫn"), "PHD", "phieu-huong-dan", "05-TCD",  # 08-TCD for tố cáo
            _is(VisitOutcome.GUIDED), build_guidance),
    DocType("transfer", _l("Phiếu chuyển đơn"), "PCĐ", "phieu-chuyen-don", "10-TCD",
            _is(VisitOutcome.TRANSFERRED), build_transfer),
    DocType("refusal", _l("Thông báo từ chối tiếp"), "TB", "thong-bao-tu-choi", "01-TCD",
            _is(VisitOutcome.REFUSED), build_refusal),
]}


def available_documents(visit: Visit) -> list[tuple[str, str]]:
    """The documents this visit can print, as (doc_type, label), in the order of the desk."""
    return [(d.code, str(d.label)) for d in DOC_TYPES.values() if d.applies(visit)]


def can_print(user, visit: Visit) -> bool:
    """Whether the user may print the visit's documents: they carry the visitor's name, so for a
    denunciation only those who may see the denunciator (Luật Tố cáo Đ.9, Đ.56)."""
    from app.reception.services import can_see_identity

    return not visit.is_protected or can_see_identity(user, visit)


def doc_type_for(visit: Visit, doc_type: str) -> DocType:
    """The document type, if it belongs to this visit; NotApplicable otherwise."""
    spec = DOC_TYPES.get(doc_type)
    if spec is None or not spec.applies(visit):
        raise NotApplicable(doc_type)
    return spec


# --- numbering -------------------------------------------------------------------------------

def find_issued(visit: Visit, doc_type: str) -> IssuedDocument | None:
    """The number already given to this document of the visit, if it was printed before."""
    return db.session.scalars(
        select(IssuedDocument).where(IssuedDocument.visit_id == visit.id, IssuedDocument.doc_type == doc_type)
    ).first()


def issue_document(visit: Visit, doc_type: str, *, user, today: date | None = None) -> IssuedDocument:
    """Get the document's number, or give it one (gap-free per type, agency and year) and log it.

    Flushes, never commits. Two first prints at the same moment collide on the unique
    (visit, doc_type): the view rolls back and asks again, and finds the other's number.
    """
    spec = doc_type_for(visit, doc_type)
    issued = find_issued(visit, doc_type)
    if issued is not None:
        return issued
    today = today or local_today()
    issued = IssuedDocument(
        agency_id=visit.agency_id, visit_id=visit.id, doc_type=doc_type, year=today.year,
        number=next_value(f"doc:{doc_type}", visit.agency_id, today.year),
        symbol=f"{spec.symbol}-{visit.agency.code}", issued_on=today, issued_by_id=user.id,
    )
    db.session.add(issued)
    db.session.flush()
    with force_locale("vi"):
        note = f"{spec.label} số {issued.number}/{issued.symbol}"
    record_event("visit", visit.id, "document_issued", actor_user_id=user.id, actor_label=user.full_name,
                 note=note)
    return issued


# --- assembling ------------------------------------------------------------------------------

def build_document(visit: Visit, doc_type: str, issued: IssuedDocument, identities: list[dict]) -> Document:
    """The `Document` of this type for the visit, numbered as `issued`, always in Vietnamese."""
    spec = doc_type_for(visit, doc_type)
    with force_locale("vi"):
        return spec.build(visit, issued, identities)


def prepare_document(visit: Visit, doc_type: str, *, user, ip_address: str | None = None,
                     today: date | None = None) -> Document:
    """Number the document (first print) and build it with the visitors' identity.

    The caller has checked that the user may see the identity (`can_see_identity` for a
    denunciation); reading it is logged by `visitor_identities`.
    """
    from app.reception.services import visitor_identities

    issued = issue_document(visit, doc_type, user=user, today=today)
    identities = visitor_identities(visit, user, ip_address=ip_address)
    return build_document(visit, doc_type, issued, identities)
