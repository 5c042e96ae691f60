"""Agency scope: which agencies' records a user may see, as SQL (never filtered in Python)."""
from __future__ import annotations

from sqlalchemy import Select, select

from app.agencies.models import Agency
from app.auth.permissions import Permission


def subtree_ids(agency_id: int) -> Select:
    """SELECT of the agency's id and all its descendants (recursive CTE)."""
    tree = select(Agency.id).where(Agency.id == agency_id).cte("tree", recursive=True)
    tree = tree.union_all(select(Agency.id).where(Agency.parent_id == tree.c.id))
    return select(tree.c.id)


def visible_agency_ids(user) -> Select:
    """The agencies whose records the user may read: their own, or the subtree for supervisors."""
    if user.can(Permission.SUBTREE_READ):
        return subtree_ids(user.agency_id)
    return select(Agency.id).where(Agency.id == user.agency_id)
