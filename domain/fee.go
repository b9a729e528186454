package domain

import (
	"time"

	"github.com/shopspring/decimal"
)

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

// TierRate is the service-fee rate for an average monthly volume (CNY).
func (f FeeSchedule) TierRate(average decimal.Decimal) decimal.Decimal {
	rate := f.ServiceTiers[0].Rate
	for _, t := range f.ServiceTiers {
		if average.GreaterThanOrEqual(t.MinAverageMonthlyVolume) {
			rate = t.Rate
		}
	}
	return rate
}

// NextTier is the first tier above average's, if any.
func (f FeeSchedule) NextTier(average decimal.Decimal) (Tier, bool) {
	for _, t := range f.ServiceTiers {
		if average.LessThan(t.MinAverageMonthlyVolume) {
			return t, true
		}
	}
	return Tier{}, false
}

// FeeStatement closes one account's fee month.
type FeeStatement struct {
	ID                   string
	AccountID            string
	Month                Month
	Volume               Money // succeeded payments of the month, net of refunds (CNY)
	PaymentCount         int
	StandardFees         Money
	ServiceFees          Money
	AverageMonthlyVolume Money // over the last three months (fewer for young accounts)
	NextServiceFeeRate   decimal.Decimal
	CreatedAt            time.Time
}

// FeeForecast projects the current month.
type FeeForecast struct {
	Month             Month
	MonthToDateVolume Money
	CurrentRate       decimal.Decimal
	ProjectedRate     decimal.Decimal
	ProjectedAverage  Money
	VolumeToNextTier  *Money // more volume this month that reaches the next tier; nil at the best tier
	NextTierRate      *decimal.Decimal
}

// Forecast projects next month's rate from this month's volume so far and the volumes of up
// to two earlier months (months counts how many of the three the account has existed in).
func (f FeeSchedule) Forecast(m Month, current decimal.Decimal, mtd decimal.Decimal, earlier decimal.Decimal, months int) FeeForecast {
	if months < 1 {
		months = 1
	}
	k := decimal.NewFromInt(int64(months))
	total := mtd.Add(earlier)
	avg := RoundHalfUp(total.Div(k), 2)
	out := FeeForecast{Month: m, MonthToDateVolume: Money{mtd, CNY}, CurrentRate: current, ProjectedRate: f.TierRate(avg),
		ProjectedAverage: Money{avg, CNY}}
	if t, ok := f.NextTier(avg); ok {
		need := RoundUp(t.MinAverageMonthlyVolume.Mul(k).Sub(total), 2)
		out.VolumeToNextTier = &Money{need, CNY}
		out.NextTierRate = &t.Rate
	}
	return out
}

// FeeMonthFigures are one account's raw figures for a fee month, as the store aggregates them:
// sums over the month's payments and the volumes of the two months before.
type FeeMonthFigures struct {
	AccountID      string
	AccountCreated time.Time
	Volume         decimal.Decimal // payment amounts net of refunds (CNY)
	PaymentCount   int
	StandardFees   decimal.Decimal // charged, before refunds
	ServiceFees    decimal.Decimal // charged, before refunds
	RefundedFees   decimal.Decimal // fees given back by refunds, both lines together
	// RefundedStandardFees is the standard line's part of RefundedFees: the sum of each
	// payment's Payment.RefundedStandardFee, so the split is rounded per payment.
	RefundedStandardFees decimal.Decimal
	// EarlierVolume is the statement volume of the two months before.
	EarlierVolume decimal.Decimal
}

// FeeStatementOf closes account figures f for month m under schedule sched: fees net of the
// refunded fees, the average monthly volume over the months the account existed of the last
// three (rounded half-up to the fen) and the tier rate for that average.
func FeeStatementOf(m Month, sched FeeSchedule, f FeeMonthFigures, now time.Time) FeeStatement {
	std := f.StandardFees.Sub(f.RefundedStandardFees)
	svc := f.StandardFees.Add(f.ServiceFees).Sub(f.RefundedFees).Sub(std)
	months := decimal.NewFromInt(int64(MonthsExisted(f.AccountCreated, m)))
	average := RoundHalfUp(f.Volume.Add(f.EarlierVolume).DivRound(months, 16), 2)
	return FeeStatement{
		AccountID:            f.AccountID,
		Month:                m,
		Volume:               Money{Amount: f.Volume, Currency: CNY},
		PaymentCount:         f.PaymentCount,
		StandardFees:         Money{Amount: std, Currency: CNH},
		ServiceFees:          Money{Amount: svc, Currency: CNH},
		AverageMonthlyVolume: Money{Amount: average, Currency: CNY},
		NextServiceFeeRate:   sched.TierRate(average),
		CreatedAt:            now,
	}
}

// FeeStatementsOf closes every account's figures for month m, in the order given.
func FeeStatementsOf(m Month, sched FeeSchedule, figures []FeeMonthFigures, now time.Time) []FeeStatement {
	out := make([]FeeStatement, len(figures))
	for i, f := range figures {
		out[i] = FeeStatementOf(m, sched, f, now)
	}
	return out
}

// MonthsExisted is how many of the three months ending with m the account existed in.
func MonthsExisted(created time.Time, m Month) int {
	c := MonthOf(created)
	n := (m.Year*12 + int(m.Month)) - (c.Year*12 + int(c.Month)) + 1
	return max(1, min(3, n))
}
