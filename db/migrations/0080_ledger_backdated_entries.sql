-- A statement's opening balance is read from the stored balance after of one customer entry
-- instead of summing the account's history (db/statement.go). Customer entries of one account
-- and currency get their ids in the order their balances after were computed (under the
-- balance's row lock, db/ledger.go), but their posting time (created_at, the application's
-- clock) may go backwards in that order: the sandbox clock can be moved back, and two payments
-- racing for one balance read the clock before they queue for its lock. Such an entry, posted
-- at a time earlier than an entry before it, is recorded here: a statement corrects the
-- balance after it starts from with the few entries recorded here, and skips them when it
-- looks for where to start.
CREATE TABLE ledger_backdated_entries (
    entry_id   bigint PRIMARY KEY,
    account_id uuid NOT NULL,
    currency   text NOT NULL,
    created_at timestamptz NOT NULL,
    amount     numeric NOT NULL
);
CREATE INDEX ledger_backdated_entries_statement ON ledger_backdated_entries (account_id, currency, created_at, entry_id)
    INCLUDE (amount);
CREATE TRIGGER ledger_backdated_entries_append_only BEFORE UPDATE OR DELETE ON ledger_backdated_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

-- A customer entry is recorded when an entry of its balance with a smaller id was posted later.
-- The writer holds the balance's row lock, so every such entry has committed (or is earlier in
-- this statement, which a BEFORE row trigger sees). Normally nothing is posted after the new
-- entry and the probe finds an empty range of the statement index.
CREATE FUNCTION ledger_note_backdated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM ledger_entries WHERE account_id = NEW.account_id AND currency = NEW.currency
            AND created_at > NEW.created_at AND id < NEW.id) THEN
        INSERT INTO ledger_backdated_entries (entry_id, account_id, currency, created_at, amount)
        VALUES (NEW.id, NEW.account_id, NEW.currency, NEW.created_at, NEW.amount);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER ledger_entries_note_backdated BEFORE INSERT ON ledger_entries
    FOR EACH ROW WHEN (NEW.book = 'CUSTOMER') EXECUTE FUNCTION ledger_note_backdated();

-- ledger_note_backdated_entries records the backdated customer entries already in the ledger
-- (those written with the trigger off, by this migration or a bulk load) and returns how many
-- it added.
CREATE FUNCTION ledger_note_backdated_entries() RETURNS bigint LANGUAGE sql AS $$
    WITH noted AS (
        INSERT INTO ledger_backdated_entries (entry_id, account_id, currency, created_at, amount)
        SELECT id, account_id, currency, created_at, amount FROM (
            SELECT id, account_id, currency, created_at, amount, max(created_at) OVER (PARTITION BY account_id, currency
                ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS latest_before
            FROM ledger_entries WHERE account_id IS NOT NULL) e
        WHERE created_at < latest_before
        ON CONFLICT (entry_id) DO NOTHING
        RETURNING 1)
    SELECT count(*) FROM noted
$$;
SELECT ledger_note_backdated_entries();
