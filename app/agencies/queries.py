"""Read-side queries on administrative units and agencies."""
from __future__ import annotations

from sqlalchemy import select

from app.agencies.models import AdminUnit, Agency, UnitLevel
from app.extensions import db


def current_provinces() -> list[AdminUnit]:
    """Provinces in force today, by name."""
    return list(
        db.session.scalars(
            select(AdminUnit)
            .where(AdminUnit.level == UnitLevel.PROVINCE.value, AdminUnit.valid_to.is_(None))
            .order_by(AdminUnit.name)
        )
    )


def current_communes(province_id: int | None) -> list[AdminUnit]:
    """Communes (xã, phường, đặc khu) in force today in one province, by name."""
    if not province_id:
        return []
    return list(
        db.session.scalars(
            select(AdminUnit)
            .where(
                AdminUnit.level == UnitLevel.COMMUNE.value,
                AdminUnit.parent_id == province_id,
                AdminUnit.valid_to.is_(None),
            )
            .order_by(AdminUnit.name)
        )
    )


def get_unit(unit_id: int | None) -> AdminUnit | None:
    """A unit by id, or None."""
    return db.session.get(AdminUnit, unit_id) if unit_id else None


def online_agencies() -> list[Agency]:
    """Agencies a citizen may address a petition to on the public site."""
    return list(
        db.session.scalars(
            select(Agency).where(Agency.active.is_(True), Agency.accepts_online.is_(True)).order_by(Agency.id)
        )
    )


def default_intake_agency() -> Agency | None:
    """The body that receives petitions addressed to "I don't know" (the reception board)."""
    return db.session.scalars(
        select(Agency).where(Agency.is_default_intake.is_(True), Agency.active.is_(True)).order_by(Agency.id)
    ).first()


def site_agency(code: str) -> Agency | None:
    """The agency whose name heads the site."""
    return db.session.scalars(select(Agency).where(Agency.code == code)).first()
