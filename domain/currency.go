package domain

import "sort"

// Currency is an ISO 4217 code KJB knows.
type Currency string

// CNH is the offshore RMB wallet that pays 1688 orders; CNY is onshore RMB, used only for
// order amounts and supplier payouts, and cannot be held.
const (
	CNH Currency = "CNH"
	CNY Currency = "CNY"
	USD Currency = "USD"
	EUR Currency = "EUR"
	GBP Currency = "GBP"
	JPY Currency = "JPY"
	KRW Currency = "KRW"
)

// minorUnits lists every currency with its ISO 4217 minor unit. All but CNY are holdable.
var minorUnits = map[Currency]int32{
	"CNH": 2, "CNY": 2,
	"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "AUD": 2, "CAD": 2, "CHF": 2, "HKD": 2,
	"SGD": 2, "NZD": 2, "SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2, "CZK": 2, "HUF": 2,
	"AED": 2, "SAR": 2, "ILS": 2, "ZAR": 2, "MXN": 2, "THB": 2, "MYR": 2, "IDR": 2,
	"PHP": 2, "KRW": 0, "TRY": 2,
}

// ParseCurrency returns the currency for an upper-case ISO code, and false when KJB does not know it.
func ParseCurrency(code string) (Currency, bool) {
	c := Currency(code)
	_, ok := minorUnits[c]
	return c, ok
}

// Known reports whether KJB supports c at all.
func (c Currency) Known() bool { _, ok := minorUnits[c]; return ok }

// MinorUnits is the number of decimal places of c (0 for JPY and KRW, 2 for most).
func (c Currency) MinorUnits() int32 { return minorUnits[c] }

// Holdable reports whether an account may keep a balance in c (every known currency but CNY).
func (c Currency) Holdable() bool { return c.Known() && c != CNY }

// Currencies lists every known currency in alphabetical order.
func Currencies() []Currency {
	out := make([]Currency, 0, len(minorUnits))
	for c := range minorUnits {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
