-- A balance keeps the latest posting time of its entries, so that noting a backdated customer
-- entry (one posted at a time before an earlier entry of its balance: 0080) reads the balance's
-- row instead of probing every month of the ledger's statement index. The writer moves the
-- balance (db/ledger.go, moveBalance) before it inserts the entry and sets posted_until to the
-- later of it and the entry's time, so posted_until is past the entry's time exactly when an
-- earlier entry of the balance was posted later.
ALTER TABLE balances ADD COLUMN posted_until timestamptz;

-- ledger_note_posted_until sets every balance's posted_until from its entries (after a bulk
-- load that wrote entries without moving balances through the writer) and returns how many
-- balances it changed.
CREATE FUNCTION ledger_note_posted_until() RETURNS bigint LANGUAGE sql AS $$
    WITH latest AS (
        SELECT account_id, currency, max(created_at) AS at FROM ledger_entries WHERE book = 'CUSTOMER'
        GROUP BY account_id, currency),
    noted AS (
        UPDATE balances b SET posted_until = l.at FROM latest l
        WHERE b.account_id = l.account_id AND b.currency = l.currency AND b.posted_until IS DISTINCT FROM l.at
        RETURNING 1)
    SELECT count(*) FROM noted
$$;
SELECT ledger_note_posted_until();

CREATE OR REPLACE FUNCTION ledger_note_backdated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT posted_until FROM balances WHERE account_id = NEW.account_id AND currency = NEW.currency) > NEW.created_at THEN
        INSERT INTO ledger_backdated_entries (entry_id, account_id, currency, created_at, amount)
        VALUES (NEW.id, NEW.account_id, NEW.currency, NEW.created_at, NEW.amount);
    END IF;
    RETURN NEW;
END $$;
