-- The ledger by month. ledger_transactions and ledger_entries are each partitioned by range,
-- one partition per calendar month (UTC), ledger_transactions_YYYY_MM and
-- ledger_entries_YYYY_MM, so an old month can be moved to another tablespace or to read-only
-- storage as two tables, without touching the month being written.
--
-- Both tables are partitioned on the transaction's id. Transaction ids are UUIDv7: their first
-- 48 bits are the Unix time in milliseconds, so a month is the id range from the UUID made of
-- its first millisecond (and zeros) to the next month's. An entry carries its transaction's id,
-- so it lands in the same month as its transaction: a month is moved whole, and a transaction's
-- entries never straddle two storages.
--
-- What this keeps, and how:
-- * Primary keys. A unique constraint on a partitioned table must contain the partition key.
--   ledger_transactions keeps PRIMARY KEY (id). ledger_entries' key becomes (id, transaction_id):
--   entry ids still come only from the identity (GENERATED ALWAYS: an insert cannot choose one
--   without OVERRIDING SYSTEM VALUE, and the append-only trigger refuses updates), and the key's
--   index, led by id, serves the seal's and audit's id ranges and the lookups by id.
--   Partitioning entries by their own id instead would keep (id) alone as the key, but a month's
--   first id is only known once the month has begun, so its partition could not exist ahead.
-- * The FK from entries to transactions (the referenced key is ledger_transactions' id).
-- * One ledger transaction per (kind, reference). That cannot be a unique constraint of the
--   partitioned table (it does not contain the id), so it is the primary key of
--   ledger_references, which a row trigger fills with every transaction inserted; a second
--   transaction for a reference fails with unique_violation as before. This small table is not
--   partitioned: it stays on the hot storage, as the unique index it replaces did.
-- * The append-only trigger, now on the partitioned tables, so on every partition, including
--   one created later or moved to another tablespace.
-- * Every index (each is now partitioned: one per partition, created with it), so statements,
--   seals and audits read as before; a query not bounded by the partition key visits each
--   month's index (the cost grows with the number of months, not of rows).
-- * balance_after and the identity sequence's position: rows are copied as they are, and the
--   new identity continues where the old one stopped.
--
-- Partitions exist ahead of time: this migration creates one for every month holding ledger
-- rows and for the current month and the next three; the daily maintenance job keeps three
-- months ahead (ledger_create_month). A DEFAULT partition catches any row no month takes (an id
-- that is not a UUIDv7, or a month not created in time), so an insert never fails for want of a
-- partition. Its cost: creating a month's partition scans DEFAULT for rows of that month
-- (under an exclusive lock on DEFAULT only) and fails if it holds any; being append-only, such
-- rows stay there, so that month would keep its rows in DEFAULT. Keeping months created well
-- ahead keeps DEFAULT empty.
--
-- The conversion copies every row, in one transaction: on a large ledger, run it in a
-- maintenance window.

CREATE FUNCTION ledger_month_bound(month date) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT (lpad(to_hex((extract(epoch FROM date_trunc('month', month::timestamp)) * 1000)::bigint), 12, '0')
        || '00000000000000000000')::uuid
$$;

-- ledger_create_month creates the month's partitions of both tables unless they exist, and
-- reports whether it created any.
CREATE FUNCTION ledger_create_month(month date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    first date := date_trunc('month', month)::date;
    suffix text := to_char(first, 'YYYY_MM');
    created boolean := false;
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ledger_transactions', 'ledger_entries'] LOOP
        IF to_regclass(t || '_' || suffix) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', t || '_' || suffix, t,
                ledger_month_bound(first), ledger_month_bound((first + interval '1 month')::date));
            created := true;
        END IF;
    END LOOP;
    RETURN created;
END $$;

-- The unpartitioned tables step aside: their names, keys and sequence are taken by the new ones.
ALTER TABLE ledger_entries RENAME TO ledger_entries_unpartitioned;
ALTER TABLE ledger_transactions RENAME TO ledger_transactions_unpartitioned;
ALTER TABLE ledger_entries_unpartitioned RENAME CONSTRAINT ledger_entries_pkey TO ledger_entries_unpartitioned_pkey;
ALTER TABLE ledger_transactions_unpartitioned RENAME CONSTRAINT ledger_transactions_pkey TO ledger_transactions_unpartitioned_pkey;
ALTER TABLE ledger_transactions_unpartitioned RENAME CONSTRAINT ledger_transactions_kind_reference_key
    TO ledger_transactions_unpartitioned_kind_reference_key;
DROP INDEX ledger_entries_account, ledger_entries_transaction, ledger_entries_house, ledger_entries_statement;
ALTER SEQUENCE ledger_entries_id_seq RENAME TO ledger_entries_unpartitioned_id_seq;

CREATE TABLE ledger_transactions (
    id         uuid PRIMARY KEY,
    kind       text NOT NULL,
    reference  text NOT NULL,
    created_at timestamptz NOT NULL
) PARTITION BY RANGE (id);

CREATE TABLE ledger_entries (
    id             bigint GENERATED ALWAYS AS IDENTITY,
    transaction_id uuid NOT NULL,
    book           text NOT NULL,
    account_id     uuid,
    currency       text NOT NULL,
    amount         numeric NOT NULL CONSTRAINT ledger_entries_amount_check CHECK (amount <> 0),
    balance_after  numeric,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (id, transaction_id),
    CONSTRAINT ledger_entries_check CHECK ((book = 'CUSTOMER') = (account_id IS NOT NULL)),
    CONSTRAINT ledger_entries_check1 CHECK ((book = 'CUSTOMER') = (balance_after IS NOT NULL))
) PARTITION BY RANGE (transaction_id);

CREATE TABLE ledger_transactions_default PARTITION OF ledger_transactions DEFAULT;
CREATE TABLE ledger_entries_default PARTITION OF ledger_entries DEFAULT;

-- One ledger transaction per kind and reference, across every month.
CREATE TABLE ledger_references (
    kind           text NOT NULL,
    reference      text NOT NULL,
    transaction_id uuid NOT NULL,
    PRIMARY KEY (kind, reference)
);
CREATE TRIGGER ledger_references_append_only BEFORE UPDATE OR DELETE ON ledger_references
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE FUNCTION ledger_reference_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_references (kind, reference, transaction_id) VALUES (NEW.kind, NEW.reference, NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

-- A month for every month holding a UUIDv7 transaction id, then the current month and three ahead.
SELECT ledger_create_month(m::date) FROM generate_series(
    least(date_trunc('month', now() AT TIME ZONE 'UTC'), coalesce((
        SELECT date_trunc('month', to_timestamp(min(('x' || left(replace(id::text, '-', ''), 12))::bit(48)::bigint) / 1000.0) AT TIME ZONE 'UTC')
        FROM ledger_transactions_unpartitioned WHERE substr(id::text, 15, 1) = '7'), 'infinity')),
    date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months', interval '1 month') m;

INSERT INTO ledger_transactions (id, kind, reference, created_at)
    SELECT id, kind, reference, created_at FROM ledger_transactions_unpartitioned ORDER BY id;
INSERT INTO ledger_entries (id, transaction_id, book, account_id, currency, amount, balance_after, created_at)
    OVERRIDING SYSTEM VALUE
    SELECT id, transaction_id, book, account_id, currency, amount, balance_after, created_at
    FROM ledger_entries_unpartitioned ORDER BY id;
SELECT setval(pg_get_serial_sequence('ledger_entries', 'id'), last_value, is_called) FROM ledger_entries_unpartitioned_id_seq;

-- The foreign keys, and the trigger that fills ledger_references, come after the copy: each
-- would otherwise queue one event per copied row in memory until the statement ends. The keys
-- are checked in one scan each, the references written in one statement.
INSERT INTO ledger_references (kind, reference, transaction_id) SELECT kind, reference, id FROM ledger_transactions;
CREATE TRIGGER ledger_transactions_reference_once AFTER INSERT ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_reference_once();
ALTER TABLE ledger_entries
    ADD CONSTRAINT ledger_entries_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES ledger_transactions,
    ADD CONSTRAINT ledger_entries_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts;

DROP TABLE ledger_entries_unpartitioned;
DROP TABLE ledger_transactions_unpartitioned;

-- The indexes the unpartitioned tables had, now one per partition.
CREATE INDEX ledger_transactions_kind_reference ON ledger_transactions (kind, reference);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id, id) WHERE account_id IS NOT NULL;
CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_house ON ledger_entries (book, currency) WHERE account_id IS NULL;
CREATE INDEX ledger_entries_statement ON ledger_entries (account_id, currency, created_at, id)
    INCLUDE (amount) WHERE account_id IS NOT NULL;

ANALYZE ledger_transactions, ledger_entries, ledger_references;
