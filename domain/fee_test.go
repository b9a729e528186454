package domain

import (
	"testing"
	"time"
)

func TestTierRate(t *testing.T) {
	t.Parallel()
	f := DefaultFeeSchedule()
	tests := []struct{ average, want string }{
		{"0", "0.002"},
		{"199999.99", "0.002"},
		{"200000.00", "0.0015"},
		{"200000.01", "0.0015"},
		{"999999.99", "0.0015"},
		{"1000000.00", "0.001"},
		{"4999999.99", "0.001"},
		{"5000000.00", "0.0005"},
		{"90000000.00", "0.0005"},
	}
	for _, tc := range tests {
		if got := f.TierRate(d(tc.average)); !got.Equal(d(tc.want)) {
			t.Errorf("average %s: rate %s, want %s", tc.average, got, tc.want)
		}
	}
}

func TestMonths(t *testing.T) {
	t.Parallel()
	// 16:00 UTC on 31 October is midnight, 1 November, in Shanghai.
	if m := MonthOf(time.Date(2026, 10, 31, 15, 59, 59, 0, time.UTC)); m.String() != "2026-10" {
		t.Errorf("got %s", m)
	}
	if m := MonthOf(time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC)); m.String() != "2026-11" {
		t.Errorf("got %s", m)
	}
	m, err := ParseMonth("2026-01", nil)
	if err != nil || m.Add(-1).String() != "2025-12" || m.End().UTC().Format(time.RFC3339) != "2026-01-31T16:00:00Z" {
		t.Fatalf("%v %v %v", m, err, m.End())
	}
	for _, bad := range []string{"2026-13", "2026-1", "26-10", "2026/10", ""} {
		if _, err := ParseMonth(bad, Field("month")); CodeOf(err) != CodeInvalidInput {
			t.Errorf("%q accepted", bad)
		}
	}
	oct := Month{2026, time.October}
	for _, tc := range []struct {
		created time.Time
		want    int
	}{
		{time.Date(2026, 10, 20, 0, 0, 0, 0, Shanghai), 1},
		{time.Date(2026, 9, 1, 0, 0, 0, 0, Shanghai), 2},
		{time.Date(2026, 8, 31, 0, 0, 0, 0, Shanghai), 3},
		{time.Date(2024, 1, 1, 0, 0, 0, 0, Shanghai), 3},
	} {
		if got := MonthsExisted(tc.created, oct); got != tc.want {
			t.Errorf("created %s: %d months, want %d", tc.created, got, tc.want)
		}
	}
}

func TestForecast(t *testing.T) {
	t.Parallel()
	f := DefaultFeeSchedule()
	m := Month{2026, time.November}
	// Two earlier months of 150,000 and this month 90,000 so far: average 130,000 → 0.20%;
	// reaching 200,000 on average needs 600,000 − 390,000 = 210,000 more.
	fc := f.Forecast(m, d("0.002"), d("90000"), d("300000"), 3)
	if !fc.ProjectedRate.Equal(d("0.002")) || fc.VolumeToNextTier == nil || !fc.VolumeToNextTier.Amount.Equal(d("210000")) ||
		!fc.NextTierRate.Equal(d("0.0015")) {
		t.Fatalf("forecast %+v", fc)
	}
	best := f.Forecast(m, d("0.0005"), d("6000000"), d("0"), 1)
	if best.VolumeToNextTier != nil || !best.ProjectedRate.Equal(d("0.0005")) {
		t.Fatalf("at the best tier: %+v", best)
	}
}

func TestFeeStatementOf(t *testing.T) {
	t.Parallel()
	f := DefaultFeeSchedule()
	oct := Month{2026, time.October}
	now := time.Date(2026, 11, 1, 0, 5, 0, 0, Shanghai)
	old := time.Date(2025, 1, 1, 0, 0, 0, 0, Shanghai)
	tests := []struct {
		name                        string
		fig                         FeeMonthFigures
		std, svc, average, nextRate string
	}{
		{"no activity, no history", FeeMonthFigures{AccountCreated: old}, "0", "0", "0", "0.002"},
		{"three months averaged", FeeMonthFigures{AccountCreated: old, Volume: d("100000"), PaymentCount: 3,
			StandardFees: d("400"), ServiceFees: d("200"), EarlierVolume: d("500000")}, "400", "200", "200000", "0.0015"},
		{"average rounds half-up to the fen", FeeMonthFigures{AccountCreated: old, Volume: d("0.05"), EarlierVolume: d("0")},
			"0", "0", "0.02", "0.002"},
		{"created last month: two months", FeeMonthFigures{AccountCreated: time.Date(2026, 9, 30, 23, 0, 0, 0, Shanghai),
			Volume: d("1500000"), EarlierVolume: d("500000")}, "0", "0", "1000000", "0.001"},
		{"created on the month's first Shanghai minute: one month", FeeMonthFigures{
			AccountCreated: time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC), Volume: d("5000000")}, "0", "0", "5000000", "0.0005"},
		{"one minute earlier in UTC terms is September", FeeMonthFigures{
			AccountCreated: time.Date(2026, 9, 30, 15, 59, 0, 0, time.UTC), Volume: d("5000000")}, "0", "0", "2500000", "0.001"},
		{"refunded fees: the standard part the payments kept", FeeMonthFigures{AccountCreated: old, Volume: d("1000"), PaymentCount: 2,
			StandardFees: d("4.00"), ServiceFees: d("2.00"), RefundedFees: d("1.01"), RefundedStandardFees: d("0.68")},
			"3.32", "1.67", "333.33", "0.002"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fig.AccountID = "a"
			s := FeeStatementOf(oct, f, tc.fig, now)
			if !s.StandardFees.Amount.Equal(d(tc.std)) || !s.ServiceFees.Amount.Equal(d(tc.svc)) ||
				!s.AverageMonthlyVolume.Amount.Equal(d(tc.average)) || !s.NextServiceFeeRate.Equal(d(tc.nextRate)) {
				t.Fatalf("std %s svc %s average %s rate %s; want %s %s %s %s", s.StandardFees.Amount, s.ServiceFees.Amount,
					s.AverageMonthlyVolume.Amount, s.NextServiceFeeRate, tc.std, tc.svc, tc.average, tc.nextRate)
			}
			if s.AccountID != "a" || s.Month != oct || !s.Volume.Amount.Equal(tc.fig.Volume) || s.PaymentCount != tc.fig.PaymentCount ||
				s.Volume.Currency != CNY || s.StandardFees.Currency != CNH || !s.CreatedAt.Equal(now) {
				t.Fatalf("statement %+v", s)
			}
		})
	}
}

// TestRefundedStandardFee: a payment's refunded fees split pro rata to its fee lines, rounded
// half-up to the fen on the payment's whole refunded fees.
func TestRefundedStandardFee(t *testing.T) {
	pay := func(std, svc, refunded string) Payment {
		p := Payment{RefundedFees: d(refunded)}
		if std != "" {
			p.Fees = []FeeLine{{Kind: FeeStandard, Amount: Money{Amount: d(std), Currency: CNH}},
				{Kind: FeeService, Amount: Money{Amount: d(svc), Currency: CNH}}}
		}
		return p
	}
	tests := []struct {
		name string
		p    Payment
		want string
	}{
		{"a fen of 2/3 rounds up", pay("0.40", "0.20", "0.01"), "0.01"},     // 0.0067
		{"two thirds of a yuan", pay("0.40", "0.20", "1.00"), "0.67"},       // 0.6667
		{"an exact half rounds up", pay("1", "1", "0.05"), "0.03"},          // 0.025
		{"everything refunded", pay("4.00", "2.00", "6.00"), "4.00"},        //
		{"nothing refunded", pay("4.00", "2.00", "0"), "0"},                 //
		{"no fee lines (a bank transfer's fees)", pay("", "", "0.30"), "0"}, //
		{"no service fee", pay("4.00", "0", "1.00"), "1.00"},                //
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.RefundedStandardFee(); !got.Equal(d(tc.want)) {
				t.Fatalf("RefundedStandardFee = %s, want %s", got, tc.want)
			}
		})
	}
}
