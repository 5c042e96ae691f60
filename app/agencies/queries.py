"""Read-side queries on administrative units and agencies."""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from app.agencies.models import AdminUnit, Agency, UnitLevel
from app.extensions import db
from app.refcache import cached

Choice = tuple[int, str]


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


def province_choices() -> list[Choice]:
    """(id, name) of the provinces in force, by name; kept per process (app/refcache.py)."""
    return cached("provinces", ("admin_units",), lambda: [(u.id, u.name) for u in current_provinces()])


def commune_choices(province_id: int | None) -> list[Choice]:
    """(id, name) of the communes in force in one province, by name; kept per process."""
    if not province_id:
        return []
    return cached(("communes", province_id), ("admin_units",),
                  lambda: [(u.id, u.name) for u in current_communes(province_id)])


def online_agency_choices() -> list[Choice]:
    """(id, name) of the agencies a citizen may address on the public site; kept per process."""
    return cached("online_agencies", ("agencies",), lambda: [(a.id, a.name) for a in online_agencies()])


class AgencyRef(NamedTuple):
    """What intake needs of the agency that receives a petition: its id and its code prefix."""

    id: int
    code: str


def online_intake_agencies() -> tuple[dict[int, AgencyRef], AgencyRef | None]:
    """The agencies a citizen may address online by id, and the default one ("I don't know");
    kept per process (app/refcache.py) — every public submission needs them."""
    def load():
        online = {a.id: AgencyRef(a.id, a.code) for a in online_agencies()}
        default = default_intake_agency()
        return online, (AgencyRef(default.id, default.code) if default is not None else None)
    return cached("online_intake_agencies", ("agencies",), load)


def site_agency_name(code: str) -> str | None:
    """The name of the agency whose name heads the site; kept per process."""
    def load():
        agency = site_agency(code)
        return agency.name if agency else None
    return cached(("site_agency", code), ("agencies",), load)


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
