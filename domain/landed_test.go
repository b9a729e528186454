package domain

import (
	"testing"
	"time"
)

// TestLandedCost: every option priced in the buyer's currency, fees and spread included, and
// compared with the card.
func TestLandedCost(t *testing.T) {
	t.Parallel()
	usd := Comparison{Currency: USD, Mid: d("7.1000"), CrossBorderSpread: 30, StandardSpread: 50}
	tests := []struct {
		name    string
		compare Comparison
		method  PaymentMethod
		landed  string // "" when unknown
		saving  string
		settles time.Duration
	}{
		// 1006.00 CNH at 7.1 × 0.997 = 7.0787 → 142.116… → 142.12 USD.
		{"World Pay in USD", usd, MethodWorldPay, "142.12 USD", "2.96 USD", 5 * time.Minute},
		// 1000.00 CNH at 7.1 × 0.995 = 7.0645 → 141.553… → 141.56 USD (the USD total itself).
		{"WorldFirst balance in USD", usd, MethodWorldFirstBalance, "141.56 USD", "3.52 USD", 5 * time.Minute},
		// 1030.00 CNY at the mid 7.1 → 145.070… → 145.08 USD.
		{"card in USD", usd, MethodCard, "145.08 USD", "0.00 USD", 5 * time.Minute},
		{"Alipay in USD", usd, MethodAlipay, "140.85 USD", "4.23 USD", 5 * time.Minute},
		{"bank transfer: unknown charges", usd, MethodBankTransfer, "", "", 72 * time.Hour},
		{"World Pay in CNH", Comparison{Currency: CNH}, MethodWorldPay, "1006.00 CNH", "24.00 CNH", 5 * time.Minute},
		{"no current rate", Comparison{Currency: USD, CrossBorderSpread: 30}, MethodWorldPay, "", "", 5 * time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := eligibleSituation()
			p.Compare = tc.compare
			o := p.Option(tc.method)
			if got := moneyString(o.LandedCost); got != tc.landed {
				t.Fatalf("landed %s, want %s", got, tc.landed)
			}
			if got := moneyString(o.SavingVersusCard); got != tc.saving {
				t.Fatalf("saving %s, want %s", got, tc.saving)
			}
			if o.SettlesIn != tc.settles {
				t.Fatalf("settles in %s", o.SettlesIn)
			}
		})
	}
	c := checkoutOf("100000", "1000.00", "1000.00")
	for i := range c {
		c[i].Compare = usd
	}
	if got := moneyString(c.Option(MethodWorldPay).LandedCost); got != "284.24 USD" {
		t.Fatalf("checkout landed %s", got)
	}
}

func moneyString(m *Money) string {
	if m == nil {
		return ""
	}
	return m.Amount.StringFixed(int32(m.Currency.MinorUnits())) + " " + string(m.Currency)
}
