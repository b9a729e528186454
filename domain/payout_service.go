package domain

import (
	"context"
	"time"
)

// ReleaseOutcome is what one auto-release job learns: how long its hold has left by the
// service's clock (the job waits and comes back), or an error to retry on.
type ReleaseOutcome struct {
	Left time.Duration
	Err  error
}

// ReleaseEscrowsWhenDue works a batch of auto-release jobs, one outcome per job. A job whose
// hold has not ended by the service's clock (the sandbox clock may run apart from the wall clock
// the job was scheduled by) is told how long is left. The due ones are released together: one
// transaction locks their payments in id order, books each release and creates each payout
// already SUBMITTED (attempt 1); then the rail is asked for every transfer, and one more
// transaction records what it answered. A retried job finds its escrow released and drives its
// payout on; a payout that confirmReceipt created has its own job and is left to it; a refunded
// escrow has nothing to pay. Should the batch's transaction fail, each job is tried on its own,
// so one bad payment never holds back the others.
func (s *Service) ReleaseEscrowsWhenDue(ctx context.Context, jobs []ReleaseEscrowJob, rail PayoutRail) []ReleaseOutcome {
	out := make([]ReleaseOutcome, len(jobs))
	alone := func(i int) { out[i] = s.ReleaseEscrowsWhenDue(ctx, jobs[i:i+1], rail)[0] }
	now := s.clock.Now()
	var due, again []int
	seen := map[string]bool{}
	for i, j := range jobs {
		switch left := j.At.Sub(now); {
		case left > 0:
			out[i].Left = left
		case seen[j.PaymentID]:
			again = append(again, i) // the same payment twice: after the first
		default:
			seen[j.PaymentID] = true
			due = append(due, i)
		}
	}
	defer func() {
		for _, i := range again {
			alone(i)
		}
	}()
	if len(due) == 0 {
		return out
	}
	ids := make([]string, len(due))
	for k, i := range due {
		ids[k] = jobs[i].PaymentID
	}
	var submitted []railPayout
	var resubmit map[int]string // job index → payout a previous attempt left SUBMITTED
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		submitted, resubmit = nil, map[int]string{}
		locked, err := tx.LockPaymentsForRelease(ctx, ids)
		if err != nil {
			return err
		}
		byID := make(map[string]ReleasablePayment, len(locked))
		for _, l := range locked {
			byID[l.Payment.ID] = l
		}
		var events []Event
		for _, i := range due {
			l, ok := byID[jobs[i].PaymentID]
			switch {
			case !ok:
				out[i].Err = NotFound("payment", nil)
			case l.Payment.EscrowStatus.CanBecome(EscrowReleased):
				po, err := s.releaseEscrow(ctx, tx, l.Payment, PayoutSubmitted)
				if err != nil {
					return err
				}
				submitted = append(submitted, railPayout{job: i, payout: po, account: l.PayoutAccount})
				events = append(events, payoutEvent(EventPayoutSubmitted, "Payout", po.ID, po))
			default:
				po, err := tx.PayoutByPayment(ctx, l.Payment.ID)
				switch {
				case CodeOf(err) == CodeNotFound: // refunded: nothing to pay out
				case err != nil:
					return err
				case po.Status == PayoutSubmitted:
					resubmit[i] = po.ID
				}
			}
		}
		return s.emit(ctx, tx, events...)
	})
	if err != nil {
		if len(due) == 1 {
			out[due[0]].Err = err
			return out
		}
		for _, i := range due {
			alone(i)
		}
		return out
	}
	for k, err := range s.payThroughRail(ctx, submitted, rail) {
		out[submitted[k].job].Err = err
	}
	for i, payoutID := range resubmit {
		out[i].Err = s.SubmitPayout(ctx, payoutID, rail)
	}
	return out
}

// SubmitPayout pays a payout through the rail (system use: the payout job). It marks the
// payout SUBMITTED in its own transaction, asks the rail (idempotent on the payout id, so a
// worker killed after the transfer never transfers again), then records PAID (ledger, order
// COMPLETED) or FAILED. A transient rail error is returned for the job to retry with backoff.
func (s *Service) SubmitPayout(ctx context.Context, payoutID string, rail PayoutRail) error {
	var po Payout
	var account string
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		var err error
		if po, err = tx.LockPayout(ctx, payoutID, Scope{All: true}); err != nil {
			return err
		}
		if !po.Status.CanBecome(PayoutSubmitted) {
			return nil
		}
		sup, err := tx.SupplierByID(ctx, po.SupplierID, Scope{All: true})
		if err != nil {
			return err
		}
		account = sup.PayoutAccount
		first := po.Status == PayoutPending
		po.Status = PayoutSubmitted
		po.Attempts++
		if err := tx.UpdatePayout(ctx, po); err != nil || !first {
			return err
		}
		return s.emit(ctx, tx, payoutEvent(EventPayoutSubmitted, "Payout", po.ID, po))
	})
	if err != nil || po.Status != PayoutSubmitted {
		return err
	}
	return s.payThroughRail(ctx, []railPayout{{payout: po, account: account}}, rail)[0]
}

// railPayout is a SUBMITTED payout on its way to the rail, with the job that sends it.
type railPayout struct {
	job     int
	payout  Payout
	account string
}

// payThroughRail asks the rail to pay SUBMITTED payouts (idempotent on their ids) and records
// each verdict: PAID (ledger, order COMPLETED) or FAILED. It returns one error per payout: a
// transient rail error, for its job to retry.
func (s *Service) payThroughRail(ctx context.Context, items []railPayout, rail PayoutRail) []error {
	errs := make([]error, len(items))
	if len(items) == 0 {
		return errs
	}
	transfers := make([]RailTransfer, len(items))
	for i, it := range items {
		transfers[i] = RailTransfer{PayoutID: it.payout.ID, Account: it.account, Amount: it.payout.Amount}
	}
	results, railErrs := TransferAll(ctx, rail, transfers)
	var answered []int
	for i, err := range railErrs {
		if errs[i] = err; err == nil {
			answered = append(answered, i)
		}
	}
	if err := s.recordRailResults(ctx, items, results, answered); err != nil {
		if len(answered) == 1 {
			errs[answered[0]] = err
			return errs
		}
		for _, i := range answered {
			errs[i] = s.recordRailResults(ctx, items, results, []int{i})
		}
	}
	return errs
}

// recordRailResults records, in one transaction, the rail's verdicts on the payouts at the
// given indexes; a payout already PAID or FAILED (a concurrent retry recorded it) is left.
func (s *Service) recordRailResults(ctx context.Context, items []railPayout, results []RailResult, which []int) error {
	if len(which) == 0 {
		return nil
	}
	ids := make([]string, len(which))
	for k, i := range which {
		ids[k] = items[i].payout.ID
	}
	return s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		locked, err := tx.LockPayouts(ctx, ids)
		if err != nil {
			return err
		}
		verdicts := make(map[string]RailResult, len(which))
		for _, i := range which {
			verdicts[items[i].payout.ID] = results[i]
		}
		now := s.clock.Now()
		var events []Event
		for _, cur := range locked {
			if cur.Status == PayoutPaid || cur.Status == PayoutFailed {
				continue
			}
			res := verdicts[cur.ID]
			if !res.Paid {
				cur.Status, cur.FailureReason = PayoutFailed, res.FailureReason
				if err := tx.UpdatePayout(ctx, cur); err != nil {
					return err
				}
				events = append(events, payoutEvent(EventPayoutFailed, "Payout", cur.ID, cur))
				continue
			}
			cur.Status, cur.RailReference, cur.PaidAt, cur.FailureReason = PayoutPaid, res.Reference, &now, ""
			l, err := PayoutLedger(cur, now)
			if err != nil {
				return err
			}
			if err := tx.PostLedger(ctx, l); err != nil {
				return err
			}
			if err := tx.UpdatePayout(ctx, cur); err != nil {
				return err
			}
			if err := tx.SetOrderStatus(ctx, cur.OrderID, OrderCompleted, now); err != nil {
				return err
			}
			events = append(events, payoutEvent(EventPayoutPaid, "Payout", cur.ID, cur), payoutEvent(EventOrderCompleted, "Order", cur.OrderID, cur))
		}
		return s.emit(ctx, tx, events...)
	})
}

// ConfirmReceipt releases a paid order's escrow to its supplier (the auto-release job then
// does nothing). PARTNER (its orders) or OPERATOR. Confirming again changes nothing;
// INVALID_STATE for an order that was never paid, or was fully refunded.
func (s *Service) ConfirmReceipt(ctx context.Context, actor Actor, orderID string) (Order, error) {
	return s.changeOrder(ctx, actor, ActConfirmReceipt, orderID, func(ctx context.Context, tx Tx, o *Order) error {
		if o.Status != OrderCompleted && !o.Status.CanBecome(OrderCompleted) {
			return Errorf(CodeInvalidState, Field("orderId"), "receipt can only be confirmed for a paid order; this one is %s", o.Status)
		}
		p, err := tx.LockPaymentByOrder(ctx, o.ID)
		if err != nil {
			return err
		}
		return s.release(ctx, tx, p)
	})
}

// release moves what is left in escrow to the supplier payable, creates the payout and
// enqueues its submission, once: a released or refunded escrow is left alone.
func (s *Service) release(ctx context.Context, tx Tx, p Payment) error {
	if !p.EscrowStatus.CanBecome(EscrowReleased) {
		return nil
	}
	po, err := s.releaseEscrow(ctx, tx, p, PayoutPending)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, PayoutJob{PayoutID: po.ID})
}

// releaseEscrow books the release and creates the payout in the given status.
func (s *Service) releaseEscrow(ctx context.Context, tx Tx, p Payment, status PayoutStatus) (Payout, error) {
	now := s.clock.Now()
	l, err := ReleaseLedger(p, now)
	if err != nil {
		return Payout{}, err
	}
	if err := tx.PostLedger(ctx, l); err != nil {
		return Payout{}, err
	}
	p.EscrowStatus, p.ReleasedAt = EscrowReleased, &now
	if err := tx.UpdatePayment(ctx, p); err != nil {
		return Payout{}, err
	}
	po := Payout{PaymentID: p.ID, OrderID: p.OrderID, PartnerID: p.PartnerID, AccountID: p.AccountID, SupplierID: p.SupplierID,
		Amount: Money{Amount: p.Remaining(), Currency: CNY}, Status: status, CreatedAt: now}
	if status == PayoutSubmitted {
		po.Attempts = 1
	}
	return po, tx.InsertPayout(ctx, &po)
}

// RetryPayout re-drives a FAILED payout (after the supplier's account was fixed). OPERATOR
// only. INVALID_STATE unless FAILED.
func (s *Service) RetryPayout(ctx context.Context, actor Actor, payoutID string) (Payout, error) {
	if err := actor.Can(ActRetryPayout); err != nil {
		return Payout{}, err
	}
	var out Payout
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		po, err := tx.LockPayout(ctx, payoutID, Scope{All: true})
		if err != nil {
			return notFoundAs(err, "payout", Field("payoutId"))
		}
		if !po.Status.CanBecome(PayoutPending) {
			return Errorf(CodeInvalidState, Field("payoutId"), "only a FAILED payout can be retried; this one is %s", po.Status)
		}
		po.Status, po.FailureReason = PayoutPending, ""
		if err := tx.UpdatePayout(ctx, po); err != nil {
			return err
		}
		out = po
		return tx.Enqueue(ctx, PayoutJob{PayoutID: po.ID})
	})
	return out, err
}

// Payout returns a payout within the actor's scope (partners: their orders'; accounts: none).
func (s *Service) Payout(ctx context.Context, actor Actor, id string) (Payout, error) {
	if err := actor.Can(ActReadPayout); err != nil {
		return Payout{}, err
	}
	return s.store.Queries().Payout(ctx, id, actor.Scope())
}

// PayoutOfPayment returns a payment's payout, if released.
func (s *Service) PayoutOfPayment(ctx context.Context, actor Actor, paymentID string) (Payout, error) {
	if _, err := s.Payment(ctx, actor, paymentID); err != nil {
		return Payout{}, err
	}
	return s.store.Queries().PayoutByPayment(ctx, paymentID)
}

// Payouts lists payouts within the actor's scope, newest first.
func (s *Service) Payouts(ctx context.Context, actor Actor, status PayoutStatus, page Page) (Slice[Payout], error) {
	if err := actor.Can(ActListPayouts); err != nil {
		return Slice[Payout]{}, err
	}
	rows, err := s.store.Reports().Payouts(ctx, actor.Scope(), status, page)
	return Cut(rows, page), err
}

// PayoutSupplier returns the supplier of a payout the actor may see.
func (s *Service) PayoutSupplier(ctx context.Context, actor Actor, payoutID string) (Supplier, error) {
	po, err := s.Payout(ctx, actor, payoutID)
	if err != nil {
		return Supplier{}, err
	}
	return s.store.Queries().SupplierByID(ctx, po.SupplierID, Scope{All: true})
}

// payoutEvent describes a payout-flow event of po.
func payoutEvent(typ, objectType, objectID string, po Payout) Event {
	return Event{Type: typ, ObjectType: objectType, ObjectID: objectID, AccountID: po.AccountID, PartnerID: po.PartnerID, PaymentID: po.PaymentID}
}
