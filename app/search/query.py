"""One search interface on both backends: `match(entity, q)` → the SQL condition and the rank.

The query is made NFC and folded like the stored text (`app.text.fold`: no diacritics, `đ` → `d`,
lower case), so "nguyen van duong", "Nguyễn Văn Đường" typed in NFC or NFD, and "NGUYỄN VĂN
ĐƯỜNG" all find "Nguyễn Văn Đường". Every word must be found (as a substring of the folded
text). The rank counts the words found *with their diacritics* (case aside) in the raw text, so
"Đường" puts "Đường" before "Dương" though both match "duong".

SQLite: the words go to the entity's FTS5 trigram table (app/search/schema.py); words under three
letters, which a trigram cannot hold, are matched with LIKE. PostgreSQL: LIKE on the folded
column, answered by its GIN trigram index (words under three letters with strpos, on the rows the
others found); the rank uses ILIKE on the raw columns.

A caller adds `clause` to its own scoped SELECT (agency scope stays in SQL) and orders by
`rank.desc()` before its own order.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, column, func, literal, or_, select, table

from app.extensions import db
from app.search.schema import ENTITIES
from app.text import fold

TRIGRAM = 3  # an FTS5 trigram phrase needs at least three characters


@dataclass
class Match:
    """A search as SQL over the entity's model: the condition, and the rank (higher first)."""

    clause: ColumnElement[bool]
    rank: ColumnElement[int]


def normalize_query(q: str | None) -> tuple[list[str], list[str]]:
    """The folded words and the exact words (NFC, diacritics kept) of what was typed."""
    q = unicodedata.normalize("NFC", q or "")
    folded = [w for w in fold(q).split(" ") if w]
    exact = [w for w in q.split() if w]
    return folded, exact


def _model(entity: str):
    """The model, its folded column, and the raw text (for ranking on PostgreSQL) of an entity."""
    if entity == "petition":
        from app.petitions.models import Petition, Petitioner

        names = (select(func.string_agg(Petitioner.full_name, " "))
                 .where(Petitioner.petition_id == Petition.id, Petitioner.is_protected.is_(False))
                 .scalar_subquery())
        return Petition, Petition.search_folded, func.concat_ws(" ", Petition.title, Petition.content,
                                                                 Petition.respondent, names)
    if entity == "visit":
        from app.reception.models import Person, Visit, VisitVisitor

        names = (select(func.string_agg(Person.full_name, " "))
                 .select_from(VisitVisitor).join(Person, Person.id == VisitVisitor.person_id)
                 .where(VisitVisitor.visit_id == Visit.id, Visit.is_protected.is_(False))
                 .scalar_subquery())
        return Visit, Visit.search_folded, func.concat_ws(" ", Visit.summary, Visit.respondent, names)
    if entity == "person":
        from app.reception.models import Person

        return Person, Person.name_folded, Person.full_name
    if entity == "case":
        from app.cases.models import Case

        return Case, Case.search_folded, Case.title
    raise ValueError(f"unknown search entity: {entity}")


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _forms(word: str) -> list[str]:
    """The word in NFC and in NFD (stored text may be either), without repeats."""
    return list(dict.fromkeys([word, unicodedata.normalize("NFD", word)]))


def _case_forms(word: str) -> list[str]:
    """LIKE on SQLite ignores case for ASCII letters only: try the usual capitalisations."""
    out: list[str] = []
    for w in dict.fromkeys([word, word.lower(), word.capitalize(), word.upper()]):
        out += _forms(w)
    return list(dict.fromkeys(out))


def dialect() -> str:
    """`sqlite` or `postgresql`: the backend of the current session."""
    return db.session.get_bind().dialect.name


def match(entity: str, q: str | None, *, scan: bool = False) -> Match | None:
    """The search `q` over `entity` ("petition", "visit", "person", "case"); None when nothing was typed.

    `scan=True`: the same condition as a plain substring test that no index answers, for a caller
    that walks a bounded set of rows in its own order (the inbox's newest petitions): the search
    index would first list every match of the whole table.
    """
    folded, exact = normalize_query(q)
    if not folded:
        return None
    model, folded_col, raw = _model(entity)
    if dialect() == "sqlite":
        fts = table(ENTITIES[entity].fts, column("rowid"), column("folded"), column("exact"))
        if scan:
            conditions = [func.instr(folded_col, w) > 0 for w in folded]
        else:
            long_words = [w for w in folded if len(w) >= TRIGRAM]
            conditions = [folded_col.contains(w, autoescape=True) for w in folded if len(w) < TRIGRAM]
            if long_words:
                expr = " ".join(_phrase(w) for w in long_words)  # implicit AND
                conditions.append(model.id.in_(select(fts.c.rowid).where(fts.c.folded.op("MATCH")(expr))))
        hits = []
        for w in exact:
            if len(w) >= TRIGRAM:
                found = fts.c.exact.op("MATCH")(" OR ".join(_phrase(f) for f in _forms(w)))
            else:
                found = or_(*[fts.c.exact.contains(f, autoescape=True) for f in _case_forms(w)])
            # Row by row (the rank is for the few rows a list shows): `id IN (every match)` read the
            # whole posting list of a common word ("van": hundreds of thousands of rows) for each.
            hits.append(case((select(fts.c.rowid).where(fts.c.rowid == model.id, found).exists(), 1), else_=0))
    elif scan:
        conditions = [func.strpos(folded_col, w) > 0 for w in folded]
        hits = [case((or_(*[raw.icontains(f, autoescape=True) for f in _forms(w)]), 1), else_=0) for w in exact]
    else:
        # A word under three letters holds no trigram: as LIKE it made the GIN index return every
        # row ("ô" of "ô nhiễm": 619,000 of a million). It is checked on the rows the other words
        # found, with strpos, which no index claims.
        conditions = [folded_col.contains(w, autoescape=True) if len(w) >= TRIGRAM
                      else func.strpos(folded_col, w) > 0 for w in folded]
        hits = [case((or_(*[raw.icontains(f, autoescape=True) for f in _forms(w)]), 1), else_=0) for w in exact]
    rank = sum(hits[1:], hits[0]) if hits else literal(0)
    return Match(and_(*conditions), rank)
