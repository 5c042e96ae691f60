"""directives: search_folded (content, source and document number without diacritics)

Revision ID: 0011_directives
Revises: 0010
Create Date: 2026-11-28 09:00:00

The directives list searches with or without diacritics, like the petitions and the register;
rows copied from the reception-day conclusion items by 0010 get their text filled here.
"""
from alembic import op
import sqlalchemy as sa

from app.text import fold


# revision identifiers, used by Alembic.
revision = '0011_directives'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('directives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_folded', sa.Text(), nullable=True))

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, content, source_name, document_number FROM directives")).all()
    for row in rows:
        folded = fold(" ".join(filter(None, [row.content, row.source_name, row.document_number])))
        bind.execute(sa.text("UPDATE directives SET search_folded = :f WHERE id = :id"), {"f": folded, "id": row.id})


def downgrade():
    with op.batch_alter_table('directives', schema=None) as batch_op:
        batch_op.drop_column('search_folded')
