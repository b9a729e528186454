package domain

import (
	"context"
	"time"
)

// ReconciliationQueries read the partner reconciliation report. Implemented by package db.
type ReconciliationQueries interface {
	// ReconciliationLines returns, within scope, one line per Asia/Shanghai day and supplier
	// with figures in [from, to), by day then supplier id (Paid left empty).
	ReconciliationLines(ctx context.Context, scope Scope, from, to time.Time) ([]ReconciliationLine, error)
	// PaidPayouts lists, within scope, the payouts paid in [from, to), by time paid.
	PaidPayouts(ctx context.Context, scope Scope, from, to time.Time) ([]ReconciledPayout, error)
}

// PartnerReconciliation is the calling partner's report for [from, to) (operators: every
// partner): per day and supplier, payments, fees, refunds and payouts, with totals that tie to
// PartnerSummary for the same period. FORBIDDEN for account keys; INVALID_INPUT naming "to"
// for a reversed period or one longer than 93 days.
func (s *Service) PartnerReconciliation(ctx context.Context, actor Actor, from, to time.Time) (PartnerReconciliation, error) {
	if err := actor.Can(ActPartnerReconciliation); err != nil {
		return PartnerReconciliation{}, err
	}
	if err := checkReportPeriod(from, to, MaxReconciliationSpan); err != nil {
		return PartnerReconciliation{}, err
	}
	q := s.store.Reports()
	lines, err := q.ReconciliationLines(ctx, actor.Scope(), from, to)
	if err != nil {
		return PartnerReconciliation{}, err
	}
	paid, err := q.PaidPayouts(ctx, actor.Scope(), from, to)
	if err != nil {
		return PartnerReconciliation{}, err
	}
	return NewPartnerReconciliation(from, to, lines, paid), nil
}
