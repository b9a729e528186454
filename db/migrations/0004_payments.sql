CREATE TABLE payments (
    id               uuid PRIMARY KEY,
    order_id         uuid NOT NULL UNIQUE REFERENCES orders,
    partner_id       uuid NOT NULL REFERENCES partners,
    account_id       uuid NOT NULL REFERENCES accounts,
    supplier_row_id  uuid NOT NULL REFERENCES suppliers,
    method           text NOT NULL CHECK (method IN ('WORLD_PAY', 'WORLDFIRST_BALANCE')),
    status           text NOT NULL CHECK (status IN ('SUCCEEDED', 'PARTIALLY_REFUNDED', 'REFUNDED')),
    amount           numeric NOT NULL CHECK (amount > 0),
    standard_rate    numeric,
    standard_fee     numeric,
    service_rate     numeric,
    service_fee      numeric,
    debited_amount   numeric NOT NULL CHECK (debited_amount > 0),
    debited_currency text NOT NULL,
    fx_rate          numeric,
    conversion_id    uuid REFERENCES conversions,
    escrow_status    text NOT NULL CHECK (escrow_status IN ('HELD', 'RELEASED', 'REFUNDED')),
    refunded_amount  numeric NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
    refunded_fees    numeric NOT NULL DEFAULT 0,
    credited_back    numeric NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL,
    released_at      timestamptz
);
CREATE INDEX payments_partner ON payments (partner_id, id);
CREATE INDEX payments_account ON payments (account_id, id);
CREATE INDEX payments_created ON payments (created_at);

CREATE TABLE refunds (
    id                uuid PRIMARY KEY,
    payment_id        uuid NOT NULL REFERENCES payments,
    amount            numeric NOT NULL CHECK (amount > 0),
    fees_refunded     numeric NOT NULL CHECK (fees_refunded >= 0),
    credited_amount   numeric NOT NULL CHECK (credited_amount > 0),
    credited_currency text NOT NULL,
    reason            text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL
);
CREATE INDEX refunds_payment ON refunds (payment_id, id);

-- One payout per payment: a released escrow is paid out once.
CREATE TABLE payouts (
    id              uuid PRIMARY KEY,
    payment_id      uuid NOT NULL UNIQUE REFERENCES payments,
    order_id        uuid NOT NULL REFERENCES orders,
    partner_id      uuid NOT NULL REFERENCES partners,
    account_id      uuid NOT NULL REFERENCES accounts,
    supplier_row_id uuid NOT NULL REFERENCES suppliers,
    amount          numeric NOT NULL CHECK (amount > 0),
    currency        text NOT NULL CHECK (currency = 'CNY'),
    status          text NOT NULL CHECK (status IN ('PENDING', 'SUBMITTED', 'PAID', 'FAILED')),
    attempts        int NOT NULL DEFAULT 0,
    rail_reference  text NOT NULL DEFAULT '',
    failure_reason  text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    paid_at         timestamptz
);
CREATE INDEX payouts_partner ON payouts (partner_id, id);
CREATE INDEX payouts_account ON payouts (account_id, id);
CREATE INDEX payouts_open ON payouts (status) WHERE status IN ('PENDING', 'SUBMITTED', 'FAILED');

-- The sandbox payout rail's own book, one row per payout: a payout is never transferred twice.
CREATE TABLE sandbox_rail_transfers (
    payout_id      uuid PRIMARY KEY,
    account        text NOT NULL,
    amount         numeric NOT NULL,
    status         text NOT NULL CHECK (status IN ('NEW', 'PAID', 'FAILED')),
    attempts       int NOT NULL DEFAULT 0,
    reference      text NOT NULL DEFAULT '',
    failure_reason text NOT NULL DEFAULT '',
    updated_at     timestamptz NOT NULL DEFAULT now()
);
