package domain

import (
	"slices"
	"testing"

	"github.com/shopspring/decimal"
)

// TestAutoConvertShortfall: a WORLD_PAY checkout short of CNH buys exactly the shortfall, to
// the fen, paying for it in the funding currency rounded up to its minor unit; or says why
// it cannot.
func TestAutoConvertShortfall(t *testing.T) {
	t.Parallel()
	usd := func(max Spread) *AutoConvert { return &AutoConvert{AccountID: "a", Currency: USD, MaxSpreadBps: max} }
	tests := []struct {
		name      string
		cnh, fund string // balances: CNH, and the funding currency
		funding   AutoFunding
		cur       Currency
		reasons   []ErrorCode
		sold      string // "" when no conversion is planned
		bought    string
	}{
		{"the balance covers it: nothing to convert", "1006.00", "100", AutoFunding{Setting: usd(30), LiveSpread: 30, Rate: d("7")}, USD, nil, "", ""},
		{"auto-convert off", "1000.00", "100", AutoFunding{LiveSpread: 30}, USD, []ErrorCode{ReasonInsufficientBalance}, "", ""},
		{"6.00 short at 7: 0.857… rounds up to 0.86", "1000.00", "100", AutoFunding{Setting: usd(30), LiveSpread: 30, Rate: d("7")}, USD, nil, "0.86", "6.00"},
		{"one fen short still buys one fen", "1005.99", "100", AutoFunding{Setting: usd(30), LiveSpread: 30, Rate: d("7")}, USD, nil, "0.01", "0.01"},
		{"an exact price is not rounded up", "998.50", "100", AutoFunding{Setting: usd(30), LiveSpread: 30, Rate: d("7.5")}, USD, nil, "1.00", "7.50"},
		{"no CNH at all", "0", "1000", AutoFunding{Setting: usd(30), LiveSpread: 30, Rate: d("7.0837")}, USD, nil, "142.02", "1006.00"},
		{"a zero-decimal currency rounds up to the yen", "1000.00", "1000",
			AutoFunding{Setting: &AutoConvert{Currency: JPY, MaxSpreadBps: 50}, LiveSpread: 30, Rate: d("0.047")}, JPY, nil, "128", "6.00"},
		{"the spread at the account's maximum", "1000.00", "100", AutoFunding{Setting: usd(30), LiveSpread: 30, Rate: d("7")}, USD, nil, "0.86", "6.00"},
		{"the spread beyond the account's maximum", "1000.00", "100", AutoFunding{Setting: usd(29), LiveSpread: 30, Rate: d("7")}, USD,
			[]ErrorCode{ReasonAutoConvertSpreadExceeded}, "", ""},
		{"a stale rate", "1000.00", "100", AutoFunding{Setting: usd(30), LiveSpread: 30}, USD, []ErrorCode{ReasonRateUnavailable}, "", ""},
		{"the funding balance is one cent short", "1000.00", "0.85", AutoFunding{Setting: usd(30), LiveSpread: 30, Rate: d("7")}, USD,
			[]ErrorCode{ReasonInsufficientBalance}, "", ""},
		{"a quote funds it at its own rate", "1000.00", "10", AutoFunding{Setting: usd(0), LiveSpread: 30,
			Quote: &Quote{ID: "q", Sell: Money{d("1.00"), USD}, Buy: Money{d("7.08"), CNH}, Rate: d("7.08")}}, USD, nil, "1.00", "7.08"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := checkoutOf(tc.cnh, "1000.00")
			c[0].Balances[tc.cur] = d(tc.fund)
			c[0].Funding = tc.funding
			opt := c.Option(MethodWorldPay)
			if !slices.Equal(opt.Reasons, tc.reasons) || opt.Available != (len(tc.reasons) == 0) {
				t.Fatalf("reasons %v, available %v", opt.Reasons, opt.Available)
			}
			single := c[0].Option(MethodWorldPay)
			if !slices.Equal(single.Reasons, tc.reasons) {
				t.Fatalf("paymentOptions reasons %v", single.Reasons)
			}
			if tc.sold == "" {
				if opt.Conversion != nil || single.Conversion != nil {
					t.Fatalf("unexpected conversion %+v", opt.Conversion)
				}
				return
			}
			p := opt.Conversion
			if p == nil || !p.Sold.Amount.Equal(d(tc.sold)) || p.Sold.Currency != tc.cur || !p.Bought.Amount.Equal(d(tc.bought)) || p.Bought.Currency != CNH {
				t.Fatalf("conversion %+v, want %s %s for %s CNH", p, tc.sold, tc.cur, tc.bought)
			}
			if q := single.Conversion; q == nil || !q.Sold.Amount.Equal(p.Sold.Amount) || !q.Bought.Amount.Equal(p.Bought.Amount) || !q.Rate.Equal(p.Rate) {
				t.Fatalf("paymentOptions conversion %+v", single.Conversion)
			}
			// What is bought and what is held cover the total exactly (or, from a quote, at least).
			if got := d(tc.cnh).Add(p.Bought.Amount); got.LessThan(opt.Total.Amount) || p.QuoteID == "" && !got.Equal(opt.Total.Amount) {
				t.Fatalf("CNH after conversion %s, total %s", got, opt.Total.Amount)
			}
			if p.Sold.Amount.Mul(p.Rate).LessThan(p.Bought.Amount) {
				t.Fatalf("sold %s at %s does not buy %s", p.Sold, p.Rate, p.Bought)
			}
		})
	}
}

// TestAutoConvertOnlyForWorldPay: a WORLDFIRST_BALANCE shortfall is not auto-converted.
func TestAutoConvertOnlyForWorldPay(t *testing.T) {
	t.Parallel()
	c := checkoutOf("0", "1000.00")
	c[0].Balances[USD] = decimal.Zero
	c[0].Funding = AutoFunding{Setting: &AutoConvert{Currency: USD, MaxSpreadBps: 30}, LiveSpread: 30, Rate: d("7")}
	opt := c.Option(MethodWorldFirstBalance)
	if opt.Conversion != nil || !slices.Equal(opt.Reasons, []ErrorCode{ReasonInsufficientBalance}) {
		t.Fatalf("%+v", opt)
	}
}
