package domain

import "github.com/shopspring/decimal"

// FeeKind names a fee line.
type FeeKind string

const (
	FeeStandard FeeKind = "STANDARD" // 0.4% on Cross-border Pay auto-debits
	FeeService  FeeKind = "SERVICE"  // the account's monthly tier rate, at most 0.2%
	FeeCard     FeeKind = "CARD"     // 3%, charged by the marketplace's card checkout
)

// FeeLine is one fee on a payment: the rate applied and the amount, rounded half-up to the fen.
type FeeLine struct {
	Kind   FeeKind
	Rate   decimal.Decimal
	Amount Money
}

// Tier is a service-fee tier: accounts whose average monthly volume reaches Min pay Rate.
type Tier struct {
	MinAverageMonthlyVolume decimal.Decimal
	Rate                    decimal.Decimal
}

// FeeSchedule is what KJB charges.
type FeeSchedule struct {
	StandardRate             decimal.Decimal
	ServiceTiers             []Tier // ascending by MinAverageMonthlyVolume
	CardRate                 decimal.Decimal
	WorldFirstBalanceMinimum Money
}

// DefaultFeeSchedule is FAQ 6 and the payment guide: 0.4% standard; service tiers < 200k
// 0.20%, ≥ 200k 0.15%, ≥ 1M 0.10%, ≥ 5M 0.05%; card 3%; WorldFirst balance from CNY 1,000.
func DefaultFeeSchedule() FeeSchedule {
	r := decimal.RequireFromString
	return FeeSchedule{
		StandardRate: r("0.004"),
		ServiceTiers: []Tier{
			{r("0"), r("0.002")}, {r("200000"), r("0.0015")}, {r("1000000"), r("0.001")}, {r("5000000"), r("0.0005")},
		},
		CardRate:                 r("0.03"),
		WorldFirstBalanceMinimum: Money{Amount: r("1000"), Currency: CNY},
	}
}

// Fee computes one fee line on amount, rounded half-up to the fen.
func Fee(kind FeeKind, rate decimal.Decimal, amount Money, cur Currency) FeeLine {
	return FeeLine{Kind: kind, Rate: rate, Amount: Money{Amount: RoundHalfUp(amount.Amount.Mul(rate), cur.MinorUnits()), Currency: cur}}
}

// SumFees adds fee lines (in cur).
func SumFees(lines []FeeLine, cur Currency) Money {
	total := decimal.Zero
	for _, l := range lines {
		total = total.Add(l.Amount.Amount)
	}
	return Money{Amount: total, Currency: cur}
}
