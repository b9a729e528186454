package domain

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// SummaryRollupQueries read for the per-day roll-up. Implemented by package db.
type SummaryRollupQueries interface {
	// WaitSummaryWriters waits (up to wait) until every transaction writing (or locking for
	// writing) payments, refunds, payouts or conversions when it is called has ended.
	// INVALID_STATE when some are still under way then.
	WaitSummaryWriters(ctx context.Context, wait time.Duration) error
}

// SummaryRollupTx keeps partnerSummary's per-day roll-up. Implemented by package db.
type SummaryRollupTx interface {
	// RollUpSummaryDays rolls up, oldest first, at most limit of the UTC days ending at or
	// before `before` that are not rolled up yet, and returns how many it rolled up: 0 when
	// none is left, or when the sandbox clock was moved less than SummaryRollupMargin ago
	// (processes may still stamp rows with the clock from before).
	RollUpSummaryDays(ctx context.Context, before time.Time, limit int) (int, error)
	// LowerSummaryFees takes a refund's fees off the fees of its payment's day when that day
	// is rolled up, in the refund's transaction.
	LowerSummaryFees(ctx context.Context, partnerID string, paymentCreatedAt time.Time, fees decimal.Decimal) error
}

// summaryDaysPerTx bounds one roll-up transaction (catching up a year takes a dozen).
const summaryDaysPerTx = 31

// RollUpSummaries rolls up every UTC day over for SummaryRollupMargin that is not rolled up
// yet (all of them after downtime, or on a database grown or restored with history) and
// returns how many days it rolled up: at most maxDays, oldest first (0: no bound; the next run
// goes on). It first waits (up to wait) for the transactions writing the summed rows when it
// read the clock to end; INVALID_STATE when they are still under way then (the next run rolls
// up). Running it again, or twice at once, rolls up no day twice. The roll-up is for reports
// only: nothing that decides about money reads it.
func (s *Service) RollUpSummaries(ctx context.Context, wait time.Duration, maxDays int) (int, error) {
	before := SummaryRollableBefore(s.clock.Now())
	if err := s.store.Queries().WaitSummaryWriters(ctx, wait); err != nil {
		return 0, err
	}
	total := 0
	for {
		limit := summaryDaysPerTx
		if maxDays > 0 {
			limit = min(limit, maxDays-total)
		}
		var n int
		err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
			var err error
			n, err = tx.RollUpSummaryDays(ctx, before, limit)
			return err
		})
		if err != nil {
			return total, err
		}
		if total += n; n < limit || total == maxDays {
			return total, nil
		}
	}
}
