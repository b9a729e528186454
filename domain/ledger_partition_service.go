package domain

import (
	"context"
	"time"
)

// LedgerPartitionTx creates the ledger's monthly partitions. Implemented by package db.
type LedgerPartitionTx interface {
	// CreateLedgerMonth creates the partitions of the ledger's tables for the month starting at
	// month (UTC) unless they exist, and reports whether it created any.
	CreateLedgerMonth(ctx context.Context, month time.Time) (bool, error)
}

// PrepareLedgerMonths creates the ledger partitions of the current month and the
// LedgerMonthsAhead after it that do not exist yet, each month in its own transaction, and
// returns how many months it created. A month it cannot create now (its lock not granted in
// time) is an error; the months already ahead keep inserts going until the next run. Months
// follow the wall clock, not the service's: the partition key is the transaction id, a UUIDv7
// of the time it was made, and a sandbox clock moved months away must not leave the real
// months uncreated.
func (s *Service) PrepareLedgerMonths(ctx context.Context) (int, error) {
	return s.PrepareLedgerMonthsAt(ctx, SystemClock{}.Now())
}

// PrepareLedgerMonthsAt is PrepareLedgerMonths as of now.
func (s *Service) PrepareLedgerMonthsAt(ctx context.Context, now time.Time) (int, error) {
	created := 0
	for _, m := range LedgerMonths(now) {
		var ok bool
		err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
			var err error
			ok, err = tx.CreateLedgerMonth(ctx, m)
			return err
		})
		if err != nil {
			return created, err
		}
		if ok {
			created++
		}
	}
	return created, nil
}
