package sandboxrail

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
)

// RailRecords is the rail's report: every transfer it answered in [from, to) (by its own
// clock) and the transfers of the given payouts. A NEW transfer (never answered, or timed
// out) is PENDING; amounts are CNY.
func (r Rail) RailRecords(ctx context.Context, from, to time.Time, payoutIDs []string) ([]domain.Record, error) {
	rows, err := r.Pool.Query(ctx, `SELECT payout_id::text, amount, status, reference FROM sandbox_rail_transfers
		WHERE updated_at >= $1 AND updated_at < $2
		UNION SELECT payout_id::text, amount, status, reference FROM sandbox_rail_transfers WHERE payout_id = ANY($3::uuid[])`,
		from, to, payoutIDs)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Record, error) {
		rec := domain.Record{Amount: domain.Money{Currency: domain.CNY}}
		var status string
		err := row.Scan(&rec.ID, &rec.Amount.Amount, &status, &rec.Reference)
		rec.Status = map[string]string{StatusPaid: domain.RecordPaid, StatusFailed: domain.RecordFailed}[status]
		if rec.Status == "" {
			rec.Status = domain.RecordPending
		}
		return rec, err
	})
}
