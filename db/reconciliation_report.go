package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
)

// shanghaiDay is the Asia/Shanghai calendar day of a timestamptz column, as YYYY-MM-DD.
func shanghaiDay(col string) string {
	return `to_char(` + col + ` AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`
}

func (q queries) ReconciliationLines(ctx context.Context, scope domain.Scope, from, to time.Time) ([]domain.ReconciliationLine, error) {
	all, partner, _ := scopeArgs(scope)
	rows, err := q.q.Query(ctx, `SELECT x.day, s.id, s.partner_id, s.supplier_id, s.name, s.accepts_cross_border_pay, s.payout_account, s.updated_at,
			sum(x.n)::int, sum(x.volume), sum(x.fees), sum(x.refunds), sum(x.paid), sum(x.paid_n)::int,
			sum(x.failed_n)::int, sum(x.failed), sum(x.pending_n)::int, sum(x.pending)
		FROM (
			SELECT `+shanghaiDay("p.created_at")+` AS day, p.supplier_row_id AS supplier, 1 AS n, p.amount AS volume,
				`+netFees("p")+` AS fees,
				0 AS refunds, 0 AS paid, 0 AS paid_n, 0 AS failed_n, 0 AS failed, 0 AS pending_n, 0 AS pending
			FROM payments p WHERE `+partnerScope(all, "p.partner_id")+` AND p.created_at >= $3 AND p.created_at < $4
			UNION ALL
			SELECT `+shanghaiDay("r.created_at")+`, p.supplier_row_id, 0, 0, 0, r.amount, 0, 0, 0, 0, 0, 0
			FROM refunds r JOIN payments p ON p.id = r.payment_id
			WHERE `+partnerScope(all, "p.partner_id")+` AND r.created_at >= $3 AND r.created_at < $4
			UNION ALL
			SELECT `+shanghaiDay("o.paid_at")+`, o.supplier_row_id, 0, 0, 0, 0, o.amount, 1, 0, 0, 0, 0
			FROM payouts o WHERE `+partnerScope(all, "o.partner_id")+` AND o.status = 'PAID' AND o.paid_at >= $3 AND o.paid_at < $4
			UNION ALL
			SELECT `+shanghaiDay("o.created_at")+`, o.supplier_row_id, 0, 0, 0, 0, 0, 0,
				(o.status = 'FAILED')::int, CASE WHEN o.status = 'FAILED' THEN o.amount ELSE 0 END,
				(o.status IN ('PENDING', 'SUBMITTED'))::int, CASE WHEN o.status IN ('PENDING', 'SUBMITTED') THEN o.amount ELSE 0 END
			FROM payouts o WHERE `+partnerScope(all, "o.partner_id")+` AND o.status <> 'PAID' AND o.created_at >= $3 AND o.created_at < $4
		) x JOIN suppliers s ON s.id = x.supplier
		GROUP BY x.day, s.id ORDER BY x.day, s.supplier_id, s.id`, all, partner, from, to)
	if err != nil {
		return nil, translate(err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.ReconciliationLine, error) {
		l := domain.ReconciliationLine{ReconciliationFigures: domain.ZeroReconciliationFigures()}
		f := &l.ReconciliationFigures
		err := r.Scan(&l.Day, &l.Supplier.ID, &l.Supplier.PartnerID, &l.Supplier.ExternalID, &l.Supplier.Name,
			&l.Supplier.AcceptsCrossBorderPay, &l.Supplier.PayoutAccount, &l.Supplier.UpdatedAt,
			&f.PaymentCount, &f.PaymentVolume.Amount, &f.Fees.Amount, &f.Refunds.Amount, &f.PayoutsPaid.Amount, &f.PaidCount,
			&f.PayoutsFailed, &f.FailedAmount.Amount, &f.PayoutsPending, &f.PendingAmount.Amount)
		return l, err
	})
}

func (q queries) PaidPayouts(ctx context.Context, scope domain.Scope, from, to time.Time) ([]domain.ReconciledPayout, error) {
	all, partner, _ := scopeArgs(scope)
	rows, err := q.q.Query(ctx, `SELECT id, supplier_row_id, rail_reference, amount, paid_at FROM payouts
		WHERE `+partnerScope(all, "partner_id")+` AND status = 'PAID' AND paid_at >= $3 AND paid_at < $4 ORDER BY paid_at, id`, all, partner, from, to)
	if err != nil {
		return nil, translate(err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.ReconciledPayout, error) {
		p := domain.ReconciledPayout{Amount: domain.Money{Currency: domain.CNY}}
		err := r.Scan(&p.PayoutID, &p.SupplierID, &p.RailReference, &p.Amount.Amount, &p.PaidAt)
		return p, err
	})
}

// partnerScope is the scope condition on a partner column, written for the scope at hand so
// that a partner's read uses the (partner_id, time) indexes under a generic plan, which
// "($1 OR col = $2)" does not: no condition on the column for everything (the parameters stay
// typed), the column's equality for one partner.
func partnerScope(all bool, col string) string {
	if all {
		return "($1 AND $2::text IS NULL)"
	}
	return "(NOT $1 AND " + col + " = $2)"
}
