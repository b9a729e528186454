package domain

import (
	"context"
	"time"
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
