package domain

import (
	"time"

	"github.com/shopspring/decimal"
)

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
