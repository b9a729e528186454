package domain

import "testing"

func TestStatusMachines(t *testing.T) {
	t.Parallel()
	type step struct {
		name string
		ok   bool
		got  bool
	}
	steps := []step{
		{"order AWAITING_PAYMENT→PAID", true, OrderAwaitingPayment.CanBecome(OrderPaid)},
		{"order AWAITING_PAYMENT→CANCELLED", true, OrderAwaitingPayment.CanBecome(OrderCancelled)},
		{"order AWAITING_PAYMENT→COMPLETED", false, OrderAwaitingPayment.CanBecome(OrderCompleted)},
		{"order PAID→PAID", false, OrderPaid.CanBecome(OrderPaid)},
		{"order PAID→CANCELLED", false, OrderPaid.CanBecome(OrderCancelled)},
		{"order PAID→PARTIALLY_REFUNDED", true, OrderPaid.CanBecome(OrderPartiallyRefunded)},
		{"order PARTIALLY_REFUNDED→PARTIALLY_REFUNDED", true, OrderPartiallyRefunded.CanBecome(OrderPartiallyRefunded)},
		{"order PARTIALLY_REFUNDED→COMPLETED", true, OrderPartiallyRefunded.CanBecome(OrderCompleted)},
		{"order CANCELLED→PAID", false, OrderCancelled.CanBecome(OrderPaid)},
		{"order REFUNDED→COMPLETED", false, OrderRefunded.CanBecome(OrderCompleted)},
		{"order COMPLETED→REFUNDED", false, OrderCompleted.CanBecome(OrderRefunded)},
		{"payment SUCCEEDED→REFUNDED", true, PaymentSucceeded.CanBecome(PaymentRefunded)},
		{"payment REFUNDED→PARTIALLY_REFUNDED", false, PaymentRefunded.CanBecome(PaymentPartiallyRefunded)},
		{"payment PARTIALLY_REFUNDED→SUCCEEDED", false, PaymentPartiallyRefunded.CanBecome(PaymentSucceeded)},
		{"escrow HELD→RELEASED", true, EscrowHeld.CanBecome(EscrowReleased)},
		{"escrow HELD→REFUNDED", true, EscrowHeld.CanBecome(EscrowRefunded)},
		{"escrow RELEASED→REFUNDED", false, EscrowReleased.CanBecome(EscrowRefunded)},
		{"escrow REFUNDED→RELEASED", false, EscrowRefunded.CanBecome(EscrowReleased)},
		{"payout PENDING→SUBMITTED", true, PayoutPending.CanBecome(PayoutSubmitted)},
		{"payout PENDING→PAID", false, PayoutPending.CanBecome(PayoutPaid)},
		{"payout SUBMITTED→SUBMITTED", true, PayoutSubmitted.CanBecome(PayoutSubmitted)},
		{"payout SUBMITTED→FAILED", true, PayoutSubmitted.CanBecome(PayoutFailed)},
		{"payout FAILED→PENDING", true, PayoutFailed.CanBecome(PayoutPending)},
		{"payout FAILED→SUBMITTED", false, PayoutFailed.CanBecome(PayoutSubmitted)},
		{"payout PAID→PENDING", false, PayoutPaid.CanBecome(PayoutPending)},
		{"payout PAID→FAILED", false, PayoutPaid.CanBecome(PayoutFailed)},
	}
	for _, s := range steps {
		if s.got != s.ok {
			t.Errorf("%s: allowed=%v, want %v", s.name, s.got, s.ok)
		}
	}
}
