package domain

import (
	"time"

	"github.com/shopspring/decimal"
)

// AutoConvert is an account's choice to have Cross-border Pay buy the CNH a payment is short
// of from a funding currency, at no wider a spread than MaxSpreadBps. Off by default.
type AutoConvert struct {
	AccountID    string
	Currency     Currency
	MaxSpreadBps Spread
	UpdatedAt    time.Time
}

// PlannedConversion is the conversion a WORLD_PAY payment would book to cover its CNH
// shortfall: Bought is exactly the missing CNH, Sold what that costs in the funding currency
// at Rate (CNH per 1 unit), rounded up to its minor unit. QuoteID is set when a locked quote
// backs it.
type PlannedConversion struct {
	Sold, Bought Money
	Rate         decimal.Decimal
	QuoteID      string
}

// AutoFunding is what decides a shortfall's conversion: the account's setting, the live
// Cross-border Pay spread and the customer rate at it (zero: no current rate), or a quote the
// caller locked for it.
type AutoFunding struct {
	Setting    *AutoConvert
	LiveSpread Spread
	Rate       decimal.Decimal
	Quote      *Quote
}

// cover decides how a WORLD_PAY checkout of total CNH is funded from balances: nothing to
// do when the CNH balance covers it; otherwise the conversion of exactly the shortfall
// (rounded up to the fen), or the reason it cannot be made. Without auto-convert the reason
// is INSUFFICIENT_BALANCE, which keeps meaning "even with auto-convert".
func (f AutoFunding) cover(total Money, balances map[Currency]decimal.Decimal) (*PlannedConversion, []ErrorCode) {
	short := Shortfall(total, balances)
	if short.Sign() == 0 {
		return nil, nil
	}
	need := Money{Amount: short, Currency: CNH}
	switch {
	case f.Quote != nil:
		// A quote the buyer locked: its rate and amounts (the service checks it covers the
		// shortfall).
		q := f.Quote
		if balances[q.Sell.Currency].LessThan(q.Sell.Amount) {
			return nil, []ErrorCode{ReasonInsufficientBalance}
		}
		return &PlannedConversion{Sold: q.Sell, Bought: q.Buy, Rate: q.Rate, QuoteID: q.ID}, nil
	case f.Setting == nil:
		return nil, []ErrorCode{ReasonInsufficientBalance}
	case f.LiveSpread > f.Setting.MaxSpreadBps:
		return nil, []ErrorCode{ReasonAutoConvertSpreadExceeded}
	case f.Rate.Sign() <= 0:
		return nil, []ErrorCode{ReasonRateUnavailable}
	}
	sold := PriceBuy(need, f.Setting.Currency, f.Rate)
	if balances[sold.Currency].LessThan(sold.Amount) {
		return nil, []ErrorCode{ReasonInsufficientBalance}
	}
	return &PlannedConversion{Sold: sold, Bought: need, Rate: f.Rate}, nil
}

// Shortfall is how much CNH a WORLD_PAY checkout of total lacks (zero when covered).
func Shortfall(total Money, balances map[Currency]decimal.Decimal) decimal.Decimal {
	return decimal.Max(decimal.Zero, RoundUp(total.Amount.Sub(balances[CNH]), CNH.MinorUnits()))
}
