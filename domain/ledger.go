package domain

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// Book is a ledger account class. BookCustomer entries belong to one KJB account and move its
// balance; every other book is a house account whose balance is derived from its entries
// (no row is updated per transaction, so house accounts never serialise payments).
type Book string

const (
	BookCustomer        Book = "CUSTOMER"
	BookTopUpClearing   Book = "TOP_UP_CLEARING"
	BookFeeRevenue      Book = "FEE_REVENUE"
	BookEscrow          Book = "ESCROW"
	BookSupplierPayable Book = "SUPPLIER_PAYABLE"
	BookFXPosition      Book = "FX_POSITION"
	BookPayoutClearing  Book = "PAYOUT_CLEARING"
)

// LedgerKind says what business event a ledger transaction records.
type LedgerKind string

const (
	LedgerTopUp LedgerKind = "TOP_UP"
)

// LedgerRef names the ledger transaction that records one business event: its kind and the
// id of the object it is about.
type LedgerRef struct {
	Kind      LedgerKind
	Reference string
}

// Entry is one signed line of a ledger transaction. For BookCustomer a positive amount adds
// to the account's balance and a negative one takes from it.
type Entry struct {
	Book      Book
	AccountID string // set for BookCustomer only
	Amount    Money
}

// LedgerTx is one balanced ledger transaction.
type LedgerTx struct {
	Kind      LedgerKind
	Reference string // id of the business row it records
	Entries   []Entry
	CreatedAt time.Time
}

// NewLedgerTx builds a ledger transaction and checks the double-entry rules: at least two
// entries, no zero line, customer lines name their account, amounts fit their currency's
// minor unit, and entries sum to zero per currency.
func NewLedgerTx(kind LedgerKind, reference string, at time.Time, entries ...Entry) (LedgerTx, error) {
	if len(entries) < 2 {
		return LedgerTx{}, fmt.Errorf("ledger: %s %s has %d entries, want at least 2", kind, reference, len(entries))
	}
	sums := map[Currency]decimal.Decimal{}
	for _, e := range entries {
		if e.Amount.Amount.IsZero() {
			return LedgerTx{}, fmt.Errorf("ledger: %s %s has a zero entry", kind, reference)
		}
		if (e.Book == BookCustomer) != (e.AccountID != "") {
			return LedgerTx{}, fmt.Errorf("ledger: %s %s: only customer entries name an account", kind, reference)
		}
		if !e.Amount.Amount.Equal(e.Amount.Amount.Truncate(e.Amount.Currency.MinorUnits())) {
			return LedgerTx{}, fmt.Errorf("ledger: %s %s: %s is finer than the currency's minor unit", kind, reference, e.Amount)
		}
		sums[e.Amount.Currency] = sums[e.Amount.Currency].Add(e.Amount.Amount)
	}
	for c, s := range sums {
		if !s.IsZero() {
			return LedgerTx{}, fmt.Errorf("ledger: %s %s is unbalanced in %s by %s", kind, reference, c, s)
		}
	}
	return LedgerTx{Kind: kind, Reference: reference, Entries: entries, CreatedAt: at}, nil
}

// StatementLine is one posted customer entry, as an account statement shows it.
type StatementLine struct {
	ID           string
	AccountID    string
	Amount       Money // signed: positive credits the account
	BalanceAfter Money
	Kind         LedgerKind
	Reference    string
	CreatedAt    time.Time
}

// Violation is one breach of a ledger invariant found by an audit.
type Violation struct {
	Check  string
	Detail string
}
