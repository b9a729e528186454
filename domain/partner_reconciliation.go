package domain

import "time"

// MaxReconciliationSpan is the longest period one partner reconciliation report covers.
const MaxReconciliationSpan = 93 * 24 * time.Hour

// ReconciliationFigures are the money figures of a reconciliation line or of the whole report.
// Payments and their fees count in the period they were made (fees net of refunded fees, as
// in PartnerSummary), refunds when refunded, paid payouts when paid, failed and pending
// payouts (by their status now) in the period they were created.
type ReconciliationFigures struct {
	PaymentCount   int
	PaymentVolume  Money // CNY
	Fees           Money // CNH
	Refunds        Money // CNY
	PayoutsPaid    Money // CNY
	PaidCount      int
	PayoutsFailed  int
	FailedAmount   Money // CNY
	PayoutsPending int
	PendingAmount  Money // CNY
}

// ZeroReconciliationFigures are empty figures in their currencies.
func ZeroReconciliationFigures() ReconciliationFigures {
	cny, cnh := Money{Currency: CNY}, Money{Currency: CNH}
	return ReconciliationFigures{PaymentVolume: cny, Fees: cnh, Refunds: cny, PayoutsPaid: cny, FailedAmount: cny, PendingAmount: cny}
}

// Add returns the sum of f and g.
func (f ReconciliationFigures) Add(g ReconciliationFigures) ReconciliationFigures {
	add := func(a, b Money) Money { return Money{Amount: a.Amount.Add(b.Amount), Currency: a.Currency} }
	return ReconciliationFigures{PaymentCount: f.PaymentCount + g.PaymentCount, PaymentVolume: add(f.PaymentVolume, g.PaymentVolume),
		Fees: add(f.Fees, g.Fees), Refunds: add(f.Refunds, g.Refunds), PayoutsPaid: add(f.PayoutsPaid, g.PayoutsPaid),
		PaidCount: f.PaidCount + g.PaidCount, PayoutsFailed: f.PayoutsFailed + g.PayoutsFailed, FailedAmount: add(f.FailedAmount, g.FailedAmount),
		PayoutsPending: f.PayoutsPending + g.PayoutsPending, PendingAmount: add(f.PendingAmount, g.PendingAmount)}
}

// ReconciledPayout is one paid supplier payout with the rail's reference for it.
type ReconciledPayout struct {
	PayoutID      string
	SupplierID    string // the supplier row
	RailReference string
	Amount        Money
	PaidAt        time.Time
}

// ReconciliationLine is one supplier's figures on one Asia/Shanghai day.
type ReconciliationLine struct {
	Day      string // YYYY-MM-DD, Asia/Shanghai
	Supplier Supplier
	ReconciliationFigures
	Paid []ReconciledPayout // the payouts paid that day, in payment order
}

// PartnerReconciliation is a partner's report for [From, To): lines by day then supplier, and
// their totals.
type PartnerReconciliation struct {
	From, To time.Time
	Lines    []ReconciliationLine
	Totals   ReconciliationFigures
}

// NewPartnerReconciliation files the paid payouts under their lines (the day they were paid
// and their supplier) and sums the totals.
func NewPartnerReconciliation(from, to time.Time, lines []ReconciliationLine, paid []ReconciledPayout) PartnerReconciliation {
	r := PartnerReconciliation{From: from, To: to, Lines: lines, Totals: ZeroReconciliationFigures()}
	at := map[[2]string]int{}
	for i, l := range lines {
		at[[2]string{l.Day, l.Supplier.ID}] = i
		r.Totals = r.Totals.Add(l.ReconciliationFigures)
	}
	for _, p := range paid {
		if i, ok := at[[2]string{ShanghaiDay(p.PaidAt), p.SupplierID}]; ok {
			r.Lines[i].Paid = append(r.Lines[i].Paid, p)
		}
	}
	return r
}

// ShanghaiDay is t's calendar day in Asia/Shanghai, as YYYY-MM-DD.
func ShanghaiDay(t time.Time) string { return t.In(Shanghai).Format(time.DateOnly) }

// checkReportPeriod validates a report period: INVALID_INPUT naming "to" when it is empty,
// reversed or longer than max.
func checkReportPeriod(from, to time.Time, max time.Duration) error {
	if !from.Before(to) {
		return Errorf(CodeInvalidInput, Field("to"), "must be after from")
	}
	if to.Sub(from) > max {
		return Errorf(CodeInvalidInput, Field("to"), "the period may cover at most %d days", int(max.Hours()/24))
	}
	return nil
}
