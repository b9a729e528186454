CREATE TABLE fx_rates (
    from_currency text NOT NULL,
    to_currency   text NOT NULL,
    mid           numeric NOT NULL CHECK (mid > 0),
    source        text NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (from_currency, to_currency),
    CHECK (from_currency <> to_currency)
);

CREATE TABLE quotes (
    id            uuid PRIMARY KEY,
    account_id    uuid NOT NULL REFERENCES accounts,
    sell_currency text NOT NULL,
    sell_amount   numeric NOT NULL CHECK (sell_amount > 0),
    buy_currency  text NOT NULL,
    buy_amount    numeric NOT NULL CHECK (buy_amount > 0),
    rate          numeric NOT NULL CHECK (rate > 0),
    mid_rate      numeric NOT NULL CHECK (mid_rate > 0),
    spread_bps    int NOT NULL,
    expires_at    timestamptz NOT NULL,
    executed      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL
);
CREATE INDEX quotes_account ON quotes (account_id, id);

CREATE TABLE fx_settlements (
    id            uuid PRIMARY KEY,
    base          text NOT NULL,
    quote         text NOT NULL,
    base_net      numeric NOT NULL,
    conversions   int NOT NULL,
    window_end    timestamptz NOT NULL,
    status        text NOT NULL CHECK (status IN ('PENDING', 'SETTLED')),
    mid           numeric,
    quote_amount  numeric,
    provider_ref  text,
    created_at    timestamptz NOT NULL,
    settled_at    timestamptz,
    CHECK (base < quote)
);
CREATE INDEX fx_settlements_pending ON fx_settlements (id) WHERE status = 'PENDING';

CREATE TABLE conversions (
    id            uuid PRIMARY KEY,
    quote_id      uuid UNIQUE REFERENCES quotes,
    account_id    uuid NOT NULL REFERENCES accounts,
    sell_currency text NOT NULL,
    sell_amount   numeric NOT NULL CHECK (sell_amount > 0),
    buy_currency  text NOT NULL,
    buy_amount    numeric NOT NULL CHECK (buy_amount > 0),
    rate          numeric NOT NULL,
    status        text NOT NULL CHECK (status IN ('BOOKED', 'SETTLED')),
    settlement_id uuid REFERENCES fx_settlements,
    created_at    timestamptz NOT NULL,
    settled_at    timestamptz
);
CREATE INDEX conversions_account ON conversions (account_id, id);
CREATE INDEX conversions_unbatched ON conversions (created_at) WHERE settlement_id IS NULL;
CREATE INDEX conversions_settlement ON conversions (settlement_id);

-- Keys are scoped to the API key's principal; a key used in a transaction that rolled back
-- (the request ended in user errors) was never stored, so it stays free.
CREATE TABLE idempotency_keys (
    principal    text NOT NULL,
    key          text NOT NULL,
    operation    text NOT NULL,
    request_hash text NOT NULL,
    result_id    text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key)
);

-- The sandbox liquidity provider's own book of trades, idempotent on the settlement.
CREATE TABLE sandbox_lp_trades (
    settlement_id uuid PRIMARY KEY,
    reference     text NOT NULL,
    base          text NOT NULL,
    base_amount   numeric NOT NULL,
    quote         text NOT NULL,
    quote_amount  numeric NOT NULL,
    mid           numeric NOT NULL,
    traded_at     timestamptz NOT NULL DEFAULT now()
);
