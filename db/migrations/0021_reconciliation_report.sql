-- The partner reconciliation report reads refunds by when they were made and payouts by when
-- they were paid or created.
CREATE INDEX refunds_created ON refunds (created_at);
CREATE INDEX payouts_paid ON payouts (paid_at) WHERE status = 'PAID';
CREATE INDEX payouts_created ON payouts (created_at);
