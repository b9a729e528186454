package domain

import (
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func dp(s string) *decimal.Decimal { v := d(s); return &v }

// TestLinkLimitsAllow: a payment may reach a limit exactly but not pass it; each limit is
// judged on its own period's spending; no limit allows anything.
func TestLinkLimitsAllow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		limits     LinkLimits
		day, month string
		amount     string
		want       bool
	}{
		{"no limits", LinkLimits{}, "1000000", "1000000", "1000000", true},
		{"daily: reaching it exactly", LinkLimits{Daily: dp("1000")}, "400", "400", "600.00", true},
		{"daily: one fen past it", LinkLimits{Daily: dp("1000")}, "400", "400", "600.01", false},
		{"daily ignores the month", LinkLimits{Daily: dp("1000")}, "0", "99999", "1000", true},
		{"monthly: reaching it exactly", LinkLimits{Monthly: dp("5000")}, "0", "4000", "1000", true},
		{"monthly: one fen past it", LinkLimits{Monthly: dp("5000")}, "0", "4000", "1000.01", false},
		{"both: the month refuses what the day allows", LinkLimits{Daily: dp("1000"), Monthly: dp("5000")}, "0", "4500", "600", false},
		{"both: the day refuses what the month allows", LinkLimits{Daily: dp("1000"), Monthly: dp("5000")}, "900", "900", "200", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.limits.Allows(LinkSpent{Day: d(tc.day), Month: d(tc.month)}, d(tc.amount)); got != tc.want {
				t.Fatalf("Allows = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSpendingPeriodOf: days and months turn at midnight in Asia/Shanghai (16:00 UTC).
func TestSpendingPeriodOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		at         time.Time
		day, month string
	}{
		{time.Date(2026, 10, 31, 15, 59, 59, 0, time.UTC), "2026-10-31", "2026-10-01"},
		{time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC), "2026-11-01", "2026-11-01"},
		{time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), "2027-01-01", "2027-01-01"},
		{time.Date(2026, 11, 15, 3, 0, 0, 0, time.UTC), "2026-11-15", "2026-11-01"},
	}
	for _, tc := range tests {
		p := SpendingPeriodOf(tc.at)
		if got := p.Day.Format(time.DateOnly); got != tc.day || p.Day.Location() != Shanghai {
			t.Errorf("%s: day %s, want %s", tc.at, got, tc.day)
		}
		if got := p.Month.Format(time.DateOnly); got != tc.month {
			t.Errorf("%s: month %s, want %s", tc.at, got, tc.month)
		}
	}
}

// TestCheckoutLinkLimits: a link's limit is judged on the sum of its orders in the checkout
// plus what it has spent; every order of a link that would pass it carries
// LINK_LIMIT_EXCEEDED, orders of other links do not; only methods taken from the KJB balance
// are limited; an order that cannot be paid is not counted. payOrder's one-order form gives the
// same reason.
func TestCheckoutLinkLimits(t *testing.T) {
	t.Parallel()
	limited := MarketplaceLink{ID: "l1", AccountID: "a", Status: LinkActive, CrossBorderPayActive: true,
		Limits: LinkLimits{Daily: dp("3000"), Monthly: dp("6000")}}
	free := MarketplaceLink{ID: "l2", AccountID: "a", Status: LinkActive, CrossBorderPayActive: true}
	tests := []struct {
		name    string
		spent   LinkSpent
		links   []*MarketplaceLink
		amounts []string
		paid    int // index of an order already paid (-1: none)
		want    [][]ErrorCode
	}{
		{"within the limit together", LinkSpent{}, []*MarketplaceLink{&limited, &limited}, []string{"1400", "1600"}, -1, [][]ErrorCode{nil, nil}},
		{"together past the daily limit: both named", LinkSpent{}, []*MarketplaceLink{&limited, &limited}, []string{"1400", "1600.01"}, -1,
			[][]ErrorCode{{ReasonLinkLimitExceeded}, {ReasonLinkLimitExceeded}}},
		{"another link is not limited", LinkSpent{}, []*MarketplaceLink{&limited, &free}, []string{"3000", "5000"}, -1, [][]ErrorCode{nil, nil}},
		{"spent today counts", LinkSpent{Day: d("1999.99"), Month: d("1999.99")}, []*MarketplaceLink{&limited}, []string{"1000.02"}, -1,
			[][]ErrorCode{{ReasonLinkLimitExceeded}}},
		{"spent this month counts", LinkSpent{Day: d("0"), Month: d("5000")}, []*MarketplaceLink{&limited}, []string{"1000.01"}, -1,
			[][]ErrorCode{{ReasonLinkLimitExceeded}}},
		{"a paid order is not counted", LinkSpent{}, []*MarketplaceLink{&limited, &limited}, []string{"2000", "2000"}, 0,
			[][]ErrorCode{{ReasonOrderNotPayable}, nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := checkoutOf("1000000", tc.amounts...)
			c[0].Balances[USD] = d("1000000")
			for i := range c {
				c[i].Link, c[i].LinkSpent = tc.links[i], tc.spent
				if i == tc.paid {
					c[i].Order.Status = OrderPaid
				}
			}
			for _, m := range []PaymentMethod{MethodWorldPay, MethodWorldFirstBalance} {
				opt := c.Option(m)
				for i, o := range opt.Orders {
					if !slices.Equal(o.Reasons, tc.want[i]) {
						t.Fatalf("%s order %d: reasons %v, want %v", m, i, o.Reasons, tc.want[i])
					}
				}
				wantAvailable := tc.paid < 0 && !slices.ContainsFunc(tc.want, func(rs []ErrorCode) bool { return len(rs) > 0 })
				if opt.Available != wantAvailable {
					t.Fatalf("%s available %v", m, opt.Available)
				}
			}
			for _, m := range []PaymentMethod{MethodCard, MethodAlipay} {
				for i, o := range c.Option(m).Orders {
					if slices.Contains(o.Reasons, ReasonLinkLimitExceeded) {
						t.Fatalf("%s order %d limited: %v", m, i, o.Reasons)
					}
				}
			}
			if len(c) == 1 {
				err := c[0].Eligible(MethodWorldPay)
				if got := AsErrors(err); len(got) != 1 || got[0].Code != ReasonLinkLimitExceeded || !slices.Equal(got[0].Field, Field("orderId")) {
					t.Fatalf("payOrder refusal %v", err)
				}
			}
		})
	}
}

// TestLinkSpends: payments made together are summed per link, ordered by link id, each with
// its link's limits and its Shanghai day and month.
func TestLinkSpends(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 10, 31, 16, 30, 0, 0, time.UTC)
	ps := []Payment{
		{LinkID: "l2", Amount: Money{d("10.00"), CNY}, CreatedAt: at},
		{LinkID: "l1", Amount: Money{d("1.50"), CNY}, CreatedAt: at},
		{LinkID: "l2", Amount: Money{d("0.01"), CNY}, CreatedAt: at},
	}
	got := linkSpends(ps, map[string]LinkLimits{"l1": {Daily: dp("5")}})
	if len(got) != 2 || got[0].LinkID != "l1" || !got[0].Amount.Equal(d("1.50")) || got[0].Limits.Daily == nil ||
		got[1].LinkID != "l2" || !got[1].Amount.Equal(d("10.01")) || !got[1].Limits.None() ||
		got[0].Period.Day.Format(time.DateOnly) != "2026-11-01" || got[1].Period.Month.Format(time.DateOnly) != "2026-11-01" {
		t.Fatalf("spends %+v", got)
	}
}

// TestSetLinkLimitsInput: limits are CNY above zero, the daily one no more than the monthly;
// every problem is named.
func TestSetLinkLimitsInput(t *testing.T) {
	t.Parallel()
	cny := func(a string) *AmountInput { return &AmountInput{Amount: a, Currency: "CNY"} }
	tests := []struct {
		name           string
		daily, monthly *AmountInput
		want           []string // code@field
	}{
		{"both", cny("1000.00"), cny("20000"), nil},
		{"none (removes them)", nil, nil, nil},
		{"daily equal to monthly", cny("5"), cny("5"), nil},
		{"zero", cny("0"), nil, []string{"INVALID_INPUT@daily.amount"}},
		{"not CNY", nil, &AmountInput{Amount: "1", Currency: "USD"}, []string{"INVALID_INPUT@monthly.currency"}},
		{"a fraction of a fen", cny("1.001"), nil, []string{"INVALID_INPUT@daily.amount"}},
		{"daily above monthly", cny("5000.01"), cny("5000"), []string{"INVALID_INPUT@daily"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SetLinkLimitsInput{Daily: tc.daily, Monthly: tc.monthly}.validate()
			var got []string
			for _, e := range AsErrors(err) {
				f := ""
				for i, p := range e.Field {
					if i > 0 {
						f += "."
					}
					f += p
				}
				got = append(got, string(e.Code)+"@"+f)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}
