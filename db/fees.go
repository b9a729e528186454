package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
	"github.com/shopspring/decimal"
)

func (q queries) FeeSchedule(ctx context.Context, t time.Time) (domain.FeeSchedule, error) {
	var f domain.FeeSchedule
	var mins, rates []decimal.Decimal
	err := q.q.QueryRow(ctx, `SELECT s.standard_rate, s.card_rate, s.worldfirst_balance_minimum,
			array_agg(t.min_average_monthly_volume ORDER BY t.min_average_monthly_volume),
			array_agg(t.rate ORDER BY t.min_average_monthly_volume)
		FROM fee_schedules s JOIN fee_tiers t ON t.schedule_id = s.id
		WHERE s.id = (SELECT id FROM fee_schedules WHERE effective_from <= $1 ORDER BY effective_from DESC LIMIT 1)
		GROUP BY s.id`, t).Scan(&f.StandardRate, &f.CardRate, &f.WorldFirstBalanceMinimum.Amount, &mins, &rates)
	if err != nil {
		return domain.FeeSchedule{}, translate(err)
	}
	f.WorldFirstBalanceMinimum.Currency = domain.CNY
	for i := range mins {
		f.ServiceTiers = append(f.ServiceTiers, domain.Tier{MinAverageMonthlyVolume: mins[i], Rate: rates[i]})
	}
	return f, nil
}

const statementColumns = `id, account_id, month, volume, payment_count, standard_fees, service_fees, average_monthly_volume, next_service_fee_rate, created_at`

func (q queries) FeeStatements(ctx context.Context, accountID string, page domain.Page) ([]domain.FeeStatement, error) {
	rows, err := q.q.Query(ctx, `SELECT `+statementColumns+` FROM fee_statements WHERE account_id = $1 AND ($2::text IS NULL OR month < $2)
		ORDER BY month DESC LIMIT $3`, accountID, nullable(page.After), page.First+1)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.FeeStatement, error) { return scanStatement(r) })
}

func (q queries) FeeStatement(ctx context.Context, id string, scope domain.Scope) (domain.FeeStatement, error) {
	if !validUUID(id) {
		return domain.FeeStatement{}, domain.NotFound("fee statement", nil)
	}
	s, err := scanStatement(q.q.QueryRow(ctx, `SELECT `+statementColumns+` FROM fee_statements WHERE id = $1 AND ($2 OR account_id = $3)`,
		id, scope.All, nullable(scope.AccountID)))
	return s, translate(err)
}

func scanStatement(row pgx.Row) (domain.FeeStatement, error) {
	var s domain.FeeStatement
	var month string
	err := row.Scan(&s.ID, &s.AccountID, &month, &s.Volume.Amount, &s.PaymentCount, &s.StandardFees.Amount, &s.ServiceFees.Amount,
		&s.AverageMonthlyVolume.Amount, &s.NextServiceFeeRate, &s.CreatedAt)
	s.Month, _ = domain.ParseMonth(month, nil)
	s.Volume.Currency, s.AverageMonthlyVolume.Currency = domain.CNY, domain.CNY
	s.StandardFees.Currency, s.ServiceFees.Currency = domain.CNH, domain.CNH
	return s, err
}

func (q queries) PaymentVolume(ctx context.Context, accountID string, from, to time.Time) (decimal.Decimal, error) {
	var v decimal.Decimal
	err := q.q.QueryRow(ctx, `SELECT coalesce(sum(amount - refunded_amount), 0) FROM payments
		WHERE account_id = $1 AND created_at >= $2 AND created_at < $3`, accountID, from, to).Scan(&v)
	return v, translate(err)
}

func (q queries) StatementVolume(ctx context.Context, accountID string, months []domain.Month) (decimal.Decimal, error) {
	names := make([]string, len(months))
	for i, m := range months {
		names[i] = m.String()
	}
	var v decimal.Decimal
	err := q.q.QueryRow(ctx, `SELECT coalesce(sum(volume), 0) FROM fee_statements WHERE account_id = $1 AND month = ANY($2)`,
		accountID, names).Scan(&v)
	return v, translate(err)
}

// closeMonthSQL is the whole month close as one statement: claim the month, aggregate the
// month's payments per account in one pass (net of refunds; refunded fees split pro rata
// between the standard and service lines, computed only for rows that have any), add every account with an earlier statement, average over the
// last three months (fewer for accounts younger than that), pick the tier, insert the
// statements and set the accounts' rates (unless a later month is already closed).
const closeMonthSQL = `
WITH claimed AS (
	INSERT INTO fee_months (month, closed_at) VALUES ($1, $4) ON CONFLICT (month) DO NOTHING RETURNING month),
activity AS (
	SELECT account_id, sum(amount - refunded_amount) AS volume, count(*) AS n,
		coalesce(sum(standard_fee), 0)
			- coalesce(sum(CASE WHEN refunded_fees > 0 THEN round(refunded_fees * standard_fee / (standard_fee + service_fee), 2) END), 0) AS std,
		coalesce(sum(standard_fee), 0) + coalesce(sum(service_fee), 0) - sum(refunded_fees) AS fees
	FROM payments WHERE created_at >= $2 AND created_at < $3 GROUP BY account_id),
members AS (
	SELECT account_id FROM activity
	UNION SELECT DISTINCT account_id FROM fee_statements WHERE month < $1),
earlier AS (
	SELECT account_id, sum(volume) AS volume FROM fee_statements WHERE month = ANY($5) GROUP BY account_id),
figures AS (
	SELECT m.account_id, coalesce(a.volume, 0) AS volume, coalesce(a.n, 0) AS n, coalesce(a.std, 0) AS std, coalesce(a.fees - a.std, 0) AS svc,
		round((coalesce(a.volume, 0) + coalesce(e.volume, 0)) / greatest(1, least(3, $6::int -
			(extract(year FROM acc.created_at AT TIME ZONE 'UTC' + interval '8 hours')::int * 12 +
			 extract(month FROM acc.created_at AT TIME ZONE 'UTC' + interval '8 hours')::int) + 1)), 2) AS average
	FROM members m JOIN accounts acc ON acc.id = m.account_id
	LEFT JOIN activity a ON a.account_id = m.account_id LEFT JOIN earlier e ON e.account_id = m.account_id),
inserted AS (
	INSERT INTO fee_statements (account_id, month, volume, payment_count, standard_fees, service_fees, average_monthly_volume,
		next_service_fee_rate, created_at)
	SELECT f.account_id, $1, f.volume, f.n, f.std, f.svc, f.average,
		(SELECT t.rate FROM unnest($7::numeric[], $8::numeric[]) AS t(min, rate) WHERE f.average >= t.min ORDER BY t.min DESC LIMIT 1),
		$4
	FROM figures f WHERE EXISTS (SELECT 1 FROM claimed)
	RETURNING id, account_id, next_service_fee_rate),
statement_events AS (
	INSERT INTO events (id, type, occurred_at, account_id, object_type, object_id)
	SELECT gen_random_uuid(), 'fee_statement.created', $4, account_id, 'FeeStatement', id FROM inserted),
rated AS (
	UPDATE accounts SET service_fee_rate = i.next_service_fee_rate FROM inserted i
	WHERE accounts.id = i.account_id AND NOT EXISTS (SELECT 1 FROM fee_months WHERE month > $1)
	RETURNING accounts.id)
SELECT (SELECT count(*) FROM claimed), (SELECT count(*) FROM inserted), (SELECT count(*) FROM rated)`

func (t *txStore) CloseMonth(ctx context.Context, m domain.Month, sched domain.FeeSchedule, now time.Time) (bool, int, error) {
	mins := make([]decimal.Decimal, len(sched.ServiceTiers))
	rates := make([]decimal.Decimal, len(sched.ServiceTiers))
	for i, tier := range sched.ServiceTiers {
		mins[i], rates[i] = tier.MinAverageMonthlyVolume, tier.Rate
	}
	var claimed, inserted, rated int
	err := t.tx.QueryRow(ctx, closeMonthSQL, m.String(), m.Start(), m.End(), now,
		[]string{m.Add(-1).String(), m.Add(-2).String()}, m.Year*12+int(m.Month), mins, rates).Scan(&claimed, &inserted, &rated)
	if err != nil {
		return false, 0, translate(err)
	}
	if claimed == 1 {
		if _, err := t.tx.Exec(ctx, `UPDATE fee_months SET statements = $2 WHERE month = $1`, m.String(), inserted); err != nil {
			return false, 0, translate(err)
		}
	}
	return claimed == 1, inserted, nil
}
