-- A partner's payments, refunds and paid payouts in a period are read by time within the
-- partner, not over all time; the summed columns ride along so a period is summed from the
-- index alone (index-only scans, once vacuum has marked the pages all-visible).
CREATE INDEX payments_partner_created ON payments (partner_id, created_at)
    INCLUDE (amount, standard_fee, service_fee, refunded_fees, conversion_id);
DROP INDEX IF EXISTS refunds_created;
CREATE INDEX refunds_created ON refunds (created_at) INCLUDE (payment_id, amount);
CREATE INDEX payouts_partner_paid ON payouts (partner_id, paid_at) INCLUDE (amount) WHERE status = 'PAID';
DROP INDEX IF EXISTS payouts_paid;
CREATE INDEX payouts_paid ON payouts (paid_at) INCLUDE (amount) WHERE status = 'PAID';
CREATE INDEX payouts_open_partner ON payouts (partner_id) WHERE status IN ('PENDING', 'SUBMITTED', 'FAILED');
-- Idempotency keys are pruned by age.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
