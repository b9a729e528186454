-- A payment keeps the standard line's share of the fees its refunds gave back, worked out by the
-- refund (domain.Payment.RefundedStandardFee: the refunded fees pro rata to the standard fee's
-- part of both fees, half-up to the fen). The month close then adds it up with the month's
-- other sums, in its one pass over the payments, instead of reading every refunded payment's
-- fees a second time and splitting them one by one.
ALTER TABLE payments ADD COLUMN refunded_standard_fee numeric NOT NULL DEFAULT 0;

-- Payments refunded before this column: the same share, worked out here once. Division is
-- exact to well past the fen for any fee a payment can carry, so round() here agrees with the
-- domain's half-up rounding; `kjb audit` checks every payment's share against the domain.
UPDATE payments SET refunded_standard_fee = round(refunded_fees * standard_fee / (standard_fee + service_fee), 2)
WHERE refunded_fees > 0 AND standard_fee + service_fee > 0;

-- The second pass's index is no longer read.
DROP INDEX payments_refunded_created;
