"""retention: petitions due for destruction, destruction approvals

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28 01:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.db  # noqa: F401  (kept for column types, as in every revision)


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('destroy_after', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('destroyed_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_petitions_destroy_after'), ['destroy_after'], unique=False)

    op.create_table('destruction_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status IN ('proposed', 'approved', 'rejected', 'withdrawn')", name=op.f('ck_destruction_requests_status')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_destruction_requests_agency_id_agencies')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_destruction_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_destruction_requests_proposed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_requests'))
    )
    with op.batch_alter_table('destruction_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destruction_requests_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_destruction_requests_status'), ['status'], unique=False)

    op.create_table('destruction_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('files_removed', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_destruction_items_petition_id_petitions')),
    sa.ForeignKeyConstraint(['request_id'], ['destruction_requests.id'], name=op.f('fk_destruction_items_request_id_destruction_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_items')),
    sa.UniqueConstraint('request_id', 'petition_id', name=op.f('uq_destruction_items_request_id_petition_id'))
    )
    with op.batch_alter_table('destruction_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destruction_items_petition_id'), ['petition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_destruction_items_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('destruction_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destruction_items_request_id'))
        batch_op.drop_index(batch_op.f('ix_destruction_items_petition_id'))

    op.drop_table('destruction_items')
    with op.batch_alter_table('destruction_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destruction_requests_status'))
        batch_op.drop_index(batch_op.f('ix_destruction_requests_agency_id'))

    op.drop_table('destruction_requests')
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petitions_destroy_after'))
        batch_op.drop_column('destroyed_at')
        batch_op.drop_column('destroy_after')
