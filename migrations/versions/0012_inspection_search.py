"""inspections: search_folded (title, subject and numbers without diacritics)

Revision ID: 0012
Revises: 0011_directives
Create Date: 2026-11-28 01:00:00

The inspections list searches in SQL, with or without diacritics, like the other lists.
"""
from alembic import op
import sqlalchemy as sa

from app.text import fold


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011_directives'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_folded', sa.Text(), nullable=True))

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, title, subject, decision_number, conclusion_number FROM inspections")).all()
    for row in rows:
        folded = fold(" ".join(filter(None, [row.title, row.subject, row.decision_number, row.conclusion_number])))
        bind.execute(sa.text("UPDATE inspections SET search_folded = :f WHERE id = :id"), {"f": folded, "id": row.id})


def downgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_column('search_folded')
