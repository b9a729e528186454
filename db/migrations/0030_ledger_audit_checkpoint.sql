-- What the incremental audit has verified: every ledger entry up to entry_id, and business rows
-- and ledger transactions whose time-ordered ids sort below rows_from (the next audit re-reads
-- from there). One row; absent until the first clean audit.
CREATE TABLE ledger_audit_checkpoint (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    entry_id    bigint NOT NULL,
    rows_from   uuid NOT NULL,
    verified_at timestamptz NOT NULL
);

-- The sum of the verified entries per book, account (the nil UUID for house books) and
-- currency, up to the checkpoint's entry_id. House balances (a metric) are these totals plus
-- the entries since; a payment never reads them.
CREATE TABLE ledger_audit_totals (
    book       text NOT NULL,
    account_id uuid NOT NULL,
    currency   text NOT NULL,
    total      numeric NOT NULL,
    PRIMARY KEY (book, account_id, currency)
);
