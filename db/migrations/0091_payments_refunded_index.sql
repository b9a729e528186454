-- The month close reads, besides its per-account totals, the fees of each payment of the month
-- with refunded fees (to split them pro rata). Those are the few refunded payments: a partial
-- index carrying what the close reads makes that an index-only range instead of a second pass
-- over every payment of the month. Payments enter it only when refunded.
CREATE INDEX payments_refunded_created ON payments (created_at)
    INCLUDE (account_id, standard_fee, service_fee, refunded_fees) WHERE refunded_fees > 0;
