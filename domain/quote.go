package domain

import (
	"time"

	"github.com/shopspring/decimal"
)

// QuoteStatus is where a quote stands.
type QuoteStatus string

const (
	QuoteOpen     QuoteStatus = "OPEN"
	QuoteExecuted QuoteStatus = "EXECUTED"
	QuoteExpired  QuoteStatus = "EXPIRED"
)

// Quote locks a customer rate for one conversion until ExpiresAt.
type Quote struct {
	ID        string
	AccountID string
	Sell      Money
	Buy       Money
	Rate      decimal.Decimal // customer rate, units of Buy per 1 Sell
	MidRate   decimal.Decimal
	SpreadBps Spread
	ExpiresAt time.Time
	Executed  bool
	CreatedAt time.Time
}

// Status derives the quote's state at now.
func (q Quote) Status(now time.Time) QuoteStatus {
	switch {
	case q.Executed:
		return QuoteExecuted
	case !now.Before(q.ExpiresAt):
		return QuoteExpired
	}
	return QuoteOpen
}

// CreateQuoteInput is what createQuote accepts; amounts are raw client input.
type CreateQuoteInput struct {
	AccountID    string
	SellCurrency string
	BuyCurrency  string
	SellAmount   *AmountInput // in SellCurrency
	BuyAmount    *AmountInput // in BuyCurrency
}

// validate parses the currencies and the one fixed amount.
func (in CreateQuoteInput) validate() (sellCur, buyCur Currency, fixed Money, sellFixed bool, err error) {
	var errs Errors
	add := func(e error) {
		if e != nil {
			errs = append(errs, e.(*Error))
		}
	}
	sellCur, e1 := ParseHoldable(in.SellCurrency, Field("sellCurrency"))
	buyCur, e2 := ParseHoldable(in.BuyCurrency, Field("buyCurrency"))
	add(e1)
	add(e2)
	if e1 == nil && e2 == nil && sellCur == buyCur {
		add(Errorf(CodeInvalidInput, Field("buyCurrency"), "must differ from sellCurrency"))
	}
	switch {
	case (in.SellAmount == nil) == (in.BuyAmount == nil):
		add(Errorf(CodeInvalidInput, Field("sellAmount"), "give exactly one of sellAmount and buyAmount"))
	case in.SellAmount != nil && e1 == nil:
		fixed, err = ParseAmountIn(*in.SellAmount, sellCur, Field("sellAmount"))
		add(err)
		sellFixed = true
	case in.BuyAmount != nil && e2 == nil:
		fixed, err = ParseAmountIn(*in.BuyAmount, buyCur, Field("buyAmount"))
		add(err)
	}
	return sellCur, buyCur, fixed, sellFixed, errs.Err()
}

// ConversionStatus is where a conversion stands.
type ConversionStatus string

const (
	ConversionBooked  ConversionStatus = "BOOKED"
	ConversionSettled ConversionStatus = "SETTLED"
)

// Conversion is an executed exchange between two of an account's balances.
type Conversion struct {
	ID        string
	QuoteID   string // empty for conversions inside a payment
	AccountID string
	Sold      Money
	Bought    Money
	Rate      decimal.Decimal
	Status    ConversionStatus
	CreatedAt time.Time
	SettledAt *time.Time
}

// LedgerConversion is the ledger kind of a conversion.
const LedgerConversion LedgerKind = "CONVERSION"

// ConversionLedger books a conversion: the customer's sold currency goes to the house FX
// position, the bought currency comes from it.
func ConversionLedger(c Conversion) (LedgerTx, error) {
	return NewLedgerTx(LedgerConversion, c.ID, c.CreatedAt,
		Entry{Book: BookCustomer, AccountID: c.AccountID, Amount: Money{Amount: c.Sold.Amount.Neg(), Currency: c.Sold.Currency}},
		Entry{Book: BookFXPosition, Amount: c.Sold},
		Entry{Book: BookFXPosition, Amount: Money{Amount: c.Bought.Amount.Neg(), Currency: c.Bought.Currency}},
		Entry{Book: BookCustomer, AccountID: c.AccountID, Amount: c.Bought})
}
