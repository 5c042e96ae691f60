"""users.search_folded: name and e-mail without diacritics, for the admin user search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 19:19:55.583414

"""
from alembic import op
import sqlalchemy as sa

import app.db  # noqa: F401  (kept for column types, as in every revision)


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_folded', sa.String(length=500), nullable=True))

    # Fill the column for the accounts that already exist (the services keep it up to date after).
    from app.text import fold

    users = sa.table('users', sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                     sa.column('email', sa.String), sa.column('search_folded', sa.String))
    conn = op.get_bind()
    for uid, full_name, email in conn.execute(sa.select(users.c.id, users.c.full_name, users.c.email)).all():
        conn.execute(users.update().where(users.c.id == uid)
                     .values(search_folded=fold(f"{full_name} {email}")[:500]))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('search_folded')
