-- Disagreements between our books and the payout rail's or the liquidity provider's, found by
-- the daily reconciliation. One row per counterparty, object and problem: re-runs add nothing.
CREATE TABLE reconciliation_breaks (
    id              uuid PRIMARY KEY,
    day             date NOT NULL,
    counterparty    text NOT NULL CHECK (counterparty IN ('PAYOUT_RAIL', 'FX_PROVIDER')),
    object_id       text NOT NULL,
    problem         text NOT NULL CHECK (problem IN ('MISSING_AT_COUNTERPARTY', 'MISSING_AT_KJB', 'AMOUNT_DIFFERS', 'CURRENCY_DIFFERS', 'STATUS_DIFFERS')),
    ours            jsonb,
    theirs          jsonb,
    status          text NOT NULL CHECK (status IN ('OPEN', 'RESOLVED')),
    note            text NOT NULL DEFAULT '',
    resolved_at     timestamptz,
    created_at      timestamptz NOT NULL,
    UNIQUE (counterparty, object_id, problem)
);
CREATE INDEX reconciliation_breaks_status ON reconciliation_breaks (status, id);
-- The rail's and the provider's records of a day.
CREATE INDEX sandbox_rail_transfers_updated ON sandbox_rail_transfers (updated_at);
CREATE INDEX sandbox_lp_trades_traded ON sandbox_lp_trades (traded_at);
CREATE INDEX fx_settlements_settled ON fx_settlements (settled_at) WHERE status = 'SETTLED';
