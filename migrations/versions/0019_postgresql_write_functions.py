"""PostgreSQL: the two writes every submission makes under a shared name, each as one function call

`audit_append`: the audit log's appender (lock, last line, hashes, inserts).
`counter_next`: the next number of a series numbered by a sequence (app/counters.py).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 01:00:00

Appends are queued on one lock for the whole site, held to the commit (docs/audit.md). Taken from
Python it was three round trips — the lock, the last line, the insert — each of which a gunicorn
thread had to win the GIL back for while every other writer of the site waited (bench/run.py: the
lock window, not the work, capped public submissions). `audit_append` does the three in one call.
It hashes exactly as app/audit/chain.py does: the caller sends each line's canonical JSON without
its last element, the previous line's hash, which the function appends (`"<hex>"]`) before taking
SHA-256 — so `flask audit verify` checks these lines with the same code as any other.

`counter_next(name, series, agency, year)` returns nextval of the sequence `name`, making it first —
in the caller's transaction, starting after the counter row of (series, agency, year) — if it does
not exist yet. Two transactions making the same one at once: the second waits for the first and
then uses it. Petitions' tracking codes come from it, so that no row is updated by every submission.

SQLite needs neither: its writers are serialised by the database itself.
"""
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append(
    lock_key bigint, prefixes text[], ats timestamptz[], actor_user_ids integer[], actor_labels text[],
    ips text[], actions text[], subject_types text[], subject_ids integer[], details text[])
RETURNS TABLE (line_id integer, line_prev_hash text, line_hash text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    head_id integer;
    head_hash text;
    next_hash text;
BEGIN
    -- Held until the transaction ends. Each statement below reads a fresh snapshot (READ
    -- COMMITTED, volatile function), so the last line read is the one the previous holder committed.
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT a.id, a.hash INTO head_id, head_hash FROM audit_log AS a ORDER BY a.id DESC LIMIT 1;
    IF head_id IS NULL THEN
        head_id := 0;
        head_hash := repeat('0', 64);
    END IF;
    FOR i IN 1 .. coalesce(array_length(prefixes, 1), 0) LOOP
        next_hash := encode(sha256(convert_to(prefixes[i] || '"' || head_hash || '"]', 'UTF8')), 'hex');
        INSERT INTO audit_log (id, at, actor_user_id, actor_label, ip, action, subject_type, subject_id,
                               detail, prev_hash, hash)
        VALUES (head_id + 1, ats[i], actor_user_ids[i], actor_labels[i], ips[i], actions[i], subject_types[i],
                subject_ids[i], details[i], head_hash, next_hash);
        line_id := head_id + 1;
        line_prev_hash := head_hash;
        line_hash := next_hash;
        RETURN NEXT;
        head_id := head_id + 1;
        head_hash := next_hash;
    END LOOP;
END
$$
"""


PG_COUNTER_FUNCTION = """
CREATE OR REPLACE FUNCTION counter_next(seq_name text, floor_series text, floor_agency integer, floor_year integer)
RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    floor_value bigint;
BEGIN
    IF to_regclass(seq_name) IS NULL THEN
        SELECT c.last_value INTO floor_value FROM counters AS c
        WHERE c.series = floor_series AND c.agency_id = floor_agency AND c.year = floor_year;
        BEGIN
            EXECUTE format('CREATE SEQUENCE %I AS bigint MINVALUE 1 START WITH %s', seq_name,
                           coalesce(floor_value, 0) + 1);
        EXCEPTION WHEN duplicate_table OR unique_violation THEN
            NULL;  -- made by another transaction at the same moment: use it
        END;
    END IF;
    RETURN nextval(seq_name::regclass);
END
$$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_COUNTER_FUNCTION)


# Back to counter rows: each row continues after its sequence, and the sequences go.
PG_SEQUENCES_TO_ROWS = """
DO $$
DECLARE
    s record;
    parts text[];
BEGIN
    FOR s IN SELECT sequencename, last_value FROM pg_sequences
             WHERE schemaname = current_schema() AND sequencename ~ '^counter_[a-z_]+_[0-9]+_[0-9]+$' LOOP
        parts := regexp_match(s.sequencename, '^counter_([a-z_]+)_([0-9]+)_([0-9]+)$');
        IF s.last_value IS NOT NULL THEN
            INSERT INTO counters (series, agency_id, year, last_value)
            VALUES (parts[1], parts[2]::integer, parts[3]::integer, s.last_value)
            ON CONFLICT (series, agency_id, year)
            DO UPDATE SET last_value = GREATEST(counters.last_value, EXCLUDED.last_value);
        END IF;
        EXECUTE format('DROP SEQUENCE %I', s.sequencename);
    END LOOP;
END
$$
"""


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_SEQUENCES_TO_ROWS)
        op.execute("DROP FUNCTION IF EXISTS counter_next(text, text, integer, integer)")
        op.execute("DROP FUNCTION IF EXISTS audit_append(bigint, text[], timestamptz[], integer[], text[], text[], "
                   "text[], text[], integer[], text[])")
