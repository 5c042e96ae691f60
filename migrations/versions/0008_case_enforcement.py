"""cases: enforcement follow-up (theo dõi thi hành) — planned date, day done, note

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 23:20:29.832530

"""
from alembic import op
import sqlalchemy as sa

import app.db  # noqa: F401  (kept for column types, as in every revision)


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enforcement_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('enforced_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('enforcement_note', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('enforcement_note')
        batch_op.drop_column('enforced_on')
        batch_op.drop_column('enforcement_due')
