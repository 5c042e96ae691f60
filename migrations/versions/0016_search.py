"""full-text search over petitions, cases, visits and people

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28 01:20:00

Cases get `search_folded` (the title folded, like petitions and visits). SQLite: FTS5 trigram
tables over the folded and the raw text, kept in step by triggers; PostgreSQL: pg_trgm and a
GIN trigram index on each folded column. The DDL lives in app/search/schema.py.
"""
from alembic import op
import sqlalchemy as sa

import app.db  # noqa: F401  (kept for column types, as in every revision)
from app.search import schema
from app.text import fold


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_folded', sa.Text(), nullable=True))

    bind = op.get_bind()
    for row in bind.execute(sa.text("SELECT id, title FROM cases")).all():
        bind.execute(sa.text("UPDATE cases SET search_folded = :f WHERE id = :id"),
                     {"f": fold(row.title), "id": row.id})

    if bind.dialect.name == "sqlite":
        schema.create_sqlite(bind)
    elif bind.dialect.name == "postgresql":
        schema.create_postgresql(bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        schema.drop_sqlite(bind)
    elif bind.dialect.name == "postgresql":
        schema.drop_postgresql(bind)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('search_folded')
