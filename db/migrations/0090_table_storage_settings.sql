-- Autovacuum and fillfactor for the tables that grow or churn, chosen from measurement (README,
-- "Autovacuum"). Partitioned tables take no storage parameters in PostgreSQL 15, so the
-- settings are applied to every leaf table: by this migration, and again by the daily
-- maintenance after it creates partitions. apply_table_storage_settings() is idempotent and
-- only alters a table whose options differ (ALTER TABLE … SET takes a SHARE UPDATE EXCLUSIVE
-- lock, which blocks neither reads nor writes). A table that does not exist yet is skipped.
CREATE FUNCTION table_storage_settings() RETURNS TABLE (table_name text, options text[])
LANGUAGE sql IMMUTABLE AS $$
  VALUES
    -- Append-only: vacuumed for their visibility maps after 1% new rows rather than 20%, so
    -- the index-only scans of statements, the audit and partnerSummary stay index-only.
    ('ledger_entries',      ARRAY['autovacuum_vacuum_insert_scale_factor=0.01']),
    ('ledger_transactions', ARRAY['autovacuum_vacuum_insert_scale_factor=0.01']),
    ('events',              ARRAY['autovacuum_vacuum_insert_scale_factor=0.01']),
    ('refunds',             ARRAY['autovacuum_vacuum_insert_scale_factor=0.01']),
    -- Inserted, then updated once or twice soon after (order PAID, escrow RELEASED): room on
    -- the page keeps those updates HOT; dead versions are reclaimed after 2% of the table
    -- rather than 20% (10M rows at 50M payments).
    ('payments',            ARRAY['fillfactor=90', 'autovacuum_vacuum_scale_factor=0.02', 'autovacuum_vacuum_insert_scale_factor=0.01']),
    ('orders',              ARRAY['fillfactor=90', 'autovacuum_vacuum_scale_factor=0.02', 'autovacuum_vacuum_insert_scale_factor=0.01']),
    -- Their status is indexed, so their updates are never HOT: vacuum sooner instead.
    ('payouts',             ARRAY['autovacuum_vacuum_scale_factor=0.02', 'autovacuum_vacuum_insert_scale_factor=0.01']),
    ('sandbox_rail_transfers', ARRAY['fillfactor=90', 'autovacuum_vacuum_scale_factor=0.02'])
$$;

CREATE FUNCTION apply_table_storage_settings() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  s record;
  leaf regclass;
  changed integer := 0;
BEGIN
  FOR s IN SELECT * FROM table_storage_settings() LOOP
    CONTINUE WHEN to_regclass(s.table_name) IS NULL;
    -- A plain table is its own leaf; pg_partition_tree lists a partitioned table's leaves.
    FOR leaf IN SELECT oid FROM pg_class WHERE oid = s.table_name::regclass AND relkind = 'r'
                UNION SELECT relid FROM pg_partition_tree(s.table_name::regclass) WHERE isleaf LOOP
      IF NOT (SELECT coalesce(reloptions, '{}') @> s.options FROM pg_class WHERE oid = leaf) THEN
        EXECUTE format('ALTER TABLE %s SET (%s)', leaf, array_to_string(s.options, ', '));
        changed := changed + 1;
      END IF;
    END LOOP;
  END LOOP;
  RETURN changed;
END $$;

SELECT apply_table_storage_settings();
