package domain

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// SettlementStatus is where a settlement with the liquidity provider stands.
type SettlementStatus string

const (
	SettlementPending SettlementStatus = "PENDING"
	SettlementSettled SettlementStatus = "SETTLED"
)

// Settlement nets every booked conversion of one currency pair (Base < Quote, by code) in one
// window into a single trade with the liquidity provider.
type Settlement struct {
	ID    string
	Base  Currency
	Quote Currency
	// BaseNet is the base the house took in from customers, net: positive means the house
	// sells that much base to the provider, negative that it buys it.
	BaseNet     decimal.Decimal
	Conversions int
	WindowEnd   time.Time
	Status      SettlementStatus
	Mid         decimal.Decimal
	QuoteAmount decimal.Decimal // quote received from the provider (negative: paid)
	ProviderRef string
	CreatedAt   time.Time
	SettledAt   *time.Time
}

// LiquidityTrade is one netted trade: the house sells Base (negative: buys) for Quote at Mid.
type LiquidityTrade struct {
	SettlementID string
	Base         Money
	Quote        Currency
	Mid          decimal.Decimal
}

// LiquidityFill is the provider's confirmation.
type LiquidityFill struct {
	Reference   string
	Mid         decimal.Decimal
	QuoteAmount decimal.Decimal // received (negative: paid)
}

// LiquidityProvider trades the house's net FX positions. Trade must be idempotent on
// SettlementID: asking again returns the first fill and trades nothing more.
type LiquidityProvider interface {
	Trade(ctx context.Context, t LiquidityTrade) (LiquidityFill, error)
}

// FillAt is the provider-side arithmetic at mid: selling base the house receives quote
// rounded down; buying base it pays quote rounded up.
func FillAt(base decimal.Decimal, quote Currency, mid decimal.Decimal) decimal.Decimal {
	if base.Sign() >= 0 {
		return RoundDown(base.Mul(mid), quote.MinorUnits())
	}
	// base < 0: the product is negative; rounding it away from zero pays the provider in full.
	return RoundUp(base.Mul(mid), quote.MinorUnits())
}

// LedgerFXSettlement is the ledger kind of a settlement with the provider.
const LedgerFXSettlement LedgerKind = "FX_SETTLEMENT"

// BookLiquidityProvider is the house's account with its liquidity provider.
const BookLiquidityProvider Book = "LIQUIDITY_PROVIDER"

// SettlementLedger moves the netted position from the FX position to the provider.
// ok is false when there is nothing to book (the pair netted to zero).
func SettlementLedger(s Settlement, at time.Time) (LedgerTx, bool, error) {
	if s.BaseNet.IsZero() && s.QuoteAmount.IsZero() {
		return LedgerTx{}, false, nil
	}
	var entries []Entry
	if !s.BaseNet.IsZero() {
		entries = append(entries,
			Entry{Book: BookFXPosition, Amount: Money{Amount: s.BaseNet.Neg(), Currency: s.Base}},
			Entry{Book: BookLiquidityProvider, Amount: Money{Amount: s.BaseNet, Currency: s.Base}})
	}
	if !s.QuoteAmount.IsZero() {
		entries = append(entries,
			Entry{Book: BookFXPosition, Amount: Money{Amount: s.QuoteAmount, Currency: s.Quote}},
			Entry{Book: BookLiquidityProvider, Amount: Money{Amount: s.QuoteAmount.Neg(), Currency: s.Quote}})
	}
	l, err := NewLedgerTx(LedgerFXSettlement, s.ID, at, entries...)
	return l, true, err
}

// ConversionFlow is what customers' booked conversions of one direction (Sold → Bought) add up
// to in a settlement window: the amounts sold and bought, and the conversions.
type ConversionFlow struct {
	Sold, Bought             Currency
	SoldAmount, BoughtAmount decimal.Decimal
	ConversionIDs            []string
}

// SettlementBatch is a new settlement and the conversions it settles.
type SettlementBatch struct {
	Settlement
	ConversionIDs []string
}

// NetConversions nets booked conversions per unordered currency pair (Base < Quote, by code)
// into one PENDING settlement each: the base the house took in (sold by customers) minus the
// base it paid out (bought by customers). Pairs come out ordered by (Base, Quote).
func NetConversions(flows []ConversionFlow, windowEnd, now time.Time) []SettlementBatch {
	byPair := map[[2]Currency]int{}
	var out []SettlementBatch
	for _, f := range flows {
		base, quote, baseIn := f.Sold, f.Bought, f.SoldAmount
		if f.Bought < f.Sold {
			base, quote, baseIn = f.Bought, f.Sold, f.BoughtAmount.Neg()
		}
		i, ok := byPair[[2]Currency{base, quote}]
		if !ok {
			i = len(out)
			byPair[[2]Currency{base, quote}] = i
			out = append(out, SettlementBatch{Settlement: Settlement{Base: base, Quote: quote, WindowEnd: windowEnd,
				Status: SettlementPending, CreatedAt: now}})
		}
		out[i].BaseNet = out[i].BaseNet.Add(baseIn)
		out[i].Conversions += len(f.ConversionIDs)
		out[i].ConversionIDs = append(out[i].ConversionIDs, f.ConversionIDs...)
	}
	slices.SortFunc(out, func(a, b SettlementBatch) int {
		return cmp.Or(cmp.Compare(a.Base, b.Base), cmp.Compare(a.Quote, b.Quote))
	})
	return out
}
