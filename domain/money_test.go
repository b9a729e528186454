package domain

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestParseAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw      string
		currency Currency
		want     string // "" when refused
	}{
		{"1250.00", USD, "1250"},
		{"1250", USD, "1250"},
		{"0.01", USD, "0.01"},
		{"1.5", USD, "1.5"},
		{"1.005", USD, ""},
		{"1.000", USD, ""}, // more decimals than the minor unit, even if zero
		{"1500", JPY, "1500"},
		{"1.5", JPY, ""},
		{"1.0", KRW, ""},
		{"999", KRW, "999"},
		{"0", USD, ""},
		{"0.00", USD, ""},
		{"-1", USD, ""},
		{"+5", USD, ""},
		{"1e3", USD, ""},
		{"1E3", USD, ""},
		{"NaN", USD, ""},
		{"Infinity", USD, ""},
		{" 1", USD, ""},
		{"1 ", USD, ""},
		{"1,000.00", USD, ""},
		{".5", USD, ""},
		{"5.", USD, ""},
		{"007", USD, ""},
		{"", USD, ""},
		{"0x10", USD, ""},
		{"１２", USD, ""}, // full-width digits
		{"999999999999999.99", USD, "999999999999999.99"},
		{"1000000000000000", USD, ""},                         // 16 integer digits
		{"1234567890123456789012345678901234567890", USD, ""}, // 40 digits
		{"100.25", CNH, "100.25"},
	}
	for _, tc := range tests {
		t.Run(string(tc.currency)+"/"+tc.raw, func(t *testing.T) {
			t.Parallel()
			m, err := ParseAmount(tc.raw, tc.currency, Field("amount"))
			if tc.want == "" {
				if err == nil {
					t.Fatalf("ParseAmount(%q, %s) = %s, want an error", tc.raw, tc.currency, m)
				}
				if CodeOf(err) != CodeInvalidInput || len(err.(*Error).Field) == 0 {
					t.Fatalf("error %v: want INVALID_INPUT naming the field", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAmount(%q, %s): %v", tc.raw, tc.currency, err)
			}
			if !m.Amount.Equal(decimal.RequireFromString(tc.want)) || m.Currency != tc.currency {
				t.Fatalf("ParseAmount(%q) = %s, want %s", tc.raw, m, tc.want)
			}
		})
	}
}

func TestCurrencies(t *testing.T) {
	t.Parallel()
	all := Currencies()
	if len(all) != 29 {
		t.Fatalf("%d currencies, want 29 (CNH, CNY and 27 more)", len(all))
	}
	for _, tc := range []struct {
		c        Currency
		minor    int32
		holdable bool
	}{{CNH, 2, true}, {CNY, 2, false}, {JPY, 0, true}, {KRW, 0, true}, {USD, 2, true}, {"HUF", 2, true}} {
		if tc.c.MinorUnits() != tc.minor || tc.c.Holdable() != tc.holdable {
			t.Errorf("%s: minor %d holdable %v, want %d %v", tc.c, tc.c.MinorUnits(), tc.c.Holdable(), tc.minor, tc.holdable)
		}
	}
	if _, ok := ParseCurrency("XXX"); ok {
		t.Error("XXX parsed as a currency")
	}
	if _, err := ParseHoldable("CNY", nil); CodeOf(err) != CodeInvalidInput {
		t.Errorf("CNY holdable: %v, want INVALID_INPUT", err)
	}
}

func TestRounding(t *testing.T) {
	t.Parallel()
	d := decimal.RequireFromString
	tests := []struct {
		name string
		f    func(decimal.Decimal, int32) decimal.Decimal
		in   string
		want string
	}{
		{"half-up at half", RoundHalfUp, "0.005", "0.01"},
		{"half-up below half", RoundHalfUp, "0.00499", "0"},
		{"half-up 4.4005", RoundHalfUp, "4.4005", "4.4"},
		{"half-up 2.345", RoundHalfUp, "2.345", "2.35"},
		{"down", RoundDown, "7.129", "7.12"},
		{"up", RoundUp, "7.121", "7.13"},
		{"up exact", RoundUp, "7.12", "7.12"},
	}
	for _, tc := range tests {
		if got := tc.f(d(tc.in), 2); !got.Equal(d(tc.want)) {
			t.Errorf("%s: %s → %s, want %s", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestFormatAmount(t *testing.T) {
	t.Parallel()
	if got := FormatAmount(decimal.RequireFromString("1250"), CNH); got != "1250.00" {
		t.Errorf("got %s", got)
	}
	if got := FormatAmount(decimal.RequireFromString("1500"), JPY); got != "1500" {
		t.Errorf("got %s", got)
	}
}

// FuzzParseAmount: any input is either refused with INVALID_INPUT or parses to a positive
// amount that formats back to the same value within the currency's minor units.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1250.00", "0.01", "1e3", "NaN", "+5", "-1", "1.005", "１", "99999999999999999999", ""} {
		f.Add(s, "USD")
		f.Add(s, "JPY")
	}
	f.Fuzz(func(t *testing.T, raw, cur string) {
		c, ok := ParseCurrency(cur)
		if !ok {
			return
		}
		m, err := ParseAmount(raw, c, Field("amount"))
		if err != nil {
			if CodeOf(err) != CodeInvalidInput {
				t.Fatalf("%q: %v is not INVALID_INPUT", raw, err)
			}
			return
		}
		if m.Amount.Sign() <= 0 || -m.Amount.Exponent() > c.MinorUnits() {
			t.Fatalf("%q parsed to %s", raw, m)
		}
		back, err := decimal.NewFromString(FormatAmount(m.Amount, c))
		if err != nil || !back.Equal(m.Amount) {
			t.Fatalf("%q does not round-trip: %s", raw, FormatAmount(m.Amount, c))
		}
	})
}

func TestParseAmountIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    AmountInput
		field string
	}{
		{AmountInput{Amount: "12.50", Currency: "CNY"}, ""},
		{AmountInput{Amount: "12.50", Currency: "CNH"}, "amount.currency"},
		{AmountInput{Amount: "12.505", Currency: "CNY"}, "amount.amount"},
		{AmountInput{Amount: "0", Currency: "CNY"}, "amount.amount"},
	}
	for _, tc := range tests {
		m, err := ParseAmountIn(tc.in, CNY, Field("amount"))
		if tc.field == "" {
			if err != nil || m.Currency != CNY || !m.Amount.Equal(decimal.RequireFromString(tc.in.Amount)) {
				t.Errorf("%v: %v, %v", tc.in, m, err)
			}
			continue
		}
		es := AsErrors(err)
		if len(es) != 1 || es[0].Code != CodeInvalidInput || strings.Join(es[0].Field, ".") != tc.field {
			t.Errorf("%v: %v, want INVALID_INPUT naming %s", tc.in, err, tc.field)
		}
	}
}
