-- Events are partitioned by week of occurred_at, so retention drops a week of them at once
-- (no row deletes, no dead rows for vacuum). Rows of a time no partition covers (a sandbox
-- clock far away, a partition not made yet) go to the DEFAULT partition: a write never fails.

-- kjb_ensure_partition makes parent's partition for lower <= key < upper, named
-- <parent>_p<YYYYMMDD of lower in UTC>, unless it exists. Rows of that range in the default
-- partition move into it first (attaching would fail on them). The new table is attached, not
-- created as a partition: attaching locks the parent in SHARE UPDATE EXCLUSIVE mode, which
-- writers and readers pass; the default partition is locked in ACCESS EXCLUSIVE mode (and
-- scanned) for the moment of the move.
CREATE FUNCTION kjb_ensure_partition(parent regclass, key text, lower timestamptz, upper timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    base text := (SELECT relname FROM pg_class WHERE oid = parent);
    name text := base || '_p' || to_char(lower AT TIME ZONE 'UTC', 'YYYYMMDD');
    dflt regclass;
BEGIN
    -- One maker at a time per table: a concurrent run waits here, then finds the partition.
    EXECUTE format('LOCK TABLE %s IN SHARE UPDATE EXCLUSIVE MODE', parent);
    IF EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = parent AND c.relname = name) THEN
        RETURN NULL;
    END IF;
    SELECT i.inhrelid INTO dflt FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = parent AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';
    EXECUTE format('CREATE TABLE %I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name, parent);
    IF dflt IS NOT NULL THEN
        -- Attaching takes this lock anyway; taken first, no row of the range arrives meanwhile.
        EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', dflt);
        EXECUTE format('WITH moved AS (DELETE FROM %s WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved',
            dflt, key, key, name) USING lower, upper;
    END IF;
    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, name, lower, upper);
    RETURN name;
END $$;

ALTER TABLE events RENAME TO events_unpartitioned;
ALTER INDEX events_pkey RENAME TO events_unpartitioned_pkey;
ALTER INDEX events_seq_key RENAME TO events_unpartitioned_seq_key;
ALTER INDEX events_account RENAME TO events_unpartitioned_account;
ALTER INDEX events_partner RENAME TO events_unpartitioned_partner;
DROP INDEX events_occurred;
DROP TRIGGER events_notify ON events_unpartitioned;
DROP TRIGGER events_take_xid ON events_unpartitioned;

-- The primary key holds the partition key; ids stay unique (UUIDv7) and are looked up on it in
-- every partition. seq has no unique constraint (it would have to hold occurred_at too): the
-- identity alone hands out each value once, and it is indexed for the feed and the listeners.
CREATE TABLE events (
    id          uuid NOT NULL,
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    type        text NOT NULL,
    occurred_at timestamptz NOT NULL,
    account_id  uuid,
    partner_id  uuid,
    object_type text NOT NULL,
    object_id   uuid NOT NULL,
    payment_id  uuid,
    link_code   text
) PARTITION BY RANGE (occurred_at);
CREATE TABLE events_default PARTITION OF events DEFAULT;
-- The weeks still retained and the next one (the daily retention job keeps them made ahead).
SELECT kjb_ensure_partition('events', 'occurred_at', w, w + interval '168 hours')
FROM generate_series(date_trunc('week', now() - interval '90 days', 'UTC'), now() + interval '168 hours', interval '168 hours') w;

INSERT INTO events (id, seq, type, occurred_at, account_id, partner_id, object_type, object_id, payment_id, link_code)
OVERRIDING SYSTEM VALUE
SELECT id, seq, type, occurred_at, account_id, partner_id, object_type, object_id, payment_id, link_code FROM events_unpartitioned;
-- The sequence goes on from where it was: listeners hold marks of the old one.
SELECT setval(pg_get_serial_sequence('events', 'seq'), last)
FROM (SELECT pg_sequence_last_value(pg_get_serial_sequence('events_unpartitioned', 'seq')::regclass) AS last) s
WHERE last IS NOT NULL;

ALTER TABLE events ADD PRIMARY KEY (id, occurred_at);
CREATE INDEX events_seq ON events (seq);
CREATE INDEX events_account ON events (account_id, seq) WHERE account_id IS NOT NULL;
CREATE INDEX events_partner ON events (partner_id, seq) WHERE partner_id IS NOT NULL;
DROP TABLE events_unpartitioned;

-- The triggers of 0007 and 0041, on the partitioned table: statement-level triggers of a
-- partitioned table fire once per statement on it, and their transition table holds the rows
-- inserted into every partition.
CREATE TRIGGER events_notify AFTER INSERT ON events REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION events_notify();
CREATE TRIGGER events_take_xid BEFORE INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION events_take_xid();
