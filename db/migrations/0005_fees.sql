-- Fee schedules with effective dates; the one in force is the latest that has started.
CREATE TABLE fee_schedules (
    id                          int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    effective_from              timestamptz NOT NULL UNIQUE,
    standard_rate               numeric NOT NULL CHECK (standard_rate >= 0),
    card_rate                   numeric NOT NULL CHECK (card_rate >= 0),
    worldfirst_balance_minimum  numeric NOT NULL CHECK (worldfirst_balance_minimum >= 0),
    created_at                  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE fee_tiers (
    schedule_id                int NOT NULL REFERENCES fee_schedules,
    min_average_monthly_volume numeric NOT NULL CHECK (min_average_monthly_volume >= 0),
    rate                       numeric NOT NULL CHECK (rate >= 0 AND rate <= 0.002),
    PRIMARY KEY (schedule_id, min_average_monthly_volume)
);
-- The first schedule is domain.DefaultFeeSchedule, seeded by Migrate in this migration's transaction.

-- A closed month; its row decides which of two concurrent closes runs.
CREATE TABLE fee_months (
    month      text PRIMARY KEY,
    closed_at  timestamptz NOT NULL,
    statements int NOT NULL DEFAULT 0
);

CREATE TABLE fee_statements (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id              uuid NOT NULL REFERENCES accounts,
    month                   text NOT NULL,
    volume                  numeric NOT NULL,
    payment_count           int NOT NULL,
    standard_fees           numeric NOT NULL,
    service_fees            numeric NOT NULL,
    average_monthly_volume  numeric NOT NULL,
    next_service_fee_rate   numeric NOT NULL,
    created_at              timestamptz NOT NULL,
    UNIQUE (account_id, month)
);

-- The sandbox clock: one row, read by the API and the workers alike.
CREATE TABLE sandbox_clock (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    now       timestamptz NOT NULL,
    set_at    timestamptz NOT NULL
);
