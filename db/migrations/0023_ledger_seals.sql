-- The ledger's hash chain. Each seal covers the entries with ids in (after_entry_id,
-- last_entry_id] (entry ids, not the tables' layout: partitioning the ledger changes nothing),
-- lists their transactions in order with a SHA-256 digest of each one's entries, and hashes
-- them with the previous seal's hash. Only the sealing job writes here; payments never do.
CREATE TABLE ledger_seals (
    seq            bigint PRIMARY KEY,
    after_entry_id bigint NOT NULL,
    last_entry_id  bigint NOT NULL UNIQUE,
    entries        int NOT NULL,
    transactions   uuid[] NOT NULL,
    digests        bytea NOT NULL,
    prev_hash      bytea NOT NULL,
    hash           bytea NOT NULL,
    sealed_at      timestamptz NOT NULL,
    CHECK (last_entry_id > after_entry_id)
);
CREATE TRIGGER ledger_seals_append_only BEFORE UPDATE OR DELETE ON ledger_seals
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
