package domain

import "slices"

// transitions is a state machine: for each status, the statuses it may change to. A status
// missing from the map changes to nothing (it is final).
type transitions[S ~string] map[S][]S

func (t transitions[S]) allows(from, to S) bool { return slices.Contains(t[from], to) }

// orderTransitions: an order is paid or cancelled once; a paid order is completed when its
// payout is paid, or refunded (in part, then in full) while its money is still in escrow.
var orderTransitions = transitions[OrderStatus]{
	OrderAwaitingPayment:   {OrderPaid, OrderCancelled},
	OrderPaid:              {OrderCompleted, OrderPartiallyRefunded, OrderRefunded},
	OrderPartiallyRefunded: {OrderCompleted, OrderPartiallyRefunded, OrderRefunded},
}

// CanBecome reports whether an order in status s may change to next.
func (s OrderStatus) CanBecome(next OrderStatus) bool { return orderTransitions.allows(s, next) }

// paymentTransitions: a payment succeeds once and is then refunded, in part or in full.
var paymentTransitions = transitions[PaymentStatus]{
	PaymentSucceeded:         {PaymentPartiallyRefunded, PaymentRefunded},
	PaymentPartiallyRefunded: {PaymentPartiallyRefunded, PaymentRefunded},
}

// CanBecome reports whether a payment in status s may change to next.
func (s PaymentStatus) CanBecome(next PaymentStatus) bool { return paymentTransitions.allows(s, next) }

// escrowTransitions: money held in escrow leaves it once, to the supplier or back to the buyer.
var escrowTransitions = transitions[EscrowStatus]{
	EscrowHeld: {EscrowReleased, EscrowRefunded},
}

// CanBecome reports whether an escrow in status s may change to next.
func (s EscrowStatus) CanBecome(next EscrowStatus) bool { return escrowTransitions.allows(s, next) }

// payoutTransitions: a payout is submitted to the rail (again, while the rail has not
// answered for good), then paid or failed; an operator may send a failed one back to PENDING.
var payoutTransitions = transitions[PayoutStatus]{
	PayoutPending:   {PayoutSubmitted},
	PayoutSubmitted: {PayoutSubmitted, PayoutPaid, PayoutFailed},
	PayoutFailed:    {PayoutPending},
}

// CanBecome reports whether a payout in status s may change to next.
func (s PayoutStatus) CanBecome(next PayoutStatus) bool { return payoutTransitions.allows(s, next) }
