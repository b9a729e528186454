package domain

import (
	"context"
	"slices"
	"time"
)

// Counterparty is the outside party a reconciliation compares our books with.
type Counterparty string

const (
	CounterpartyPayoutRail Counterparty = "PAYOUT_RAIL" // our payouts against the rail's transfers
	CounterpartyFXProvider Counterparty = "FX_PROVIDER" // our FX settlements against the provider's trades
)

// BreakProblem is what does not agree between our record and the counterparty's.
type BreakProblem string

const (
	BreakMissingAtCounterparty BreakProblem = "MISSING_AT_COUNTERPARTY"
	BreakMissingAtKJB          BreakProblem = "MISSING_AT_KJB"
	BreakAmountDiffers         BreakProblem = "AMOUNT_DIFFERS"
	BreakCurrencyDiffers       BreakProblem = "CURRENCY_DIFFERS"
	BreakStatusDiffers         BreakProblem = "STATUS_DIFFERS"
)

// BreakStatus is where an operator is with a break.
type BreakStatus string

const (
	BreakOpen     BreakStatus = "OPEN"
	BreakResolved BreakStatus = "RESOLVED"
)

// Statuses a reconciliation record has on either side.
const (
	RecordPending = "PENDING" // sent, no final answer yet
	RecordPaid    = "PAID"    // a payout paid
	RecordFailed  = "FAILED"  // a payout refused for good
	RecordSettled = "SETTLED" // an FX trade filled
)

// Record is one side's view of one payout or settlement: for a payout the CNY amount; for a
// settlement the base (positive: the house sold it) and the quote received (Counter).
type Record struct {
	ID        string // the payout or settlement id
	Amount    Money
	Counter   Money
	Status    string
	Reference string
}

// ReconciliationBreak is one disagreement found by the daily reconciliation, with both sides'
// figures (a side missing from a MISSING_* break is nil). One break is stored per
// counterparty, object and problem: running a day again adds nothing.
type ReconciliationBreak struct {
	ID           string
	Day          string // the Asia/Shanghai day whose run found it (YYYY-MM-DD)
	Counterparty Counterparty
	ObjectID     string
	Problem      BreakProblem
	Ours, Theirs *Record
	Status       BreakStatus
	Note         string
	ResolvedAt   *time.Time
	CreatedAt    time.Time
}

// Compare lists the breaks between our records and the counterparty's, in object id order:
// an object on one side only, a currency that differs, an amount that differs, a status that
// differs (each its own break).
func Compare(cp Counterparty, day string, ours, theirs []Record) []ReconciliationBreak {
	o, t := map[string]Record{}, map[string]Record{}
	var ids []string
	for _, r := range ours {
		o[r.ID] = r
		ids = append(ids, r.ID)
	}
	for _, r := range theirs {
		if _, dup := o[r.ID]; !dup {
			ids = append(ids, r.ID)
		}
		t[r.ID] = r
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []ReconciliationBreak
	add := func(id string, p BreakProblem, a, b *Record) {
		out = append(out, ReconciliationBreak{Day: day, Counterparty: cp, ObjectID: id, Problem: p, Ours: a, Theirs: b, Status: BreakOpen})
	}
	for _, id := range ids {
		a, inOurs := o[id]
		b, inTheirs := t[id]
		switch {
		case !inTheirs:
			add(id, BreakMissingAtCounterparty, &a, nil)
			continue
		case !inOurs:
			add(id, BreakMissingAtKJB, nil, &b)
			continue
		}
		if a.Amount.Currency != b.Amount.Currency || a.Counter.Currency != b.Counter.Currency {
			add(id, BreakCurrencyDiffers, &a, &b)
		} else if !a.Amount.Amount.Equal(b.Amount.Amount) || !a.Counter.Amount.Equal(b.Counter.Amount) {
			add(id, BreakAmountDiffers, &a, &b)
		}
		if a.Status != b.Status {
			add(id, BreakStatusDiffers, &a, &b)
		}
	}
	return out
}

// ShanghaiDayBounds parses a YYYY-MM-DD day and returns its Asia/Shanghai bounds [from, to).
// INVALID_INPUT naming field otherwise.
func ShanghaiDayBounds(day string, field []string) (from, to time.Time, err error) {
	d, err := time.ParseInLocation(time.DateOnly, day, Shanghai)
	if err != nil {
		return time.Time{}, time.Time{}, Errorf(CodeInvalidInput, field, "must be a day, YYYY-MM-DD")
	}
	return d, d.AddDate(0, 0, 1), nil
}

// RailReport is the payout rail's own record, as its daily report gives it (the sandbox rail
// reads its table; a real rail's adapter reads the rail's report).
type RailReport interface {
	// RailRecords returns the rail's record of every transfer it made or answered in [from,
	// to), and of the given payouts whatever their day.
	RailRecords(ctx context.Context, from, to time.Time, payoutIDs []string) ([]Record, error)
}

// ProviderReport is the liquidity provider's own record of its trades with the house.
type ProviderReport interface {
	// ProviderTrades returns the provider's record of every trade made in [from, to), and of
	// the trades of the given settlements whatever their day.
	ProviderTrades(ctx context.Context, from, to time.Time, settlementIDs []string) ([]Record, error)
}

// ReconciliationStore reads our side and the stored breaks. Implemented by package db.
type ReconciliationStore interface {
	// PayoutRecords returns our payouts handed to the rail and created or paid in [from, to),
	// and the given payouts whatever their day.
	PayoutRecords(ctx context.Context, from, to time.Time, ids []string) ([]Record, error)
	// SettlementRecords returns our settlements settled in [from, to), and the given
	// settlements whatever their day or status.
	SettlementRecords(ctx context.Context, from, to time.Time, ids []string) ([]Record, error)
	// ReconciliationBreaks lists breaks, optionally of one status, newest first, up to page.First+1.
	ReconciliationBreaks(ctx context.Context, status BreakStatus, page Page) ([]ReconciliationBreak, error)
	ReconciliationBreak(ctx context.Context, id string) (ReconciliationBreak, error)
}

// ReconciliationTx writes breaks. Implemented by package db.
type ReconciliationTx interface {
	// InsertBreaks stores the breaks not stored yet (by counterparty, object and problem) and
	// returns those it stored, with their ids.
	InsertBreaks(ctx context.Context, bs []ReconciliationBreak, at time.Time) ([]ReconciliationBreak, error)
	// ResolveBreak marks an OPEN break RESOLVED with the note; NOT_FOUND when there is none,
	// INVALID_STATE when it is resolved already.
	ResolveBreak(ctx context.Context, id, note string, at time.Time) (ReconciliationBreak, error)
}
