"""Read side of administration: the user list, the agency tree, categories grouped by kind.

Administrators work site-wide (site:* permissions), so nothing here is scoped to an agency.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.agencies.models import AdminUnit, Agency
from app.auth.models import User
from app.extensions import db
from app.petitions.models import ContentCategory, PetitionKind
from app.text import fold

USERS_PER_PAGE = 25


@dataclass
class UserFilters:
    """What the user list is filtered by (all optional)."""

    q: str | None = None
    agency_id: int | None = None
    role: str | None = None
    active: bool | None = None
    page: int = 1


def users_page(f: UserFilters):
    """One page (25) of staff accounts, by name; the search ignores diacritics and case."""
    stmt = select(User).options(selectinload(User.agency))
    if f.q and f.q.strip():
        words = [w for w in fold(f.q).split(" ") if w]
        stmt = stmt.where(*[User.search_folded.like(f"%{w}%") for w in words])
    if f.agency_id:
        stmt = stmt.where(User.agency_id == f.agency_id)
    if f.role:
        stmt = stmt.where(User.role == f.role)
    if f.active is not None:
        stmt = stmt.where(User.active.is_(f.active))
    stmt = stmt.order_by(User.search_folded, User.id)
    return db.paginate(stmt, page=max(1, f.page), per_page=USERS_PER_PAGE, error_out=False, count=True)


@dataclass
class Node:
    """One agency or category in a tree, with its depth and children."""

    item: object
    depth: int
    children: list = field(default_factory=list)


def _tree(items, key) -> list[Node]:
    """Roots first, each followed by its children (an item whose parent is missing is a root)."""
    by_parent: dict[int | None, list] = {}
    ids = {i.id for i in items}
    for item in items:
        by_parent.setdefault(item.parent_id if item.parent_id in ids else None, []).append(item)
    for children in by_parent.values():
        children.sort(key=key)

    def build(parent_id, depth, seen):
        nodes = []
        for item in by_parent.get(parent_id, []):
            if item.id in seen:  # a cycle in old data must not loop forever
                continue
            node = Node(item, depth)
            node.children = build(item.id, depth + 1, seen | {item.id})
            nodes.append(node)
        return nodes

    return build(None, 0, frozenset())


def flatten(nodes: list[Node]) -> list[Node]:
    """A tree as a list in display order (parent, then its children)."""
    out = []
    for node in nodes:
        out.append(node)
        out.extend(flatten(node.children))
    return out


def agency_tree() -> list[Node]:
    """The whole agency tree, children by name."""
    agencies = list(db.session.scalars(select(Agency)))
    return _tree(agencies, key=lambda a: (a.name, a.id))


def all_agencies() -> list[Agency]:
    """Every agency in tree order."""
    return [n.item for n in flatten(agency_tree())]


def agency_parent_choices(agency: Agency | None) -> list[tuple[Agency, int]]:
    """(agency, depth) in tree order; the agency itself and its descendants are left out."""
    nodes = agency_tree()
    out = []

    def walk(nodes):
        for node in nodes:
            if agency is not None and node.item.id == agency.id:
                continue
            out.append((node.item, node.depth))
            walk(node.children)

    walk(nodes)
    return out


def user_counts_by_agency() -> dict[int, int]:
    """Active accounts per agency."""
    rows = db.session.execute(select(User.agency_id, func.count()).where(User.active.is_(True))
                              .group_by(User.agency_id)).all()
    return dict(rows)


def unit_of(agency: Agency | None) -> tuple[AdminUnit | None, AdminUnit | None]:
    """(province, commune) of an agency's administrative unit."""
    unit = agency.admin_unit if agency is not None else None
    if unit is None:
        return None, None
    if unit.level == "province":
        return unit, None
    return unit.parent, (unit if unit.level == "commune" else None)


def categories_by_kind() -> dict[str, list[Node]]:
    """For each kind, its categories in tree order (children by position)."""
    out: dict[str, list[Node]] = {}
    for kind in PetitionKind:
        rows = list(db.session.scalars(select(ContentCategory).where(ContentCategory.kind == kind.value)))
        out[kind.value] = flatten(_tree(rows, key=lambda c: (c.position, c.name, c.id)))
    return out


def find_user(user_id: int) -> User | None:
    """A user by id, or None."""
    return db.session.get(User, user_id)


def find_agency(agency_id: int) -> Agency | None:
    """An agency by id, or None."""
    return db.session.get(Agency, agency_id)


def find_category(category_id: int) -> ContentCategory | None:
    """A content category by id, or None."""
    return db.session.get(ContentCategory, category_id)
