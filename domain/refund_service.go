package domain

import (
	"context"
)

// RefundInput is what refundOrder accepts; Amount is raw client input in CNY (nil = all that
// is left).
type RefundInput struct {
	OrderID        string
	Amount         *AmountInput
	Reason         string
	IdempotencyKey string
}

// validate parses the amount (CNY, nil = all that is left) and bounds the reason.
func (in RefundInput) validate() (*Money, error) {
	var amount *Money
	if in.Amount != nil {
		m, err := ParseAmountIn(*in.Amount, CNY, Field("amount"))
		if err != nil {
			return nil, err
		}
		amount = &m
	}
	if len(in.Reason) > 500 {
		return nil, Errorf(CodeInvalidInput, Field("reason"), "must be at most 500 characters")
	}
	return amount, nil
}

// RefundOrder returns money from escrow (before release only) to the buyer's original balance
// and currency, fees pro rata. PARTNER (its orders) or OPERATOR. REFUND_EXCEEDS_PAYMENT for more
// than is left; INVALID_STATE after release or for an unpaid order. Idempotent on the key.
func (s *Service) RefundOrder(ctx context.Context, actor Actor, in RefundInput) (Refund, Payment, error) {
	if err := actor.Can(ActRefundOrder); err != nil {
		return Refund{}, Payment{}, err
	}
	amount, err := in.validate()
	if err != nil {
		return Refund{}, Payment{}, err
	}
	var out Refund
	var paid Payment
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		amt := ""
		if amount != nil {
			amt = amount.Amount.String()
		}
		prior, err := claimKey(ctx, tx, actor, in.IdempotencyKey, "refundOrder", RequestHash("refundOrder", in.OrderID, amt, in.Reason))
		if err != nil {
			return err
		}
		if prior != "" {
			if out, err = tx.Refund(ctx, prior); err != nil {
				return err
			}
			paid, err = tx.Payment(ctx, out.PaymentID, Scope{All: true})
			return err
		}
		o, p, err := lockRefundable(ctx, tx, actor, in.OrderID)
		if err != nil {
			return err
		}
		r, err := s.planRefund(p, amount, in.Reason)
		if err != nil {
			return err
		}
		if err := s.bookRefund(ctx, tx, o, &p, &r); err != nil {
			return err
		}
		out, paid = r, p
		return tx.SetIdempotencyResult(ctx, actor.Principal(), in.IdempotencyKey, r.ID)
	})
	return out, paid, err
}

// lockRefundable locks an order within the actor's scope and its payment, whose money must
// still be in escrow. NOT_FOUND outside the scope; INVALID_STATE for an unpaid order or an
// escrow already released or refunded.
func lockRefundable(ctx context.Context, tx Tx, actor Actor, orderID string) (Order, Payment, error) {
	o, err := tx.LockOrder(ctx, orderID, actor.Scope())
	if err != nil {
		return Order{}, Payment{}, notFoundAs(err, "order", Field("orderId"))
	}
	p, err := tx.LockPaymentByOrder(ctx, o.ID)
	if CodeOf(err) == CodeNotFound {
		return Order{}, Payment{}, Errorf(CodeInvalidState, Field("orderId"), "the order has not been paid")
	} else if err != nil {
		return Order{}, Payment{}, err
	}
	if !p.EscrowStatus.CanBecome(EscrowRefunded) {
		return Order{}, Payment{}, Errorf(CodeInvalidState, Field("orderId"), "only money still in escrow can be refunded; escrow is %s", p.EscrowStatus)
	}
	return o, p, nil
}

// planRefund sizes a refund of amount (nil = all that is left) of p: the fees returned pro
// rata and what the buyer is credited in the currency it paid with. REFUND_EXCEEDS_PAYMENT
// beyond what is left; INVALID_INPUT for an amount that credits nothing.
func (s *Service) planRefund(p Payment, amount *Money, reason string) (Refund, error) {
	want := p.Remaining()
	if amount != nil {
		want = amount.Amount
	}
	if want.GreaterThan(p.Remaining()) {
		return Refund{}, Errorf(CodeRefundExceedsPayment, Field("amount"), "at most CNY %s is left to refund", FormatAmount(p.Remaining(), CNY))
	}
	fees, credited := PlanRefund(p, want)
	if credited.Sign() <= 0 {
		return Refund{}, Errorf(CodeInvalidInput, Field("amount"), "is too small to refund in %s", p.Debited.Currency)
	}
	return Refund{PaymentID: p.ID, Amount: Money{Amount: want, Currency: CNY}, FeesRefunded: Money{Amount: fees, Currency: CNH},
		Credited: Money{Amount: credited, Currency: p.Debited.Currency}, Reason: reason, CreatedAt: s.clock.Now()}, nil
}

// bookRefund stores the refund, frees its amount from the link's spending, posts its ledger
// transaction, and moves the payment, its escrow and its order along their state machines (in
// full once nothing is left), with events.
func (s *Service) bookRefund(ctx context.Context, tx Tx, o Order, p *Payment, r *Refund) error {
	// The payment's fees net of refunded fees count on its own day, which may be rolled up.
	// First, before the buyer's balance is locked: it may wait for a roll-up to finish.
	if err := tx.LowerSummaryFees(ctx, p.PartnerID, p.CreatedAt, r.FeesRefunded.Amount); err != nil {
		return err
	}
	if err := tx.InsertRefund(ctx, r); err != nil {
		return err
	}
	// The refunded amount comes off the spending of the payment's link in the payment's day
	// and month; its rows are locked before the balance's, as a payment locks them.
	if err := tx.FreeLinkSpending(ctx, p.ID, SpendingPeriodOf(p.CreatedAt), r.Amount.Amount); err != nil {
		return err
	}
	l, err := RefundLedger(*p, *r)
	if err != nil {
		return err
	}
	if err := tx.PostLedger(ctx, l); err != nil {
		return err
	}
	p.RefundedAmount = p.RefundedAmount.Add(r.Amount.Amount)
	p.RefundedFees = p.RefundedFees.Add(r.FeesRefunded.Amount)
	p.CreditedBack = p.CreditedBack.Add(r.Credited.Amount)
	order, payment, escrow := OrderPartiallyRefunded, PaymentPartiallyRefunded, p.EscrowStatus
	if p.Remaining().IsZero() {
		order, payment, escrow = OrderRefunded, PaymentRefunded, EscrowRefunded
	}
	if !p.Status.CanBecome(payment) || (escrow != p.EscrowStatus && !p.EscrowStatus.CanBecome(escrow)) {
		return Errorf(CodeInvalidState, Field("orderId"), "a payment that is %s cannot become %s", p.Status, payment)
	}
	p.Status, p.EscrowStatus = payment, escrow
	if err := tx.UpdatePayment(ctx, *p); err != nil {
		return err
	}
	if err := moveOrder(ctx, tx, o, order, r.CreatedAt); err != nil {
		return err
	}
	events := []Event{paymentEvent(EventRefundSucceeded, "Refund", r.ID, *p)}
	if order == OrderRefunded {
		events = append(events, paymentEvent(EventOrderRefunded, "Order", o.ID, *p))
	}
	return s.emit(ctx, tx, events...)
}

// RefundByID returns a refund of a payment the actor may see.
func (s *Service) RefundByID(ctx context.Context, actor Actor, id string) (Refund, error) {
	if err := actor.Can(ActReadPayment); err != nil {
		return Refund{}, err
	}
	r, err := s.store.Queries().Refund(ctx, id)
	if err != nil {
		return Refund{}, err
	}
	if _, err := s.Payment(ctx, actor, r.PaymentID); err != nil {
		return Refund{}, err
	}
	return r, nil
}

// Refunds lists a payment's refunds (the payment is checked for scope).
func (s *Service) Refunds(ctx context.Context, actor Actor, paymentID string) ([]Refund, error) {
	if _, err := s.Payment(ctx, actor, paymentID); err != nil {
		return nil, err
	}
	return s.store.Queries().Refunds(ctx, paymentID)
}
