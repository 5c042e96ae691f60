"""cases: urges (đôn đốc) of overdue cases by a superior body and the reports on them (Luật Tố cáo Đ.38)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 23:08:55.151725

"""
from alembic import op
import sqlalchemy as sa

import app.db  # noqa: F401  (kept for column types, as in every revision)


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_urges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('urging_agency_id', sa.Integer(), nullable=False),
    sa.Column('urged_by_id', sa.Integer(), nullable=False),
    sa.Column('followup_received_on', sa.Date(), nullable=False),
    sa.Column('request_sent_on', sa.Date(), nullable=False),
    sa.Column('request_due', sa.Date(), nullable=False),
    sa.Column('report_due', sa.Date(), nullable=False),
    sa.Column('request_note', sa.Text(), nullable=True),
    sa.Column('report_received_on', sa.Date(), nullable=True),
    sa.Column('report_note', sa.Text(), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_urges_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_case_urges_reported_by_id_users')),
    sa.ForeignKeyConstraint(['urged_by_id'], ['users.id'], name=op.f('fk_case_urges_urged_by_id_users')),
    sa.ForeignKeyConstraint(['urging_agency_id'], ['agencies.id'], name=op.f('fk_case_urges_urging_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_urges'))
    )
    with op.batch_alter_table('case_urges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_urges_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_urges_urging_agency_id'), ['urging_agency_id'], unique=False)



def downgrade():
    with op.batch_alter_table('case_urges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_urges_urging_agency_id'))
        batch_op.drop_index(batch_op.f('ix_case_urges_case_id'))

    op.drop_table('case_urges')
