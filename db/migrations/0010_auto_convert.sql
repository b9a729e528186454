-- An account's auto-convert choice: the currency a Cross-border Pay payment's CNH shortfall is
-- bought from, and the widest spread the account accepts. No row: off.
CREATE TABLE auto_convert_settings (
    account_id     uuid PRIMARY KEY REFERENCES accounts,
    currency       text NOT NULL CHECK (currency <> 'CNH' AND currency <> 'CNY'),
    max_spread_bps integer NOT NULL CHECK (max_spread_bps BETWEEN 0 AND 10000),
    updated_at     timestamptz NOT NULL
);
