package db

import (
	"context"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
	"github.com/shopspring/decimal"
)

// PartnerSummary sums the period's figures within the partner (operators: over all partners):
// the rolled-up UTC days inside the period from the roll-up, the rest (the edges of a period
// not aligned to days, today, days not rolled up yet) live, by time. A month costs a month's
// roll-up rows and at most two days' payments. It reads in one snapshot, so the figures are
// those of one moment, equal to what reading it all live (partnerSummary without the roll-up)
// gives.
func (q queries) PartnerSummary(ctx context.Context, scope domain.Scope, from, to time.Time) (domain.PartnerSummary, error) {
	return partnerSummary(ctx, q.q, scope, from, to, true)
}

// summaryScope is a scope's condition on a partner column; its argument, when it has one, is
// $3, after the period's two.
type summaryScope struct {
	partnerID string // "" for every partner
}

func (s summaryScope) on(col string) string {
	if s.partnerID == "" {
		return "true"
	}
	return col + " = $3"
}

func (s summaryScope) args(from, to time.Time) []any {
	if s.partnerID == "" {
		return []any{from, to}
	}
	return []any{from, to, s.partnerID}
}

// summaryTotals adds up a period's figures from its parts.
type summaryTotals struct {
	s    domain.PartnerSummary
	sold map[string]decimal.Decimal
}

func partnerSummary(ctx context.Context, q querier, scope domain.Scope, from, to time.Time, rollup bool) (domain.PartnerSummary, error) {
	t := summaryTotals{s: domain.PartnerSummary{PaymentVolume: domain.Money{Currency: domain.CNY}, Fees: domain.Money{Currency: domain.CNH},
		Refunds: domain.Money{Currency: domain.CNY}, PayoutsPaid: domain.Money{Currency: domain.CNY}}, sold: map[string]decimal.Decimal{}}
	var sc summaryScope
	switch {
	case scope.All:
	case scope.PartnerID != "":
		sc.partnerID = scope.PartnerID
	default:
		return t.s, nil
	}
	err := inSnapshot(ctx, q, func(q querier) error {
		gaps := []domain.SummaryPeriod{{From: from, To: to}}
		if first, end, ok := domain.SummaryWholeDays(from, to); ok && rollup {
			rolled, err := t.addRolledUp(ctx, q, sc, first, end)
			if err != nil {
				return err
			}
			gaps = domain.SummaryGaps(from, to, rolled)
		}
		for _, g := range gaps {
			if err := t.addLive(ctx, q, sc, g.From, g.To); err != nil {
				return err
			}
		}
		// Open payouts are few whatever the history: counted on their partial index.
		return q.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status IN ('PENDING', 'SUBMITTED')), count(*) FILTER (WHERE status = 'FAILED')
			FROM payouts WHERE `+sc.on("partner_id")+` AND status IN `+openPayouts+` AND $1::timestamptz <= $2`,
			sc.args(from, to)...).Scan(&t.s.PayoutsPending, &t.s.PayoutsFailed)
	})
	if err != nil {
		return t.s, translate(err)
	}
	t.s.ConversionVolume = make([]domain.Money, 0, len(t.sold))
	for c, a := range t.sold {
		t.s.ConversionVolume = append(t.s.ConversionVolume, domain.Money{Currency: domain.Currency(c), Amount: a})
	}
	sort.Slice(t.s.ConversionVolume, func(i, j int) bool { return t.s.ConversionVolume[i].Currency < t.s.ConversionVolume[j].Currency })
	return t.s, nil
}

// inSnapshot runs fn in a read-only repeatable-read transaction when q is a pool (one snapshot
// for every statement), else on q itself.
func inSnapshot(ctx context.Context, q querier, fn func(querier) error) error {
	b, ok := q.(interface {
		BeginTx(context.Context, pgx.TxOptions) (pgx.Tx, error)
	})
	if !ok {
		return fn(q)
	}
	return pgx.BeginTxFunc(ctx, b, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error { return fn(tx) })
}

// addRolledUp adds the rolled-up days of [first, end) (whole UTC days) and returns their
// starts, ascending.
func (t *summaryTotals) addRolledUp(ctx context.Context, q querier, sc summaryScope, first, end time.Time) ([]time.Time, error) {
	var days []string
	var sold map[string]string
	var volume, fees, refunds, paid decimal.Decimal
	var n int
	err := q.QueryRow(ctx, `SELECT
			(SELECT coalesce(array_agg(day::text ORDER BY day), '{}') FROM summary_days
				WHERE day >= `+utcDay("$1::timestamptz")+` AND day < `+utcDay("$2::timestamptz")+`),
			coalesce(sum(payment_count), 0)::bigint, coalesce(sum(payment_volume), 0), coalesce(sum(fees), 0),
			coalesce(sum(refunds), 0), coalesce(sum(payouts_paid), 0),
			(SELECT coalesce(jsonb_object_agg(currency, sold), '{}') FROM (SELECT currency, sum(sold)::text AS sold
				FROM summary_rollup_conversions WHERE `+sc.on("partner_id")+`
					AND day >= `+utcDay("$1::timestamptz")+` AND day < `+utcDay("$2::timestamptz")+` GROUP BY currency) c)
		FROM summary_rollups WHERE `+sc.on("partner_id")+` AND day >= `+utcDay("$1::timestamptz")+` AND day < `+utcDay("$2::timestamptz"),
		sc.args(first, end)...).Scan(&days, &n, &volume, &fees, &refunds, &paid, &sold)
	if err != nil {
		return nil, err
	}
	t.add(n, volume, fees, refunds, paid)
	for c, a := range sold {
		d, err := decimal.NewFromString(a)
		if err != nil {
			return nil, err
		}
		t.sold[c] = t.sold[c].Add(d)
	}
	starts := make([]time.Time, len(days))
	for i, d := range days {
		if starts[i], err = time.Parse(time.DateOnly, d); err != nil {
			return nil, err
		}
	}
	return starts, nil
}

// addLive adds [from, to) read from the payments, refunds, payouts and conversions by time.
func (t *summaryTotals) addLive(ctx context.Context, q querier, sc summaryScope, from, to time.Time) error {
	args := sc.args(from, to)
	var volume, fees, refunds, paid decimal.Decimal
	var n int
	err := q.QueryRow(ctx, `SELECT count(*), coalesce(sum(amount), 0), coalesce(sum(`+netFees("")+`), 0)
		FROM payments WHERE `+sc.on("partner_id")+` AND created_at >= $1 AND created_at < $2`, args...).Scan(&n, &volume, &fees)
	if err != nil {
		return err
	}
	err = q.QueryRow(ctx, `SELECT coalesce(sum(r.amount), 0) FROM refunds r JOIN payments p ON p.id = r.payment_id
		WHERE `+sc.on("p.partner_id")+` AND r.created_at >= $1 AND r.created_at < $2`, args...).Scan(&refunds)
	if err != nil {
		return err
	}
	err = q.QueryRow(ctx, `SELECT coalesce(sum(amount), 0) FROM payouts
		WHERE `+sc.on("partner_id")+` AND status = 'PAID' AND paid_at >= $1 AND paid_at < $2`, args...).Scan(&paid)
	if err != nil {
		return err
	}
	t.add(n, volume, fees, refunds, paid)
	rows, err := q.Query(ctx, `SELECT c.sell_currency, sum(c.sell_amount) FROM payments p JOIN conversions c ON c.id = p.conversion_id
		WHERE `+sc.on("p.partner_id")+` AND p.created_at >= $1 AND p.created_at < $2 GROUP BY c.sell_currency`, args...)
	if err != nil {
		return err
	}
	var c string
	var a decimal.Decimal
	_, err = pgx.ForEachRow(rows, []any{&c, &a}, func() error {
		t.sold[c] = t.sold[c].Add(a)
		return nil
	})
	return err
}

func (t *summaryTotals) add(n int, volume, fees, refunds, paid decimal.Decimal) {
	t.s.PaymentCount += n
	t.s.PaymentVolume.Amount = t.s.PaymentVolume.Amount.Add(volume)
	t.s.Fees.Amount = t.s.Fees.Amount.Add(fees)
	t.s.Refunds.Amount = t.s.Refunds.Amount.Add(refunds)
	t.s.PayoutsPaid.Amount = t.s.PayoutsPaid.Amount.Add(paid)
}
