package domain

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

var d = decimal.RequireFromString

func TestPricing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fixed      Money
		sellFixed  bool
		other      Currency
		rate       string
		wantSell   string
		wantBuy    string
		wantExactB bool // buy-fixed: sell × rate ≥ buy
	}{
		{"sell USD, receive CNH rounded down", Money{d("1000.00"), USD}, true, CNH, "7.069475", "1000.00", "7069.47", false},
		{"sell USD 0.01", Money{d("0.01"), USD}, true, CNH, "7.069475", "0.01", "0.07", false},
		{"buy CNH, pay USD rounded up", Money{d("7069.48"), CNH}, false, USD, "7.069475", "1000.01", "7069.48", true},
		{"buy CNH exactly priced", Money{d("70.6947"), CNH}, false, USD, "7.069475", "", "", true},
		{"sell JPY (0 decimals) for CNH", Money{d("150000"), JPY}, true, CNH, "0.04681475", "150000", "7022.21", false},
		{"buy JPY: whole yen received", Money{d("1000.00"), CNH}, true, JPY, "21.2480", "1000.00", "21248", false},
		{"buy KRW exactly, pay CNH rounded up", Money{d("1000000"), KRW}, false, CNH, "195.19", "5123.22", "1000000", true},
		{"sell KRW, receive CNH rounded down", Money{d("999999"), KRW}, true, CNH, "0.00509738", "999999", "5097.37", false},
		{"buy JPY exactly, pay USD", Money{d("10000"), JPY}, false, USD, "150.1234", "66.62", "10000", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rate := d(tc.rate)
			var sell, buy Money
			if tc.sellFixed {
				sell, buy = tc.fixed, PriceSell(tc.fixed, tc.other, rate)
			} else {
				if tc.fixed.Amount.Exponent() < -tc.fixed.Currency.MinorUnits() {
					return // not a valid amount: covered by ParseAmount
				}
				sell, buy = PriceBuy(tc.fixed, tc.other, rate), tc.fixed
			}
			if tc.wantSell != "" && (!sell.Amount.Equal(d(tc.wantSell)) || !buy.Amount.Equal(d(tc.wantBuy))) {
				t.Fatalf("got sell %s buy %s, want %s / %s", sell, buy, tc.wantSell, tc.wantBuy)
			}
			if -sell.Amount.Exponent() > sell.Currency.MinorUnits() || -buy.Amount.Exponent() > buy.Currency.MinorUnits() {
				t.Fatalf("finer than the minor unit: %s, %s", sell, buy)
			}
			if tc.wantExactB {
				if sell.Amount.Mul(rate).LessThan(buy.Amount) {
					t.Fatalf("the paid %s does not buy %s at %s", sell, buy, rate)
				}
				less := sell.Amount.Sub(decimal.New(1, -sell.Currency.MinorUnits()))
				if !less.Mul(rate).LessThan(buy.Amount) {
					t.Fatalf("%s overcharges: one minor unit less still buys %s", sell, buy)
				}
			}
		})
	}
}

func TestRateBook(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 4, 0, 0, 0, time.UTC)
	rates := []Rate{
		{From: USD, To: CNH, Mid: d("7.10"), UpdatedAt: now},
		{From: JPY, To: CNH, Mid: d("0.0470"), UpdatedAt: now},
		{From: EUR, To: CNH, Mid: d("8.25"), UpdatedAt: now.Add(-time.Hour)},
	}
	book := NewRateBook(rates, func(r Rate) bool { return now.Sub(r.UpdatedAt) < 30*time.Minute })
	tests := []struct {
		from, to Currency
		want     string // "" = RATE_UNAVAILABLE
	}{
		{USD, CNH, "7.10"},
		{CNH, USD, "0.140845070423"},   // inverse, 12 places
		{USD, JPY, "151.063829787234"}, // cross through CNH: 7.10 × (1/0.0470)
		{JPY, USD, "0.006619718310"},   // 0.0470 × 0.140845070423
		{EUR, CNH, ""},                 // stale
		{USD, EUR, ""},                 // cross through a stale leg
		{GBP, USD, ""},                 // missing
	}
	for _, tc := range tests {
		got, err := book.Mid(tc.from, tc.to)
		if tc.want == "" {
			if CodeOf(err) != CodeRateUnavailable {
				t.Errorf("%s→%s: %s %v, want RATE_UNAVAILABLE", tc.from, tc.to, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(d(tc.want)) {
			t.Errorf("%s→%s = %s %v, want %s", tc.from, tc.to, got, err, tc.want)
		}
	}
	if got := Spread(50).Apply(d("7.10")); !got.Equal(d("7.0645")) {
		t.Errorf("50 bps of 7.10: %s", got)
	}
	if got := Spread(30).Apply(d("7.10")); !got.Equal(d("7.0787")) {
		t.Errorf("30 bps of 7.10: %s", got)
	}
}

func TestDefaultTableCoversEveryHoldableCurrency(t *testing.T) {
	t.Parallel()
	rates, _ := DefaultTable{Clock: SystemClock{}}.Rates(context.Background())
	have := map[Currency]bool{}
	for _, r := range rates {
		have[r.From] = true
	}
	for _, c := range Currencies() {
		if c.Holdable() && c != CNH && !have[c] {
			t.Errorf("no default rate for %s", c)
		}
	}
}

func TestSettlementArithmetic(t *testing.T) {
	t.Parallel()
	if got := FillAt(d("1000.00"), USD, d("0.140845")); !got.Equal(d("140.84")) {
		t.Errorf("selling base: %s", got)
	}
	if got := FillAt(d("-1000.00"), USD, d("0.140845")); !got.Equal(d("-140.85")) {
		t.Errorf("buying base: %s", got)
	}
	s := Settlement{ID: "s", Base: CNH, Quote: USD, BaseNet: d("1000.00"), QuoteAmount: d("140.84")}
	l, ok, err := SettlementLedger(s, time.Now())
	if err != nil || !ok || len(l.Entries) != 4 {
		t.Fatalf("ledger %v %v %v", l, ok, err)
	}
	if _, ok, _ := SettlementLedger(Settlement{ID: "z", Base: CNH, Quote: USD}, time.Now()); ok {
		t.Error("a zero net booked a ledger transaction")
	}
}

func TestCreateQuoteInputValidate(t *testing.T) {
	t.Parallel()
	in := func(amount, currency string) *AmountInput { return &AmountInput{Amount: amount, Currency: currency} }
	tests := []struct {
		name  string
		in    CreateQuoteInput
		field string // the first error's field; "" when the input is valid
	}{
		{"sell fixed", CreateQuoteInput{SellCurrency: "USD", BuyCurrency: "CNH", SellAmount: in("10.00", "USD")}, ""},
		{"buy fixed", CreateQuoteInput{SellCurrency: "USD", BuyCurrency: "CNH", BuyAmount: in("10.00", "CNH")}, ""},
		{"both", CreateQuoteInput{SellCurrency: "USD", BuyCurrency: "CNH", SellAmount: in("1", "USD"), BuyAmount: in("1", "CNH")}, "sellAmount"},
		{"neither", CreateQuoteInput{SellCurrency: "USD", BuyCurrency: "CNH"}, "sellAmount"},
		{"same currency", CreateQuoteInput{SellCurrency: "USD", BuyCurrency: "USD", SellAmount: in("1", "USD")}, "buyCurrency"},
		{"CNY sell", CreateQuoteInput{SellCurrency: "CNY", BuyCurrency: "CNH", SellAmount: in("1", "CNY")}, "sellCurrency"},
		{"CNY buy", CreateQuoteInput{SellCurrency: "USD", BuyCurrency: "CNY", SellAmount: in("1", "USD")}, "buyCurrency"},
		{"below the minor unit", CreateQuoteInput{SellCurrency: "USD", BuyCurrency: "CNH", SellAmount: in("0.001", "USD")}, "sellAmount.amount"},
		{"JPY decimals", CreateQuoteInput{SellCurrency: "JPY", BuyCurrency: "CNH", SellAmount: in("1.5", "JPY")}, "sellAmount.amount"},
		{"sell amount in the buy currency", CreateQuoteInput{SellCurrency: "USD", BuyCurrency: "CNH", SellAmount: in("10.00", "CNH")}, "sellAmount.currency"},
		{"buy amount in the sell currency", CreateQuoteInput{SellCurrency: "USD", BuyCurrency: "CNH", BuyAmount: in("10.00", "USD")}, "buyAmount.currency"},
	}
	for _, tc := range tests {
		_, _, _, _, err := tc.in.validate()
		if (err == nil) != (tc.field == "") {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if err == nil {
			continue
		}
		es := AsErrors(err)
		if !IsUserError(err) || len(es) == 0 || es[0].Code != CodeInvalidInput {
			t.Errorf("%s: %v is not an INVALID_INPUT user error", tc.name, err)
			continue
		}
		if got := strings.Join(es[0].Field, "."); got != tc.field {
			t.Errorf("%s: field %q, want %q", tc.name, got, tc.field)
		}
	}
}
