CREATE TABLE partners (
    id         uuid PRIMARY KEY,
    code       text NOT NULL UNIQUE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE accounts (
    id                      uuid PRIMARY KEY,
    name                    text NOT NULL,
    type                    text NOT NULL CHECK (type IN ('CORPORATE', 'PERSONAL')),
    country                 char(2) NOT NULL,
    kyc_status              text NOT NULL CHECK (kyc_status IN ('PENDING', 'VERIFIED', 'REJECTED')),
    kyc_note                text NOT NULL DEFAULT '',
    cross_border_pay_active boolean NOT NULL DEFAULT false,
    service_fee_rate        numeric NOT NULL CHECK (service_fee_rate >= 0 AND service_fee_rate <= 0.002),
    created_at              timestamptz NOT NULL
);

CREATE TABLE api_keys (
    id          uuid PRIMARY KEY,
    role        text NOT NULL CHECK (role IN ('OPERATOR', 'PARTNER', 'ACCOUNT')),
    account_id  uuid REFERENCES accounts,
    partner_id  uuid REFERENCES partners,
    label       text NOT NULL DEFAULT '',
    secret_hash text NOT NULL UNIQUE,
    hint        text NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    CHECK ((role = 'ACCOUNT') = (account_id IS NOT NULL)),
    CHECK ((role = 'PARTNER') = (partner_id IS NOT NULL))
);

-- One row per (account, currency): the only rows a money movement updates.
CREATE TABLE balances (
    account_id uuid NOT NULL REFERENCES accounts,
    currency   text NOT NULL,
    available  numeric NOT NULL CONSTRAINT balances_available_nonnegative CHECK (available >= 0),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, currency)
);

-- The ledger is append-only: transactions and their entries are inserted, never changed.
CREATE TABLE ledger_transactions (
    id         uuid PRIMARY KEY,
    kind       text NOT NULL,
    reference  text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (kind, reference)
);

CREATE TABLE ledger_entries (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id uuid NOT NULL REFERENCES ledger_transactions,
    book           text NOT NULL,
    account_id     uuid REFERENCES accounts,
    currency       text NOT NULL,
    amount         numeric NOT NULL CHECK (amount <> 0),
    balance_after  numeric,
    created_at     timestamptz NOT NULL,
    CHECK ((book = 'CUSTOMER') = (account_id IS NOT NULL)),
    CHECK ((book = 'CUSTOMER') = (balance_after IS NOT NULL))
);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id, id) WHERE account_id IS NOT NULL;
CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

CREATE TABLE top_ups (
    id         uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts,
    currency   text NOT NULL,
    amount     numeric NOT NULL CHECK (amount > 0),
    reference  text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (account_id, reference)
);
