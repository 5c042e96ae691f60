"""Petitions: one index on (agency_id, received_at, source_petition_id) in place of the one on agency_id

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 02:00:00

"Petitions received in the period" — the figure of every report — is then an index-only range scan
over the scope's agencies (bench/run.py at 1,000,000 petitions: the nine-month summary read the whole
1.2 GB table, 570 ms, before) — on SQLite as on PostgreSQL, hence a third key column rather than
PostgreSQL's INCLUDE. The index also answers every lookup by agency alone, so the old one goes.
"""
from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


# Plain index operations, no batch: on SQLite a batch would rebuild the table and lose the search
# triggers (app/search/schema.py).
def upgrade():
    op.create_index('ix_petitions_agency_received', 'petitions', ['agency_id', 'received_at', 'source_petition_id'],
                    unique=False)
    op.drop_index('ix_petitions_agency_id', table_name='petitions')


def downgrade():
    op.create_index('ix_petitions_agency_id', 'petitions', ['agency_id'], unique=False)
    op.drop_index('ix_petitions_agency_received', table_name='petitions')
