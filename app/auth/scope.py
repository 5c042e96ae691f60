"""Agency scope: which agencies' records a user may see — always applied in SQL, never by filtering
rows in Python.

The scope is a short list of agency ids, read from the agency tree once per request (a recursive
query) and put into each statement as a literal list: PostgreSQL then knows how many agencies it
deals with (a recursive CTE is estimated at a hundred rows, which made the report sort a million
rows to join them: bench/run.py) and no statement re-walks the tree.
"""
from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.agencies.models import Agency
from app.auth.permissions import Permission
from app.extensions import db


def _subtree_query(agency_id: int):
    tree = select(Agency.id).where(Agency.id == agency_id).cte("tree", recursive=True)
    tree = tree.union_all(select(Agency.id).where(Agency.parent_id == tree.c.id))
    return select(tree.c.id)


def subtree_ids(agency_id: int) -> list[int]:
    """The agency's id and those of all its descendants, sorted (kept for the rest of the request)."""
    memo = g.setdefault("_subtree_ids", {}) if has_request_context() else {}
    found = memo.get(agency_id)
    if found is None:
        found = memo[agency_id] = sorted(db.session.scalars(_subtree_query(agency_id)))
    return list(found)


def forget_scopes() -> None:
    """The agency tree changed in this request (an agency moved or added): read it again."""
    if has_request_context():
        g.pop("_subtree_ids", None)


def visible_agency_ids(user) -> list[int]:
    """The agencies whose records the user may read: their own, or the subtree for supervisors."""
    if user.can(Permission.SUBTREE_READ):
        return subtree_ids(user.agency_id)
    return [user.agency_id]


@event.listens_for(Session, "after_flush")
def _forget_on_agency_change(session, _flush_context) -> None:
    """An agency added, moved or removed in this request: the scopes read before are stale."""
    if any(isinstance(obj, Agency) for obj in (*session.new, *session.dirty, *session.deleted)):
        forget_scopes()
