package domain

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// Rate is a mid-market rate: Mid units of To per 1 unit of From.
type Rate struct {
	From, To  Currency
	Mid       decimal.Decimal
	Source    string
	UpdatedAt time.Time
}

// Rate sources.
const (
	SourceDefaultTable = "DEFAULT_TABLE"
	SourceOperator     = "OPERATOR"
)

// RateFeed supplies mid rates (a shipped table, an HTTP JSON feed…).
type RateFeed interface {
	Name() string
	Rates(ctx context.Context) ([]Rate, error)
}

// defaultMids are realistic CNH mid rates (CNH per 1 unit), shipped so the sandbox works
// without a feed.
var defaultMids = map[Currency]string{
	"USD": "7.1050", "EUR": "8.2480", "GBP": "9.3520", "JPY": "0.047050", "AUD": "4.6510", "CAD": "5.0830",
	"CHF": "8.9210", "HKD": "0.91320", "SGD": "5.4570", "NZD": "4.1980", "SEK": "0.72140", "NOK": "0.70310",
	"DKK": "1.10560", "PLN": "1.94180", "CZK": "0.33520", "HUF": "0.020510", "AED": "1.93460", "SAR": "1.89470",
	"ILS": "1.95230", "ZAR": "0.40120", "MXN": "0.38540", "THB": "0.21830", "MYR": "1.68120", "IDR": "0.00044580",
	"PHP": "0.12210", "KRW": "0.0051230", "TRY": "0.17240",
}

// DefaultTable is the shipped rate table, as a feed.
type DefaultTable struct{ Clock Clock }

var _ RateFeed = DefaultTable{}

// Name identifies the feed.
func (DefaultTable) Name() string { return SourceDefaultTable }

// Rates returns every holdable currency against CNH.
func (t DefaultTable) Rates(context.Context) ([]Rate, error) {
	now := t.Clock.Now()
	out := make([]Rate, 0, len(defaultMids))
	for _, c := range Currencies() {
		if m, ok := defaultMids[c]; ok {
			out = append(out, Rate{From: c, To: CNH, Mid: decimal.RequireFromString(m), Source: SourceDefaultTable, UpdatedAt: now})
		}
	}
	return out, nil
}

// midPrecision bounds the decimals of derived (inverse and cross) mid rates.
const midPrecision = 12

// RateBook answers mid rates for any pair from the rates it holds: a direct rate, the inverse
// of the opposite one, or a cross through CNH. Stale rates are treated as missing.
type RateBook struct {
	rates  map[[2]Currency]Rate
	fresh  func(Rate) bool
	Oldest time.Time
}

// NewRateBook indexes rates; fresh decides whether a rate may be used.
func NewRateBook(rates []Rate, fresh func(Rate) bool) RateBook {
	b := RateBook{rates: map[[2]Currency]Rate{}, fresh: fresh}
	for _, r := range rates {
		b.rates[[2]Currency{r.From, r.To}] = r
	}
	return b
}

func (b RateBook) direct(from, to Currency) (decimal.Decimal, bool) {
	if from == to {
		return decimal.NewFromInt(1), true
	}
	if r, ok := b.rates[[2]Currency{from, to}]; ok && b.fresh(r) && r.Mid.Sign() > 0 {
		return r.Mid, true
	}
	if r, ok := b.rates[[2]Currency{to, from}]; ok && b.fresh(r) && r.Mid.Sign() > 0 {
		return decimal.NewFromInt(1).DivRound(r.Mid, midPrecision), true
	}
	return decimal.Decimal{}, false
}

// cnhValue is CNH per 1 unit of c, from a fresh rate in either direction.
func (b RateBook) cnhValue(c Currency) (decimal.Decimal, bool) {
	if c == CNH {
		return decimal.NewFromInt(1), true
	}
	if r, ok := b.rates[[2]Currency{c, CNH}]; ok && b.fresh(r) && r.Mid.Sign() > 0 {
		return r.Mid, true
	}
	if r, ok := b.rates[[2]Currency{CNH, c}]; ok && b.fresh(r) && r.Mid.Sign() > 0 {
		return decimal.NewFromInt(1).DivRound(r.Mid, 24), true
	}
	return decimal.Decimal{}, false
}

// Mid returns units of to per 1 from: a rate stored for the pair (either direction), else the
// cross through CNH computed as one division. RATE_UNAVAILABLE when no fresh path exists.
func (b RateBook) Mid(from, to Currency) (decimal.Decimal, error) {
	if m, ok := b.direct(from, to); ok {
		return m, nil
	}
	vf, okF := b.cnhValue(from)
	vt, okT := b.cnhValue(to)
	if okF && okT {
		return vf.DivRound(vt, midPrecision), nil
	}
	return decimal.Decimal{}, Errorf(CodeRateUnavailable, nil, "no current %s/%s rate: try again shortly", from, to)
}

// Spread is a customer margin in basis points.
type Spread int

// Apply returns the customer rate: mid × (1 − spread).
func (s Spread) Apply(mid decimal.Decimal) decimal.Decimal {
	return mid.Mul(decimal.NewFromInt(1).Sub(decimal.New(int64(s), -4)))
}

// PriceSell is what a customer selling exactly sell receives in buy at rate (units of buy
// per 1 sell): rounded down to buy's minor unit.
func PriceSell(sell Money, buy Currency, rate decimal.Decimal) Money {
	return Money{Amount: RoundDown(sell.Amount.Mul(rate), buy.MinorUnits()), Currency: buy}
}

// PriceBuy is what a customer buying exactly buy pays in sell at rate: rounded up to sell's
// minor unit, and never less than what buys the full amount at that rate.
func PriceBuy(buy Money, sell Currency, rate decimal.Decimal) Money {
	minor := sell.MinorUnits()
	pay := RoundUp(buy.Amount.DivRound(rate, 24), minor)
	for pay.Mul(rate).LessThan(buy.Amount) {
		pay = pay.Add(decimal.New(1, -minor))
	}
	return Money{Amount: pay, Currency: sell}
}
