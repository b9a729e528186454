package domain

import (
	"context"
	"time"
)

// SealQueries read the ledger for sealing and verifying. Implemented by package db.
type SealQueries interface {
	// LedgerHorizon returns the last ledger entry id handed out and the id the next database
	// transaction will get: once every transaction below it has ended, no entry at or below
	// lastEntryID can still appear.
	LedgerHorizon(ctx context.Context) (lastEntryID int64, nextXact uint64, err error)
	// TransactionsEndedBefore reports whether every database transaction below xact has ended.
	TransactionsEndedBefore(ctx context.Context, xact uint64) (bool, error)
	// EachSealEntry streams the entries with ids in (after, last], in id order, at most limit
	// (0: all), with their transactions, to fn.
	EachSealEntry(ctx context.Context, after, last int64, limit int, fn func(SealEntry) error) error
	// Seals lists stored seals after sequence number after, by sequence, at most limit.
	Seals(ctx context.Context, after int64, limit int) ([]Seal, error)
	// SealCovering returns the seal whose range holds the entry, nil when none does yet.
	SealCovering(ctx context.Context, entryID int64) (*Seal, error)
	// EntriesAfter counts the ledger entries with ids above id; past a backlog of many
	// thousands it may answer an upper bound, the number of entry ids handed out since id.
	EntriesAfter(ctx context.Context, id int64) (int64, error)
}

// SealTx writes seals. Implemented by package db.
type SealTx interface {
	// LockSealChain takes the sealers' lock for this transaction (payments never take it) and
	// returns the last seal, nil when there is none.
	LockSealChain(ctx context.Context) (*Seal, error)
	InsertSeal(ctx context.Context, s Seal) error
}

// SealLedger seals every ledger entry committed since the last seal into the hash chain, at
// most maxEntries per seal. It first waits (up to wait) for the database transactions under
// way to end, so no entry can later appear inside a sealed range; payments never wait for it.
// It returns the seals it stored.
func (s *Service) SealLedger(ctx context.Context, maxEntries int, wait time.Duration) ([]Seal, error) {
	q := s.store.Queries()
	last, xact, err := q.LedgerHorizon(ctx)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		ended, err := q.TransactionsEndedBefore(ctx, xact)
		if err != nil {
			return nil, err
		}
		if ended {
			break
		}
		if time.Now().After(deadline) {
			return nil, Errorf(CodeInvalidState, nil, "ledger transactions still under way after %s: sealing later", wait)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	var out []Seal
	for {
		var done bool
		err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
			prev, err := tx.LockSealChain(ctx)
			if err != nil {
				return err
			}
			after := int64(0)
			if prev != nil {
				after = prev.Last
			}
			if after >= last {
				done = true
				return nil
			}
			b := NewSealBuilder(prev, last)
			var n int
			var lastSeen int64
			if err := tx.EachSealEntry(ctx, after, last, maxEntries, func(e SealEntry) error {
				n, lastSeen = n+1, e.EntryID
				return b.Add(e)
			}); err != nil {
				return err
			}
			if n == 0 {
				done = true // only ids of rolled-back transactions: the next seal covers them
				return nil
			}
			if n == maxEntries {
				b.seal.Last = lastSeen
			}
			seal := b.Seal(s.clock.Now())
			if err := tx.InsertSeal(ctx, seal); err != nil {
				return err
			}
			out = append(out, seal)
			done = seal.Last >= last
			return nil
		})
		if err != nil || done {
			return out, err
		}
	}
}

// VerifyLedger recomputes every seal from the ledger's entries, in order, and stops at the
// first that does not match, naming it and the first transaction in it that changed.
func (s *Service) VerifyLedger(ctx context.Context) (LedgerVerification, error) {
	q := s.store.Queries()
	var v LedgerVerification
	for {
		seals, err := q.Seals(ctx, headSeq(v.Head), 100)
		if err != nil {
			return v, err
		}
		for _, stored := range seals {
			b := NewSealBuilder(v.Head, stored.Last)
			if err := q.EachSealEntry(ctx, stored.After, stored.Last, 0, b.Add); err != nil {
				return v, err
			}
			recomputed := b.Seal(stored.SealedAt)
			if f := CheckSeal(stored, recomputed, v.Head); f != nil {
				v.Failure = f
				return v, nil
			}
			v.Seals++
			v.Entries += int64(stored.Entries)
			head := stored
			v.Head = &head
		}
		if len(seals) < 100 {
			break
		}
	}
	var after int64
	if v.Head != nil {
		after = v.Head.Last
	}
	n, err := q.EntriesAfter(ctx, after)
	v.Unsealed = n
	return v, err
}

// VerifyLedgerAs is VerifyLedger for the API. OPERATOR only.
func (s *Service) VerifyLedgerAs(ctx context.Context, actor Actor) (LedgerVerification, error) {
	if err := actor.Can(ActVerifyLedger); err != nil {
		return LedgerVerification{}, err
	}
	return s.VerifyLedger(ctx)
}

func headSeq(s *Seal) int64 {
	if s == nil {
		return 0
	}
	return s.Seq
}
