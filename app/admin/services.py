"""Administration operations on agencies and content categories.

Staff accounts have their operations in app.auth.services. Every operation here checks its
rules, changes the rows, writes an event and flushes; the view commits once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from app.agencies.models import AdminUnit, Agency, AgencyKind, UnitLevel
from app.audit.services import record_event
from app.auth.scope import subtree_ids
from app.extensions import db
from app.petitions.models import ContentCategory, Petition, PetitionKind

# Printed in tracking codes (`TTLS-2026-000123`): short, upper-case letters and digits.
AGENCY_CODE_RE = re.compile(r"^[A-Z0-9]{2,12}$")
CATEGORY_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{1,39}$")


class AdminError(ValueError):
    """A change the rules refuse; the message is for the user, `field` names the form field."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.field = field


def _actor(actor) -> dict:
    return {"actor_user_id": actor.id, "actor_label": actor.full_name}


def _changes(obj, values: dict) -> str:
    """`name: old -> new; …` for the fields that change (the note of the event)."""
    parts = [f"{k}: {getattr(obj, k)!r} -> {v!r}" for k, v in values.items() if getattr(obj, k) != v]
    return "; ".join(parts)


# --- agencies ---------------------------------------------------------------------------------

@dataclass
class AgencyData:
    """What the agency form gives (already shaped by the form)."""

    code: str
    name: str
    kind: str
    level: str
    parent_id: int | None = None
    province_id: int | None = None
    commune_id: int | None = None
    accepts_online: bool = True
    is_default_intake: bool = False
    active: bool = True


def has_petitions(agency_id: int) -> bool:
    """Whether petitions were received under this agency (its code is on their receipts)."""
    return bool(db.session.scalar(select(exists().where(Petition.agency_id == agency_id))))


def _admin_unit_id(data: AgencyData) -> int | None:
    """The commune if one is chosen, else the province; the commune must lie in the province."""
    if not data.province_id:
        if data.commune_id:
            raise AdminError(_l("Hãy chọn tỉnh, thành phố trước khi chọn xã, phường."), "province")
        return None
    province = db.session.get(AdminUnit, data.province_id)
    if province is None or province.level != UnitLevel.PROVINCE.value or province.valid_to is not None:
        raise AdminError(_l("Tỉnh, thành phố không hợp lệ."), "province")
    if not data.commune_id:
        return province.id
    commune = db.session.get(AdminUnit, data.commune_id)
    if (commune is None or commune.level != UnitLevel.COMMUNE.value or commune.valid_to is not None
            or commune.parent_id != province.id):
        raise AdminError(_l("Xã, phường, đặc khu không thuộc tỉnh, thành phố đã chọn."), "commune")
    return commune.id


def _check_agency(agency: Agency | None, data: AgencyData) -> dict:
    """Check the data against the rules; return the column values to set."""
    code = (data.code or "").strip().upper()
    if not AGENCY_CODE_RE.match(code):
        raise AdminError(_l("Mã cơ quan gồm 2 đến 12 chữ cái in hoa (không dấu) hoặc chữ số, ví dụ TTLS."), "code")
    if not (data.name or "").strip():
        raise AdminError(_l("Hãy nhập tên cơ quan."), "name")
    if data.kind not in {k.value for k in AgencyKind}:
        raise AdminError(_l("Loại cơ quan không hợp lệ."), "kind")
    if data.level not in {u.value for u in UnitLevel}:
        raise AdminError(_l("Cấp hành chính không hợp lệ."), "level")
    clash = db.session.scalars(select(Agency).where(Agency.code == code)).first()
    if clash is not None and clash is not agency:
        raise AdminError(_l("Mã %(code)s đã được dùng cho %(name)s.", code=code, name=clash.name), "code")
    if agency is not None and code != agency.code and has_petitions(agency.id):
        raise AdminError(_l("Không thể đổi mã của cơ quan đã nhận đơn: mã %(code)s đã in trên giấy biên nhận "
                            "và trong mã hồ sơ của các đơn.", code=agency.code), "code")
    if data.parent_id is not None:
        parent = db.session.get(Agency, data.parent_id)
        if parent is None:
            raise AdminError(_l("Cơ quan cấp trên không tồn tại."), "parent")
        if agency is not None:
            below = set(subtree_ids(agency.id))
            if parent.id in below:
                raise AdminError(_l("Cơ quan cấp trên không thể là chính cơ quan này hoặc một cơ quan trực thuộc nó."),
                                 "parent")
    if data.is_default_intake and not data.active:
        raise AdminError(_l("Cơ quan tiếp nhận mặc định phải đang hoạt động."), "active")
    if agency is not None and agency.is_default_intake:
        # Petitions addressed to "I don't know" must always have somewhere to go.
        if not data.is_default_intake:
            raise AdminError(_l("Luôn phải có một cơ quan tiếp nhận mặc định. Để thay đổi, hãy đánh dấu "
                                "cơ quan khác là cơ quan tiếp nhận mặc định."), "is_default_intake")
    return {
        "code": code, "name": data.name.strip(), "kind": data.kind, "level": data.level,
        "parent_id": data.parent_id, "admin_unit_id": _admin_unit_id(data),
        "accepts_online": bool(data.accepts_online), "is_default_intake": bool(data.is_default_intake),
        "active": bool(data.active),
    }


def _make_sole_default_intake(agency: Agency, actor) -> None:
    """Only one agency receives the petitions addressed to "I don't know": unset the others."""
    others = list(db.session.scalars(
        select(Agency).where(Agency.is_default_intake.is_(True), Agency.id != agency.id)))
    for other in others:
        other.is_default_intake = False
        db.session.flush()
        record_event("agency", other.id, "default_intake_unset", note=f"default intake is now {agency.code}",
                     **_actor(actor))


def create_agency(data: AgencyData, *, actor) -> Agency:
    """Add an agency to the tree."""
    values = _check_agency(None, data)
    agency = Agency(**values)
    db.session.add(agency)
    db.session.flush()
    if agency.is_default_intake:
        _make_sole_default_intake(agency, actor)
    record_event("agency", agency.id, "created", note=f"code={agency.code}", **_actor(actor))
    return agency


def update_agency(agency: Agency, data: AgencyData, *, actor) -> None:
    """Change an agency (its code only while no petition carries it)."""
    values = _check_agency(agency, data)
    note = _changes(agency, values)
    for key, value in values.items():
        setattr(agency, key, value)
    db.session.flush()
    if agency.is_default_intake:
        _make_sole_default_intake(agency, actor)
    record_event("agency", agency.id, "updated", note=note or None, **_actor(actor))


# --- content categories -----------------------------------------------------------------------

@dataclass
class CategoryData:
    """What the category form gives."""

    code: str
    kind: str
    name: str
    parent_id: int | None = None
    position: int = 0


def _category_subtree(category_id: int) -> set[int]:
    tree = select(ContentCategory.id).where(ContentCategory.id == category_id).cte("cat_tree", recursive=True)
    tree = tree.union_all(select(ContentCategory.id).where(ContentCategory.parent_id == tree.c.id))
    return set(db.session.scalars(select(tree.c.id)))


def _check_category(category: ContentCategory | None, data: CategoryData) -> dict:
    code = (data.code or "").strip().upper()
    if not CATEGORY_CODE_RE.match(code):
        raise AdminError(_l("Mã nội dung gồm 2 đến 40 ký tự: chữ in hoa không dấu, chữ số, dấu chấm, "
                            "gạch ngang hoặc gạch dưới, ví dụ KN.HC.DAT."), "code")
    if data.kind not in {k.value for k in PetitionKind}:
        raise AdminError(_l("Hãy chọn loại đơn."), "kind")
    if not (data.name or "").strip():
        raise AdminError(_l("Hãy nhập tên nội dung."), "name")
    clash = db.session.scalars(select(ContentCategory).where(ContentCategory.code == code)).first()
    if clash is not None and clash is not category:
        raise AdminError(_l("Mã %(code)s đã được dùng cho nội dung “%(name)s”.", code=code, name=clash.name), "code")
    if data.parent_id is not None:
        parent = db.session.get(ContentCategory, data.parent_id)
        if parent is None:
            raise AdminError(_l("Nội dung cấp trên không tồn tại."), "parent")
        if parent.kind != data.kind:
            raise AdminError(_l("Nội dung cấp trên phải cùng loại đơn."), "parent")
        if category is not None and parent.id in _category_subtree(category.id):
            raise AdminError(_l("Nội dung cấp trên không thể là chính nội dung này hoặc một mục con của nó."),
                             "parent")
    if category is not None and data.kind != category.kind:
        has_children = db.session.scalar(select(exists().where(ContentCategory.parent_id == category.id)))
        used = db.session.scalar(select(exists().where(Petition.category_id == category.id)))
        if has_children or used:
            raise AdminError(_l("Không thể đổi loại đơn của nội dung đã có mục con hoặc đã được dùng để phân loại đơn."),
                             "kind")
    return {"code": code, "kind": data.kind, "name": data.name.strip(), "parent_id": data.parent_id,
            "position": int(data.position or 0)}


def create_category(data: CategoryData, *, actor) -> ContentCategory:
    """Add a content category."""
    category = ContentCategory(**_check_category(None, data))
    db.session.add(category)
    db.session.flush()
    record_event("category", category.id, "created", note=f"code={category.code}", **_actor(actor))
    return category


def update_category(category: ContentCategory, data: CategoryData, *, actor) -> None:
    """Change a content category."""
    values = _check_category(category, data)
    note = _changes(category, values)
    for key, value in values.items():
        setattr(category, key, value)
    db.session.flush()
    record_event("category", category.id, "updated", note=note or None, **_actor(actor))


def set_category_active(category: ContentCategory, active: bool, *, actor) -> None:
    """Deactivate (no longer offered when classifying; past petitions keep it) or reactivate."""
    if category.active == active:
        return
    category.active = active
    db.session.flush()
    record_event("category", category.id, "activated" if active else "deactivated", **_actor(actor))
