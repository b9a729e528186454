package domain

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// PayoutStatus is where a supplier payout stands.
type PayoutStatus string

const (
	PayoutPending   PayoutStatus = "PENDING"
	PayoutSubmitted PayoutStatus = "SUBMITTED"
	PayoutPaid      PayoutStatus = "PAID"
	PayoutFailed    PayoutStatus = "FAILED"
)

// Payout pays a supplier in CNY what was released from escrow.
type Payout struct {
	ID            string
	PaymentID     string
	OrderID       string
	PartnerID     string
	AccountID     string
	SupplierID    string // the supplier's row id
	Amount        Money  // CNY
	Status        PayoutStatus
	Attempts      int
	RailReference string
	FailureReason string
	CreatedAt     time.Time
	PaidAt        *time.Time
}

// ReleasablePayment is a payment locked for release, with where its supplier is paid.
type ReleasablePayment struct {
	Payment       Payment
	PayoutAccount string
}

// RailTransfer asks the payout rail to pay a supplier.
type RailTransfer struct {
	PayoutID string
	Account  string // the supplier's mainland account; never logged
	Amount   Money
}

// RailResult is the rail's verdict. A transient problem is an error from Transfer instead.
type RailResult struct {
	Paid          bool
	Reference     string
	FailureReason string // set when the rail refused for good
}

// PayoutRail pays suppliers in CNY. Transfer must be idempotent on PayoutID: a payout the rail
// has paid is never paid again, whatever is asked.
type PayoutRail interface {
	Transfer(ctx context.Context, t RailTransfer) (RailResult, error)
}

// BatchPayoutRail is a rail that also takes many transfers in one call, as payout APIs with
// batch endpoints do; it answers each transfer as Transfer would, in order.
type BatchPayoutRail interface {
	PayoutRail
	TransferBatch(ctx context.Context, ts []RailTransfer) ([]RailResult, []error)
}

// TransferAll asks the rail for every transfer: in one call when it takes batches, else one by
// one. It answers each transfer in order, with a result or a transient error.
func TransferAll(ctx context.Context, rail PayoutRail, ts []RailTransfer) ([]RailResult, []error) {
	if b, ok := rail.(BatchPayoutRail); ok && len(ts) > 1 {
		return b.TransferBatch(ctx, ts)
	}
	results, errs := make([]RailResult, len(ts)), make([]error, len(ts))
	for i, t := range ts {
		results[i], errs[i] = rail.Transfer(ctx, t)
	}
	return results, errs
}

// PayoutJob submits a payout to the rail.
type PayoutJob struct {
	PayoutID string `json:"payout_id"`
}

// Kind is stable forever.
func (PayoutJob) Kind() string { return "payout.submit" }

// ReleaseEscrowJob releases a payment's escrow when the hold ends (unless receipt was
// confirmed or the payment refunded first: then it does nothing).
type ReleaseEscrowJob struct {
	PaymentID string    `json:"payment_id"`
	At        time.Time `json:"at"`
}

// Kind is stable forever.
func (ReleaseEscrowJob) Kind() string { return "escrow.release" }

// Schedule runs the job when the hold ends.
func (j ReleaseEscrowJob) Schedule() (time.Time, bool) { return j.At, false }

// ReleaseLedger moves what is left in escrow to the supplier payable.
func ReleaseLedger(p Payment, at time.Time) (LedgerTx, error) {
	amt := p.Remaining()
	return NewLedgerTx(LedgerEscrowRelease, p.ID, at,
		Entry{Book: BookEscrow, Amount: Money{Amount: amt.Neg(), Currency: CNH}},
		Entry{Book: BookSupplierPayable, Amount: Money{Amount: amt, Currency: CNH}})
}

// PayoutLedger records a paid payout: the payable is settled, converting CNH to CNY at par
// inside the house, and the CNY leaves through payout clearing.
func PayoutLedger(p Payout, at time.Time) (LedgerTx, error) {
	a := p.Amount.Amount
	return NewLedgerTx(LedgerPayout, p.ID, at,
		Entry{Book: BookSupplierPayable, Amount: Money{Amount: a.Neg(), Currency: CNH}},
		Entry{Book: BookFXPosition, Amount: Money{Amount: a, Currency: CNH}},
		Entry{Book: BookFXPosition, Amount: Money{Amount: a.Neg(), Currency: CNY}},
		Entry{Book: BookPayoutClearing, Amount: Money{Amount: a, Currency: CNY}})
}

// Refund returns money from escrow to the buyer's original balance.
type Refund struct {
	ID           string
	PaymentID    string
	Amount       Money // CNY of the order refunded
	FeesRefunded Money // CNH
	Credited     Money // what reached the buyer's balance, in the debited currency
	Reason       string
	CreatedAt    time.Time
}

// CodeRefundExceedsPayment is returned for a refund larger than what is left.
const CodeRefundExceedsPayment ErrorCode = "REFUND_EXCEEDS_PAYMENT"

// PlanRefund works out a refund of amount (CNY) of p: the fees pro rata (half-up to the fen),
// and the credit in the debited currency pro rata of the debit (rounded down); the refund that
// empties the escrow takes exactly what is left of both, so a full refund returns every cent.
func PlanRefund(p Payment, amount decimal.Decimal) (fees, credited decimal.Decimal) {
	total := p.TotalFees().Amount
	cur := p.Debited.Currency
	if amount.Equal(p.Remaining()) {
		fees = total.Sub(p.RefundedFees)
		if p.Method == MethodWorldFirstBalance {
			credited = p.Debited.Amount.Sub(p.CreditedBack)
		} else {
			credited = amount.Add(fees)
		}
		return fees, credited
	}
	share := amount.DivRound(p.Amount.Amount, 24)
	fees = RoundHalfUp(total.Mul(share), CNH.MinorUnits())
	if p.Method == MethodWorldFirstBalance {
		credited = RoundDown(p.Debited.Amount.Mul(share), cur.MinorUnits())
	} else {
		credited = amount.Add(fees)
	}
	return fees, credited
}

// RefundLedger returns a refund from escrow (and fee revenue) to the buyer: in CNH for
// Cross-border Pay, or converted back at the original rate through the FX position.
func RefundLedger(p Payment, r Refund) (LedgerTx, error) {
	out := []Entry{{Book: BookEscrow, Amount: Money{Amount: r.Amount.Amount.Neg(), Currency: CNH}}}
	if r.FeesRefunded.Amount.Sign() > 0 {
		out = append(out, Entry{Book: BookFeeRevenue, Amount: Money{Amount: r.FeesRefunded.Amount.Neg(), Currency: CNH}})
	}
	if r.Credited.Currency == CNH {
		out = append(out, Entry{Book: BookCustomer, AccountID: p.AccountID, Amount: r.Credited})
	} else {
		back := r.Amount.Amount.Add(r.FeesRefunded.Amount)
		out = append(out,
			Entry{Book: BookFXPosition, Amount: Money{Amount: back, Currency: CNH}},
			Entry{Book: BookFXPosition, Amount: Money{Amount: r.Credited.Amount.Neg(), Currency: r.Credited.Currency}},
			Entry{Book: BookCustomer, AccountID: p.AccountID, Amount: r.Credited})
	}
	return NewLedgerTx(LedgerRefund, r.ID, r.CreatedAt, out...)
}
