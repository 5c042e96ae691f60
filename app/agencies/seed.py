"""Loading administrative units (from `vietnam-provinces`) and the demo agency tree. Idempotent."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.agencies.models import AdminUnit, Agency, AgencyKind, UnitLevel
from app.extensions import db

# The two-level local government took effect on this day (Nghị quyết 203/2025/QH15).
REFORM_2025 = date(2025, 7, 1)


def load_admin_units() -> tuple[int, int]:
    """Insert or update the current 34 provinces and 3,321 communes; return (added, updated)."""
    from vietnam_provinces import Province, Ward

    existing = {
        (u.level, u.code): u
        for u in db.session.scalars(select(AdminUnit).where(AdminUnit.valid_from == REFORM_2025))
    }
    added = updated = 0

    def upsert(level: str, code: str, name: str, division_type: str, parent_id: int | None):
        nonlocal added, updated
        unit = existing.get((level, code))
        if unit is None:
            unit = AdminUnit(level=level, code=code, name=name, division_type=division_type,
                             parent_id=parent_id, valid_from=REFORM_2025)
            db.session.add(unit)
            existing[(level, code)] = unit
            added += 1
        elif (unit.name, unit.division_type, unit.parent_id) != (name, division_type, parent_id):
            unit.name, unit.division_type, unit.parent_id = name, division_type, parent_id
            updated += 1
        return unit

    for p in Province.iter_all():
        upsert(UnitLevel.PROVINCE.value, str(int(p.code)), p.name, p.division_type.value, None)
    db.session.flush()
    province_ids = {code: u.id for (level, code), u in existing.items() if level == UnitLevel.PROVINCE.value}
    for w in Ward.iter_all():
        upsert(UnitLevel.COMMUNE.value, str(int(w.code)), w.name, w.division_type.value,
               province_ids[str(int(w.province_code))])
    db.session.flush()
    return added, updated


def _unit(level: str, code: str) -> AdminUnit | None:
    return db.session.scalars(
        select(AdminUnit).where(AdminUnit.level == level, AdminUnit.code == code, AdminUnit.valid_to.is_(None))
    ).first()


# The demo tree: Lạng Sơn, the province of the seed report.
DEMO_AGENCIES = [
    # code, name, kind, level, parent code, unit (level, code), default intake
    ("LS", "Ủy ban nhân dân tỉnh Lạng Sơn", AgencyKind.PEOPLES_COMMITTEE, UnitLevel.PROVINCE, None, ("province", "20"), False),
    ("TTLS", "Thanh tra tỉnh Lạng Sơn", AgencyKind.INSPECTORATE, UnitLevel.PROVINCE, "LS", ("province", "20"), False),
    ("BTCD", "Ban Tiếp công dân tỉnh Lạng Sơn", AgencyKind.RECEPTION_BOARD, UnitLevel.PROVINCE, "LS", ("province", "20"), True),
    ("XCL", "Ủy ban nhân dân xã Cao Lộc", AgencyKind.PEOPLES_COMMITTEE, UnitLevel.COMMUNE, "LS", ("commune", "6193"), False),
    ("PLVT", "Ủy ban nhân dân phường Lương Văn Tri", AgencyKind.PEOPLES_COMMITTEE, UnitLevel.COMMUNE, "LS", ("commune", "5983"), False),
]


def load_demo_agencies() -> int:
    """Create the demo agency tree if missing; return how many agencies were added."""
    added = 0
    for code, name, kind, level, parent_code, unit_key, default_intake in DEMO_AGENCIES:
        agency = db.session.scalars(select(Agency).where(Agency.code == code)).first()
        if agency is not None:
            continue
        parent = db.session.scalars(select(Agency).where(Agency.code == parent_code)).first() if parent_code else None
        unit = _unit(*unit_key)
        db.session.add(Agency(code=code, name=name, kind=kind.value, level=level.value,
                              parent_id=parent.id if parent else None,
                              admin_unit_id=unit.id if unit else None,
                              is_default_intake=default_intake))
        db.session.flush()
        added += 1
    return added
