-- partnerSummary's figures per partner and UTC day, for days that are over: a period is the sum
-- of its rolled-up days plus a live read of the rest (db/summary_rollup.go). A day is in
-- summary_days once rolled up; its partners' rows go with it when it is dropped (the sandbox
-- clock moved back over it).
CREATE TABLE summary_days (
    day       date PRIMARY KEY,
    rolled_at timestamptz NOT NULL
);

-- Payments by their creation day: count, volume (CNY) and fees net of refunded fees (CNH; a
-- refund of an older payment lowers its day's row in the refund's transaction). Refunds (CNY)
-- by the refund's day, paid payouts (CNY) by the day they were paid.
CREATE TABLE summary_rollups (
    partner_id     uuid NOT NULL REFERENCES partners (id),
    day            date NOT NULL REFERENCES summary_days (day) ON DELETE CASCADE,
    payment_count  bigint NOT NULL DEFAULT 0,
    payment_volume numeric NOT NULL DEFAULT 0,
    fees           numeric NOT NULL DEFAULT 0,
    refunds        numeric NOT NULL DEFAULT 0,
    payouts_paid   numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (partner_id, day)
);
CREATE INDEX summary_rollups_day ON summary_rollups (day);

-- What buyers sold to pay the day's payments from their balances, by currency.
CREATE TABLE summary_rollup_conversions (
    partner_id uuid NOT NULL REFERENCES partners (id),
    day        date NOT NULL REFERENCES summary_days (day) ON DELETE CASCADE,
    currency   text NOT NULL,
    sold       numeric NOT NULL,
    PRIMARY KEY (partner_id, day, currency)
);
CREATE INDEX summary_rollup_conversions_day ON summary_rollup_conversions (day);
