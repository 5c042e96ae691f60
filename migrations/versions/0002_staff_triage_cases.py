"""staff, triage, cases, identity access log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 18:53:45.429105

"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.text('(true)'), nullable=False),
    sa.Column('failed_logins', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('locked_until', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('session_version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("role IN ('receptionist', 'handler', 'leader', 'supervisor', 'admin')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_users_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_agency_id'), ['agency_id'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('due_rule_code', sa.String(length=60), nullable=True),
    sa.Column('is_complex', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('is_remote', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('resolver_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('complaint_first', 'complaint_second', 'denunciation', 'proposal')", name=op.f('ck_cases_kind')),
    sa.CheckConstraint("status IN ('accepted')", name=op.f('ck_cases_status')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_cases_agency_id_agencies')),
    sa.ForeignKeyConstraint(['resolver_id'], ['users.id'], name=op.f('fk_cases_resolver_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_agency_id'), ['agency_id'], unique=False)

    op.create_table('identity_access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('petitioner_id', sa.Integer(), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.Column('accessed_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_identity_access_log_petition_id_petitions')),
    sa.ForeignKeyConstraint(['petitioner_id'], ['petitioners.id'], name=op.f('fk_identity_access_log_petitioner_id_petitioners')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_identity_access_log_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_access_log'))
    )
    with op.batch_alter_table('identity_access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_access_log_petition_id'), ['petition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_identity_access_log_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('forwarded_by_kind', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('forwarded_by_name', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('registered_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('handler_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('multi_signer', sa.Boolean(), server_default=sa.text('(false)'), nullable=False))
        batch_op.add_column(sa.Column('eligibility', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('is_eligible', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('within_jurisdiction', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('proposed_action', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('proposal', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('proposed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('guide_to', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('transfer_to_agency_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('transfer_to_name', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('urged_agency_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('file_reason', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('split_from_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source_petition_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('search_folded', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_petitions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_petitions_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_petitions_source_petition_id'), ['source_petition_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_petitions_handler_id_users'), 'users', ['handler_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_petitions_split_from_id_petitions'), 'petitions', ['split_from_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_petitions_urged_agency_id_agencies'), 'agencies', ['urged_agency_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_petitions_merged_into_id_petitions'), 'petitions', ['merged_into_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_petitions_case_id_cases'), 'cases', ['case_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_petitions_decided_by_id_users'), 'users', ['decided_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_petitions_registered_by_id_users'), 'users', ['registered_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_petitions_transfer_to_agency_id_agencies'), 'agencies', ['transfer_to_agency_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_petitions_source_petition_id_petitions'), 'petitions', ['source_petition_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_petitions_proposed_by_id_users'), 'users', ['proposed_by_id'], ['id'])




def downgrade():

    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_petitions_proposed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_petitions_source_petition_id_petitions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_petitions_transfer_to_agency_id_agencies'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_petitions_registered_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_petitions_decided_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_petitions_case_id_cases'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_petitions_merged_into_id_petitions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_petitions_urged_agency_id_agencies'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_petitions_split_from_id_petitions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_petitions_handler_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_petitions_source_petition_id'))
        batch_op.drop_index(batch_op.f('ix_petitions_handler_id'))
        batch_op.drop_index(batch_op.f('ix_petitions_case_id'))
        batch_op.drop_column('search_folded')
        batch_op.drop_column('case_id')
        batch_op.drop_column('source_petition_id')
        batch_op.drop_column('split_from_id')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('file_reason')
        batch_op.drop_column('urged_agency_id')
        batch_op.drop_column('transfer_to_name')
        batch_op.drop_column('transfer_to_agency_id')
        batch_op.drop_column('guide_to')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('proposed_by_id')
        batch_op.drop_column('proposal')
        batch_op.drop_column('proposed_action')
        batch_op.drop_column('within_jurisdiction')
        batch_op.drop_column('is_eligible')
        batch_op.drop_column('eligibility')
        batch_op.drop_column('multi_signer')
        batch_op.drop_column('handler_id')
        batch_op.drop_column('registered_by_id')
        batch_op.drop_column('forwarded_by_name')
        batch_op.drop_column('forwarded_by_kind')
        batch_op.drop_column('letter_date')

    with op.batch_alter_table('identity_access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_access_log_user_id'))
        batch_op.drop_index(batch_op.f('ix_identity_access_log_petition_id'))

    op.drop_table('identity_access_log')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_agency_id'))

    op.drop_table('cases')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_agency_id'))

    op.drop_table('users')

