"""Read side of retention: petitions due for destruction and destruction requests, scoped to the
user's agency in SQL (destruction is decided by the head of the agency that filed the petition)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.petitions.models import Petition, PetitionStatus
from app.petitions.queries import Page
from app.retention.models import (
    RETAINED_REASONS,
    DestructionItem,
    DestructionRequest,
    DestructionStatus,
)

PAGE_SIZE = 25


def due_statement(agency_id: int, today: date):
    """Petitions of the agency whose retention period is over and which are not destroyed."""
    return select(Petition).where(
        Petition.agency_id == agency_id,
        Petition.status == PetitionStatus.FILED.value,
        Petition.file_reason.in_(RETAINED_REASONS),
        Petition.destroyed_at.is_(None),
        Petition.destroy_after < today,
    )


def due_count(agency_id: int, today: date) -> int:
    """How many petitions of the agency are due for destruction."""
    return db.session.scalar(select(func.count()).select_from(due_statement(agency_id, today).subquery()))


def due_page(agency_id: int, today: date, page: int) -> Page:
    """One page of due petitions, longest overdue first."""
    stmt = due_statement(agency_id, today)
    total = due_count(agency_id, today)
    page = max(1, page)
    items = db.session.scalars(stmt.order_by(Petition.destroy_after, Petition.id)
                               .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return Page(list(items), total, page, PAGE_SIZE)


def open_requests_by_petition(petition_ids: list[int]) -> dict[int, int]:
    """petition id → id of the waiting proposal that lists it."""
    if not petition_ids:
        return {}
    rows = db.session.execute(
        select(DestructionItem.petition_id, DestructionItem.request_id).join(DestructionRequest)
        .where(DestructionItem.petition_id.in_(petition_ids),
               DestructionRequest.status == DestructionStatus.PROPOSED.value)
    ).all()
    return dict(rows)


def requests_page(agency_id: int, page: int) -> Page:
    """The agency's destruction requests, those waiting first, then the newest."""
    stmt = select(DestructionRequest).where(DestructionRequest.agency_id == agency_id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = max(1, page)
    waiting_first = (DestructionRequest.status != DestructionStatus.PROPOSED.value)
    items = db.session.scalars(
        stmt.options(selectinload(DestructionRequest.items))
        .order_by(waiting_first, DestructionRequest.created_at.desc(), DestructionRequest.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return Page(list(items), total, page, PAGE_SIZE)


def waiting_count(agency_id: int) -> int:
    """How many proposals wait for a leader's decision."""
    return db.session.scalar(select(func.count(DestructionRequest.id)).where(
        DestructionRequest.agency_id == agency_id, DestructionRequest.status == DestructionStatus.PROPOSED.value))


def get_request(agency_id: int, request_id: int) -> DestructionRequest | None:
    """A request of the agency, or None (the view answers 404)."""
    return db.session.scalars(select(DestructionRequest).where(
        DestructionRequest.id == request_id, DestructionRequest.agency_id == agency_id)).first()


def request_for_petition(petition_id: int) -> DestructionRequest | None:
    """The approved request that destroyed this petition (for the minimal record)."""
    return db.session.scalars(
        select(DestructionRequest).join(DestructionItem)
        .where(DestructionItem.petition_id == petition_id,
               DestructionRequest.status == DestructionStatus.APPROVED.value)
    ).first()


def all_due(today: date, agency_id: int | None = None) -> list[Petition]:
    """Every due petition (for `flask retention due`), by agency then date."""
    stmt = select(Petition).where(
        Petition.status == PetitionStatus.FILED.value, Petition.file_reason.in_(RETAINED_REASONS),
        Petition.destroyed_at.is_(None), Petition.destroy_after < today)
    if agency_id is not None:
        stmt = stmt.where(Petition.agency_id == agency_id)
    return list(db.session.scalars(stmt.order_by(Petition.agency_id, Petition.destroy_after, Petition.id)))


def unscheduled_count():
    """SELECT of how many retained petitions have no destruction date."""
    return select(func.count(Petition.id)).where(
        Petition.status == PetitionStatus.FILED.value, Petition.file_reason.in_(RETAINED_REASONS),
        Petition.destroy_after.is_(None), Petition.destroyed_at.is_(None), Petition.decided_at.is_not(None))
