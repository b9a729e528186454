package domain

import (
	"cmp"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// LinkLimits caps what the payments of one link (one purchasing member) may spend, as order
// amounts in CNY, per Asia/Shanghai day and month. A nil limit is no limit.
type LinkLimits struct {
	Daily, Monthly *decimal.Decimal
}

// None reports whether neither limit is set.
func (l LinkLimits) None() bool { return l.Daily == nil && l.Monthly == nil }

// SpendingPeriod is the Asia/Shanghai day and month a payment counts in: the first instant of
// each.
type SpendingPeriod struct {
	Day, Month time.Time
}

// SpendingPeriodOf is the day and month containing t, in Asia/Shanghai.
func SpendingPeriodOf(t time.Time) SpendingPeriod {
	s := t.In(Shanghai)
	return SpendingPeriod{Day: time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, Shanghai), Month: MonthOf(t).Start()}
}

// LinkSpent is what a link's payments have spent in a day and its month, net of refunds (CNY).
type LinkSpent struct {
	Day, Month decimal.Decimal
}

// Allows reports whether amount more may be spent on top of spent without passing a limit
// (reaching it exactly is allowed).
func (l LinkLimits) Allows(spent LinkSpent, amount decimal.Decimal) bool {
	if l.Daily != nil && spent.Day.Add(amount).GreaterThan(*l.Daily) {
		return false
	}
	return l.Monthly == nil || !spent.Month.Add(amount).GreaterThan(*l.Monthly)
}

// LinkSpend is what one payment transaction adds to a link's day and month: the order amounts
// of its payments through that link, allowed under Limits.
type LinkSpend struct {
	LinkID string
	Period SpendingPeriod
	Amount decimal.Decimal
	Limits LinkLimits
}

// linkSpends sums, per link, the order amounts of payments made at the same time, ordered by
// link id (the order their rows are locked in, so payments sharing links cannot deadlock).
func linkSpends(ps []Payment, limits map[string]LinkLimits) []LinkSpend {
	var out []LinkSpend
	for _, p := range ps {
		i := slices.IndexFunc(out, func(s LinkSpend) bool { return s.LinkID == p.LinkID })
		if i < 0 {
			out = append(out, LinkSpend{LinkID: p.LinkID, Period: SpendingPeriodOf(p.CreatedAt), Limits: limits[p.LinkID]})
			i = len(out) - 1
		}
		out[i].Amount = out[i].Amount.Add(p.Amount.Amount)
	}
	slices.SortFunc(out, func(a, b LinkSpend) int { return cmp.Compare(a.LinkID, b.LinkID) })
	return out
}

// overLinkLimit lists, for the orders of a checkout that a method would pay from the balance,
// whether each one's link would pass a limit with the checkout's payable orders on that link
// added to what it has spent. Every order of such a link is marked.
func (c Checkout) overLinkLimit(payable []bool) []bool {
	sums := map[string]decimal.Decimal{}
	for i, s := range c {
		if s.Link != nil && payable[i] {
			sums[s.Link.ID] = sums[s.Link.ID].Add(s.Order.Amount.Amount)
		}
	}
	over := make([]bool, len(c))
	for i, s := range c {
		over[i] = s.Link != nil && payable[i] && !s.Link.Limits.Allows(s.LinkSpent, sums[s.Link.ID])
	}
	return over
}
