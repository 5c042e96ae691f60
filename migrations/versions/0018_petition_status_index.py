"""Petitions: one index on (status, agency_id) in place of the one on status

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28 04:30:00

The inbox's tab counts and status filters within an agency scope become index-only scans
(bench/run.py at 1,000,000 petitions: 20 ms → 1 ms). The composite index also answers every
lookup by status alone, so the old one goes.
"""
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


# Plain index operations, no batch: on SQLite a batch would rebuild the table and lose the
# search triggers (app/search/schema.py).
def upgrade():
    op.create_index('ix_petitions_status_agency', 'petitions', ['status', 'agency_id'], unique=False)
    op.drop_index('ix_petitions_status', table_name='petitions')


def downgrade():
    op.create_index('ix_petitions_status', 'petitions', ['status'], unique=False)
    op.drop_index('ix_petitions_status_agency', table_name='petitions')
