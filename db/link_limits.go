package db

import (
	"context"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/shopspring/decimal"
)

func (q queries) LinkSpent(ctx context.Context, linkID string, period domain.SpendingPeriod) (domain.LinkSpent, error) {
	var s domain.LinkSpent
	err := q.q.QueryRow(ctx, `SELECT coalesce(sum(spent) FILTER (WHERE period = 'DAY'), 0), coalesce(sum(spent) FILTER (WHERE period = 'MONTH'), 0)
		FROM link_spending WHERE link_id = $1 AND ((period = 'DAY' AND starts = $2::date) OR (period = 'MONTH' AND starts = $3::date))`,
		linkID, domain.ShanghaiDay(period.Day), domain.ShanghaiDay(period.Month)).Scan(&s.Day, &s.Month)
	return s, translate(err)
}

func (t *txStore) SetLinkLimits(ctx context.Context, linkID string, l domain.LinkLimits, at time.Time) error {
	if l.None() {
		_, err := t.tx.Exec(ctx, `DELETE FROM link_spending_limits WHERE link_id = $1`, linkID)
		return translate(err)
	}
	_, err := t.tx.Exec(ctx, `INSERT INTO link_spending_limits (link_id, daily, monthly, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (link_id) DO UPDATE SET daily = EXCLUDED.daily, monthly = EXCLUDED.monthly, updated_at = EXCLUDED.updated_at`,
		linkID, l.Daily, l.Monthly, at)
	return translate(err)
}

// AddLinkSpending queues one statement that adds every spend to its link's day and month rows
// (created on a period's first payment), in the spends' order, day before month. Each row
// records the limit the spend was allowed under; the table's CHECK refuses a sum above it.
func (t *txStore) AddLinkSpending(ctx context.Context, spends []domain.LinkSpend) error {
	if len(spends) == 0 {
		return nil
	}
	links, days, months := make([]string, len(spends)), make([]string, len(spends)), make([]string, len(spends))
	amounts := make([]decimal.Decimal, len(spends))
	daily, monthly := make([]*decimal.Decimal, len(spends)), make([]*decimal.Decimal, len(spends))
	for i, s := range spends {
		links[i], days[i], months[i], amounts[i] = s.LinkID, domain.ShanghaiDay(s.Period.Day), domain.ShanghaiDay(s.Period.Month), s.Amount
		daily[i], monthly[i] = s.Limits.Daily, s.Limits.Monthly
	}
	t.tx.deferExec(`INSERT INTO link_spending AS u (link_id, period, starts, spent, cap)
		SELECT s.link_id, p.period, CASE p.period WHEN 'DAY' THEN s.day ELSE s.month END, s.amount,
			CASE p.period WHEN 'DAY' THEN s.daily ELSE s.monthly END
		FROM unnest($1::uuid[], $2::date[], $3::date[], $4::numeric[], $5::numeric[], $6::numeric[])
			WITH ORDINALITY AS s(link_id, day, month, amount, daily, monthly, n)
		CROSS JOIN (VALUES ('DAY', 1), ('MONTH', 2)) AS p(period, k)
		ORDER BY s.n, p.k
		ON CONFLICT (link_id, period, starts) DO UPDATE SET spent = u.spent + EXCLUDED.spent, cap = EXCLUDED.cap`,
		links, days, months, amounts, daily, monthly)
	return nil
}

func (t *txStore) FreeLinkSpending(ctx context.Context, paymentID string, period domain.SpendingPeriod, amount decimal.Decimal) error {
	t.tx.deferExec(`UPDATE link_spending u SET spent = u.spent - $4 FROM payments p
		WHERE p.id = $1 AND u.link_id = p.link_id
			AND ((u.period = 'DAY' AND u.starts = $2::date) OR (u.period = 'MONTH' AND u.starts = $3::date))`,
		paymentID, domain.ShanghaiDay(period.Day), domain.ShanghaiDay(period.Month), amount)
	return nil
}
