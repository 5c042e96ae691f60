"""The search indexes as DDL: FTS5 tables kept in step by triggers (SQLite), trigram indexes (PostgreSQL).

Written once here and run by migration 0016. The folded text is computed in Python
(`app.text.fold`, which folds `đ` to `d`) and stored in the `search_folded` / `name_folded`
columns by every write path; the indexes below only index it, so the index and the query fold
alike on both backends.

SQLite: one FTS5 table per entity, `fts_<table>(folded, exact)` with the trigram tokenizer
(substring match, Unicode case folding, diacritics kept), whose rowid is the record's id:
`folded` is the folded column, `exact` the raw text with its diacritics (for ranking exact
matches first). Triggers on the table and on the tables its text comes from (petitioners, visit
visitors, people) rewrite the row after every INSERT, UPDATE and DELETE, so no write path can
forget it. SQLite drops a table's triggers when a migration recreates the table (batch mode):
such a migration must call `create_sqlite(bind)` again (tests/services/test_search.py checks
the triggers exist at head).

PostgreSQL: a GIN `gin_trgm_ops` index on each folded column, used by `LIKE '%word%'`.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text


@dataclass(frozen=True)
class Source:
    """A table whose rows change an entity's text: when a row changes, the ids to refresh."""

    table: str
    ids_new: str  # SQL selecting the entity ids to refresh from NEW
    ids_old: str  # ... and from OLD
    columns: tuple[str, ...]  # UPDATE OF these columns refreshes


@dataclass(frozen=True)
class Entity:
    """One searched table: its FTS table, the SQL of its two columns, the tables feeding them."""

    table: str
    folded_sql: str  # over alias `x`
    exact_sql: str  # over alias `x`
    own_columns: tuple[str, ...]
    sources: tuple[Source, ...] = ()

    @property
    def fts(self) -> str:
        return f"fts_{self.table}"


_SP = " || ' ' || "

ENTITIES: dict[str, Entity] = {
    "petition": Entity(
        table="petitions",
        folded_sql="coalesce(x.search_folded, '')",
        # A protected petitioner (denunciator) has no name in the clear; the condition says so twice.
        exact_sql=_SP.join([
            "coalesce(x.title, '')", "coalesce(x.content, '')", "coalesce(x.respondent, '')",
            "coalesce((SELECT group_concat(pp.full_name, ' ') FROM petitioners pp WHERE pp.petition_id = x.id "
            "AND pp.is_protected = 0 AND pp.full_name IS NOT NULL), '')"]),
        own_columns=("title", "content", "respondent", "search_folded"),
        sources=(Source("petitioners", "SELECT NEW.petition_id", "SELECT OLD.petition_id",
                        ("full_name", "is_protected", "petition_id")),),
    ),
    "visit": Entity(
        table="visits",
        folded_sql="coalesce(x.search_folded, '')",
        exact_sql=_SP.join([
            "coalesce(x.summary, '')", "coalesce(x.respondent, '')",
            "coalesce((SELECT group_concat(pe.full_name, ' ') FROM visit_visitors vv JOIN people pe "
            "ON pe.id = vv.person_id WHERE vv.visit_id = x.id AND x.is_protected = 0), '')"]),
        own_columns=("summary", "respondent", "search_folded", "is_protected"),
        sources=(
            Source("visit_visitors", "SELECT NEW.visit_id", "SELECT OLD.visit_id", ("person_id", "visit_id")),
            Source("people", "SELECT visit_id FROM visit_visitors WHERE person_id = NEW.id",
                   "SELECT visit_id FROM visit_visitors WHERE person_id = OLD.id", ("full_name",)),
        ),
    ),
    "person": Entity(
        table="people",
        folded_sql="coalesce(x.name_folded, '')",
        exact_sql="coalesce(x.full_name, '')",
        own_columns=("full_name", "name_folded"),
    ),
    "case": Entity(
        table="cases",
        folded_sql="coalesce(x.search_folded, '')",
        exact_sql="coalesce(x.title, '')",
        own_columns=("title", "search_folded"),
    ),
}

# PostgreSQL: (index name, table, column).
TRGM_INDEXES = [
    ("ix_petitions_search_folded_trgm", "petitions", "search_folded"),
    ("ix_visits_search_folded_trgm", "visits", "search_folded"),
    ("ix_people_name_folded_trgm", "people", "name_folded"),
    ("ix_cases_search_folded_trgm", "cases", "search_folded"),
]


def _refresh(e: Entity, ids: str) -> str:
    return (f"DELETE FROM {e.fts} WHERE rowid IN ({ids}); "
            f"INSERT INTO {e.fts} (rowid, folded, exact) SELECT x.id, {e.folded_sql}, {e.exact_sql} "
            f"FROM {e.table} x WHERE x.id IN ({ids});")


def sqlite_triggers(e: Entity) -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER statement) for every trigger keeping `e`'s FTS table in step."""
    out = [
        (f"{e.fts}_ai", f"AFTER INSERT ON {e.table} BEGIN {_refresh(e, 'SELECT NEW.id')} END"),
        (f"{e.fts}_au", f"AFTER UPDATE OF {', '.join(e.own_columns)} ON {e.table} BEGIN "
                        f"DELETE FROM {e.fts} WHERE rowid = OLD.id; {_refresh(e, 'SELECT NEW.id')} END"),
        (f"{e.fts}_ad", f"AFTER DELETE ON {e.table} BEGIN DELETE FROM {e.fts} WHERE rowid = OLD.id; END"),
    ]
    for s in e.sources:
        prefix = f"{e.fts}_{s.table}"
        out += [
            (f"{prefix}_ai", f"AFTER INSERT ON {s.table} BEGIN {_refresh(e, s.ids_new)} END"),
            (f"{prefix}_au", f"AFTER UPDATE OF {', '.join(s.columns)} ON {s.table} BEGIN "
                             f"{_refresh(e, s.ids_old)} {_refresh(e, s.ids_new)} END"),
            (f"{prefix}_ad", f"AFTER DELETE ON {s.table} BEGIN {_refresh(e, s.ids_old)} END"),
        ]
    return [(name, f"CREATE TRIGGER {name} {body}") for name, body in out]


def create_sqlite(bind) -> None:
    """Create (or re-create) the FTS tables and their triggers, and fill them from the tables."""
    for e in ENTITIES.values():
        for name, _sql in sqlite_triggers(e):
            bind.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        bind.execute(text(f"DROP TABLE IF EXISTS {e.fts}"))
        bind.execute(text(f"CREATE VIRTUAL TABLE {e.fts} USING fts5(folded, exact, tokenize='trigram')"))
        bind.execute(text(f"INSERT INTO {e.fts} (rowid, folded, exact) "
                          f"SELECT x.id, {e.folded_sql}, {e.exact_sql} FROM {e.table} x"))
        for _name, sql in sqlite_triggers(e):
            bind.execute(text(sql))


def drop_sqlite(bind) -> None:
    """Drop the FTS tables and their triggers."""
    for e in ENTITIES.values():
        for name, _sql in sqlite_triggers(e):
            bind.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        bind.execute(text(f"DROP TABLE IF EXISTS {e.fts}"))


def create_postgresql(bind) -> None:
    """The pg_trgm extension and a GIN trigram index on every folded column."""
    bind.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    for name, table, column in TRGM_INDEXES:
        bind.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"))


def drop_postgresql(bind) -> None:
    """Drop the trigram indexes (the extension stays: other databases objects may use it)."""
    for name, _table, _column in TRGM_INDEXES:
        bind.execute(text(f"DROP INDEX IF EXISTS {name}"))


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For `flask db check`: the FTS tables (and their shadow tables) and trigram indexes are not models."""
    if type_ == "table" and name and name.startswith("fts_"):
        return False
    if type_ == "index" and name and name.endswith("_trgm"):
        return False
    return True
