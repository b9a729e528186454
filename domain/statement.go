package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// MaxStatementSpan is the longest period one statement covers.
const MaxStatementSpan = 366 * 24 * time.Hour

// StatementPeriod names one account statement: the customer ledger lines of one account in
// one currency posted in [From, To).
type StatementPeriod struct {
	AccountID string
	Currency  Currency
	From, To  time.Time
}

// NewStatementPeriod validates a statement request: INVALID_INPUT naming "currency" for a
// currency that cannot be held, "to" when the period is empty, reversed or longer than
// MaxStatementSpan.
func NewStatementPeriod(accountID, currency string, from, to time.Time) (StatementPeriod, error) {
	c, err := ParseHoldable(currency, Field("currency"))
	if err != nil {
		return StatementPeriod{}, err
	}
	if from.IsZero() || to.IsZero() || !from.Before(to) {
		return StatementPeriod{}, Errorf(CodeInvalidInput, Field("to"), "must be after from")
	}
	if to.Sub(from) > MaxStatementSpan {
		return StatementPeriod{}, Errorf(CodeInvalidInput, Field("to"), "a statement covers at most 366 days")
	}
	return StatementPeriod{AccountID: accountID, Currency: c, From: from, To: to}, nil
}

// Statement is the summary of a statement period. Opening is the sum of every line posted
// before From, Closing the sum of every line posted before To, so Opening + TotalIn − TotalOut
// = Closing always.
type Statement struct {
	StatementPeriod
	Opening   Money
	Closing   Money
	TotalIn   Money // the credits of the period (positive)
	TotalOut  Money // the debits of the period (positive)
	Movements int64
	// LastEntryID is the period's last movement (0 when it has none); Seal the ledger seal
	// covering it, nil until the sealing job reaches it.
	LastEntryID int64
	Seal        *Seal
}

// Movement is one statement line with what it records, in words.
type Movement struct {
	StatementLine
	Facts MovementFacts
}

// MovementFacts are the business figures a movement's description is built from; which are set
// depends on the line's kind.
type MovementFacts struct {
	TopUpReference  string
	Sold, Bought    Money // a conversion
	Rate            decimal.Decimal
	OrderExternalID string // a payment or refund
	SupplierName    string
	OrderAmount     Money // the payment's order amount (CNY)
	Fees            Money // the payment's fees (STANDARD + SERVICE), in the debited currency
	RefundAmount    Money // CNY refunded to the order
}

// Description is the line in words, for a statement reader.
func (m Movement) Description() string {
	f := m.Facts
	switch m.Kind {
	case LedgerTopUp:
		return "Top-up, reference " + f.TopUpReference
	case LedgerConversion:
		return fmt.Sprintf("Conversion %s to %s at %s", f.Sold, f.Bought, f.Rate.String())
	case LedgerPayment:
		s := fmt.Sprintf("Payment of 1688 order %s to %s: %s", f.OrderExternalID, f.SupplierName, f.OrderAmount)
		if f.Fees.Amount.Sign() > 0 {
			s += fmt.Sprintf(" + fees %s", f.Fees)
		}
		return s
	case LedgerRefund:
		return fmt.Sprintf("Refund of 1688 order %s from %s: %s", f.OrderExternalID, f.SupplierName, f.RefundAmount)
	}
	return string(m.Kind)
}

// Cursor is the movement's position in its statement: its posting time and line id.
func (m Movement) Cursor() string {
	return m.CreatedAt.UTC().Format(time.RFC3339Nano) + "|" + m.ID
}

// ParseMovementCursor reads a Cursor back; ok is false for anything else.
func ParseMovementCursor(c string) (at time.Time, id int64, ok bool) {
	ts, raw, found := strings.Cut(c, "|")
	if !found {
		return time.Time{}, 0, false
	}
	at, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return time.Time{}, 0, false
	}
	id, err = strconv.ParseInt(raw, 10, 64)
	return at, id, err == nil && id > 0
}
