"""Full-text search over petitions, visits, people and cases, with or without diacritics.

`match(entity, q)` gives the SQL condition and the rank of a search, the same on SQLite (FTS5)
and PostgreSQL (pg_trgm); see app/search/query.py and docs/search.md.
"""
from app.search.query import Match, match, normalize_query

__all__ = ["Match", "match", "normalize_query"]
