package domain

import (
	"context"
	"errors"
	"time"
)

// RetentionTx keeps retained data's time partitions.
type RetentionTx interface {
	// Partitions lists data's time partitions, oldest first (the catch-all aside).
	Partitions(ctx context.Context, data Retained) ([]Partition, error)
	// EnsurePartition makes data's partition for p.From <= time < p.To unless it exists, moving
	// into it the rows the catch-all partition holds for that range. It reports whether it
	// made one and returns its name. Like DropPartition it waits for its lock only briefly.
	EnsurePartition(ctx context.Context, data Retained, p Partition) (name string, made bool, err error)
	// DropPartition drops one of data's partitions with all its rows. It waits for the table
	// only briefly: while long transactions read it, it fails and nothing changes.
	DropPartition(ctx context.Context, data Retained, name string) error
	// PruneCatchAll deletes up to limit of data's rows older than before that sit in the
	// catch-all partition (rows written for a time no partition covered), returning how many.
	PruneCatchAll(ctx context.Context, data Retained, before time.Time, limit int) (int, error)
}

// pruneBatch bounds the rows one transaction deletes from a catch-all partition.
const pruneBatch = 10000

// PruneEvents applies every retention policy at the clock's now (system use: the daily job):
// it makes the partitions needed ahead, drops whole the partitions past retention and deletes
// the expired rows of the catch-all partitions. Each step is its own short transaction. A step
// that fails (a table too busy to lock at once) is left for the next run and the others go on;
// the error joins every failure.
func (s *Service) PruneEvents(ctx context.Context) (Pruned, error) {
	var out Pruned
	var errs []error
	now := s.clock.Now()
	for _, p := range RetentionPolicies {
		errs = append(errs, s.applyRetention(ctx, p, now, &out)...)
	}
	return out, errors.Join(errs...)
}

// applyRetention applies p at now, adding what it did to out.
func (s *Service) applyRetention(ctx context.Context, p RetentionPolicy, now time.Time, out *Pruned) []error {
	var errs []error
	for _, from := range p.PartitionsNeeded(now) {
		err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
			name, made, err := tx.EnsurePartition(ctx, p.Data, Partition{From: from, To: from.Add(PartitionSpan)})
			if made {
				out.Created = append(out.Created, name)
			}
			return err
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	var parts []Partition
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		var err error
		parts, err = tx.Partitions(ctx, p.Data)
		return err
	})
	if err != nil {
		return append(errs, err)
	}
	for _, part := range parts {
		if !p.Expired(part.To, now) {
			continue
		}
		err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.DropPartition(ctx, p.Data, part.Name) })
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out.Dropped = append(out.Dropped, part.Name)
	}
	// In bounded batches, each its own transaction: a first run after a long time never holds
	// one transaction over millions of rows.
	for {
		var n int
		err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
			var err error
			n, err = tx.PruneCatchAll(ctx, p.Data, p.Cutoff(now), pruneBatch)
			return err
		})
		out.Deleted += n
		if err != nil {
			return append(errs, err)
		}
		if n < pruneBatch {
			return errs
		}
	}
}
