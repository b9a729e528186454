-- Account statements read one account's lines in one currency by posting time; the amount is
-- included so opening balances and totals are summed from the index alone.
CREATE INDEX ledger_entries_statement ON ledger_entries (account_id, currency, created_at, id)
    INCLUDE (amount) WHERE account_id IS NOT NULL;
