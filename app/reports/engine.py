"""The report engine: a form is a list of columns; a column is a condition (and a value) over one
kind of record. Every cell is counted in SQL — one GROUP BY agency query per kind of record and
form, with SUM(CASE WHEN …) per column — and every cell can list the records it counts (`drill`)
with the very same condition, so a figure and its list can never disagree.

Rows are the agencies of the scope: the chosen agency, and with its subtree each direct child
(counting its own subtree), then the total.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.sql import ColumnElement

import app.models  # noqa: F401  (every mapper known before the forms build their expressions)
from app.agencies.models import Agency
from app.auth.scope import subtree_ids
from app.extensions import db
from app.petitions.queries import Page
from app.reports import cache
from app.reports.period import Period

DRILL_PAGE_SIZE = 50


@dataclass(frozen=True)
class Scope:
    """The agency reported on, with or without the agencies below it."""

    agency: Agency
    subtree: bool = False

    def ids(self) -> list[int]:
        if self.subtree:
            return subtree_ids(self.agency.id)
        return [self.agency.id]

    def rows(self) -> list[ReportRow]:
        """The rows of a table: one per agency group, the chosen agency first."""
        if not self.subtree:
            return [ReportRow(str(self.agency.id), self.agency.name, frozenset({self.agency.id}))]
        tree = db.session.execute(select(Agency.id, Agency.parent_id, Agency.name)
                                  .where(Agency.id.in_(subtree_ids(self.agency.id)))).all()
        children: dict[int, list] = defaultdict(list)
        for agency_id, parent_id, name in tree:
            children[parent_id].append((agency_id, name))

        def below(agency_id: int) -> set[int]:
            found, stack = set(), [agency_id]
            while stack:
                current = stack.pop()
                found.add(current)
                stack.extend(child for child, _name in children.get(current, []))
            return found

        rows = [ReportRow(str(self.agency.id), self.agency.name, frozenset({self.agency.id}))]
        for child_id, name in sorted(children.get(self.agency.id, []), key=lambda c: c[1]):
            rows.append(ReportRow(str(child_id), name, frozenset(below(child_id))))
        return rows


@dataclass(frozen=True)
class ReportRow:
    key: str
    label: str
    agency_ids: frozenset[int]


@dataclass(frozen=True)
class Ctx:
    """What a column's condition may depend on."""

    period: Period
    scope_ids: list[int]


@dataclass(frozen=True)
class Entity:
    """A kind of record a column counts: its model, its agency column and how a record is listed."""

    key: str
    model: Any
    agency_col: Any
    order_by: Any
    describe: Callable[[Any], dict]
    joins: tuple = ()  # (target, onclause) outer joins


@dataclass(frozen=True)
class Column:
    """One column: the records of `entity` meeting `cond`, counted, or their `value` summed."""

    key: str
    label: str
    entity: Entity
    cond: Callable[[Ctx], ColumnElement]
    value: Callable[[], ColumnElement] | None = None
    unit: str = "count"  # count | money (đồng, shown in millions) | land (m²) | people
    groups: tuple = ()  # header groups, outermost first
    # A condition every record the column counts meets, that an index answers (the period's dates):
    # when every column of a query has one, the query reads only the records within them.
    bounds: Callable[[Ctx], ColumnElement] | None = None


@dataclass(frozen=True)
class Form:
    """An official report form."""

    code: str
    title: str
    subject: str  # what it reports on, one line
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


@dataclass
class Table:
    form: Form
    period: Period
    scope: Scope
    rows: list[ReportRow]
    values: dict[str, dict[str, Any]]  # row key → column key → value
    total: dict[str, Any] = field(default_factory=dict)
    computed_at: datetime | None = None  # when the figures were computed (they may be kept a while)

    def cell(self, row_key: str, column_key: str):
        if row_key == "total":
            return self.total[column_key]
        return self.values[row_key][column_key]


def _select(entity: Entity, *columns) -> Select:
    stmt = select(*columns).select_from(entity.model)
    for target, onclause in entity.joins:
        stmt = stmt.outerjoin(target, onclause)
    return stmt


def _aggregate(column: Column, ctx: Ctx):
    cond = column.cond(ctx)
    value = func.coalesce(column.value(), 0) if column.value is not None else 1
    return func.coalesce(func.sum(case((cond, value), else_=0)), 0)


def _zero(column: Column):
    return Decimal(0) if column.unit in ("money", "land") else 0


def compute(form: Form, scope: Scope, period: Period) -> Table:
    """Every cell of the form for the scope and period (kept a few minutes: app/reports/cache.py)."""
    rows = scope.rows()
    values, computed_at = cache.figures(
        cache_key(scope, period) + (form.code, ",".join(r.key for r in rows)),  # a new agency: new figures
        lambda: _values(form, scope, period, rows))
    total = {c.key: sum((values[r.key][c.key] for r in rows), _zero(c)) for c in form.columns}
    return Table(form, period, scope, rows, values, total, computed_at=computed_at)


def cache_key(scope: Scope, period: Period) -> tuple:
    """The part of a cache key naming the scope and the period (forms add their code)."""
    return (scope.agency.id, int(scope.subtree), period.start.isoformat(), period.end.isoformat())


def _values(form: Form, scope: Scope, period: Period, rows: list[ReportRow]) -> dict[str, dict[str, Any]]:
    """One GROUP BY query per kind of record: row key → column key → value."""
    ctx = Ctx(period, scope.ids())
    row_of = {agency_id: row.key for row in rows for agency_id in row.agency_ids}
    values = {row.key: {c.key: _zero(c) for c in form.columns} for row in rows}
    by_entity: dict[str, list[Column]] = defaultdict(list)
    entities = {}
    for column in form.columns:
        by_entity[column.entity.key].append(column)
        entities[column.entity.key] = column.entity
    for key, columns in by_entity.items():
        entity = entities[key]
        stmt = (_select(entity, entity.agency_col, *[_aggregate(c, ctx) for c in columns])
                .where(entity.agency_col.in_(ctx.scope_ids)).group_by(entity.agency_col))
        if all(c.bounds is not None for c in columns):
            stmt = stmt.where(or_(*[c.bounds(ctx) for c in columns]))
        for agency_id, *sums in db.session.execute(stmt):
            row_key = row_of.get(agency_id)
            if row_key is None:
                continue
            for column, amount in zip(columns, sums):
                values[row_key][column.key] += _normalise(column, amount)
    return values


def _normalise(column: Column, amount):
    if column.unit in ("money", "land"):
        return Decimal(str(amount or 0))
    return int(amount or 0)


def value_of(column: Column, scope: Scope, period: Period, agency_ids=None):
    """One figure (the total over the scope, or over some of its agencies)."""
    ctx = Ctx(period, scope.ids())
    stmt = _select(column.entity, _aggregate(column, ctx)).where(column.entity.agency_col.in_(ctx.scope_ids))
    if agency_ids is not None:
        stmt = stmt.where(column.entity.agency_col.in_(list(agency_ids)))
    return _normalise(column, db.session.scalar(stmt))


def drill(column: Column, scope: Scope, period: Period, row_key: str, page: int = 1) -> tuple[Page, Any]:
    """The records one cell counts (row_key "total" for the whole scope), a page at a time, and the
    cell's value computed on the same condition."""
    ctx = Ctx(period, scope.ids())
    entity = column.entity
    where = [column.cond(ctx), entity.agency_col.in_(ctx.scope_ids)]
    if row_key != "total":
        row = next((r for r in scope.rows() if r.key == row_key), None)
        if row is None:
            raise LookupError(row_key)
        where.append(entity.agency_col.in_(sorted(row.agency_ids)))
    base = _select(entity, entity.model).where(and_(*where))
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    page = max(1, page)
    records = db.session.scalars(base.order_by(*entity.order_by).limit(DRILL_PAGE_SIZE)
                                 .offset((page - 1) * DRILL_PAGE_SIZE)).all()
    items = [entity.describe(r) | ({"amount": getattr(r, "_amount", None)}) for r in records]
    if column.value is not None:
        amounts = dict(db.session.execute(_select(entity, entity.model.id, column.value())
                                          .where(entity.model.id.in_([r.id for r in records]))).all())
        for item, record in zip(items, records):
            item["amount"] = amounts.get(record.id)
    cell = db.session.scalar(_select(entity, func.coalesce(func.sum(
        func.coalesce(column.value(), 0) if column.value is not None else 1), 0)).where(and_(*where)))
    return Page(items, total, page, DRILL_PAGE_SIZE), _normalise(column, cell)


def header_rows(columns) -> list[list[dict]]:
    """The header as rows of cells {label, colspan, rowspan}: groups merged across columns, each
    leaf spanning down to the last header row (the official multi-row headers)."""
    depth = max((len(c.groups) for c in columns), default=0) + 1
    rows: list[list[dict]] = [[] for _ in range(depth)]
    for level in range(depth):
        index = 0
        while index < len(columns):
            column = columns[index]
            if level < len(column.groups):
                prefix = column.groups[:level + 1]
                span = 1
                while (index + span < len(columns) and columns[index + span].groups[:level + 1] == prefix):
                    span += 1
                rows[level].append({"label": prefix[-1], "colspan": span, "rowspan": 1, "first": index})
                index += span
            elif level == len(column.groups):
                rows[level].append({"label": column.label, "colspan": 1, "rowspan": depth - level,
                                    "first": index, "column": column})
                index += 1
            else:
                index += 1
    return rows
