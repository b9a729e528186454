package domain

import (
	"context"
	"strings"
	"time"
)

// ReconcileDay compares one Asia/Shanghai day: our payouts with the rail's record, our FX
// settlements with the provider's trades. Each new disagreement is stored as a break and
// emits a reconciliation.break event; a disagreement already stored adds nothing. It returns
// the breaks it stored. INVALID_INPUT naming "day" for a malformed day.
func (s *Service) ReconcileDay(ctx context.Context, day string, rail RailReport, provider ProviderReport) ([]ReconciliationBreak, error) {
	from, to, err := ShanghaiDayBounds(day, Field("day"))
	if err != nil {
		return nil, err
	}
	q := s.store.Queries()
	payouts, err := reconcileSide(ctx, CounterpartyPayoutRail, day, from, to, q.PayoutRecords, rail.RailRecords)
	if err != nil {
		return nil, err
	}
	trades, err := reconcileSide(ctx, CounterpartyFXProvider, day, from, to, q.SettlementRecords, provider.ProviderTrades)
	if err != nil {
		return nil, err
	}
	found := append(payouts, trades...)
	var stored []ReconciliationBreak
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		stored, err = tx.InsertBreaks(ctx, found, s.clock.Now())
		if err != nil {
			return err
		}
		events := make([]Event, len(stored))
		for i, b := range stored {
			events[i] = Event{Type: EventReconciliationBreak, ObjectType: "ReconciliationBreak", ObjectID: b.ID}
		}
		return s.emit(ctx, tx, events...)
	})
	return stored, err
}

type recordsOf func(ctx context.Context, from, to time.Time, ids []string) ([]Record, error)

// reconcileSide reads our records of the day and the counterparty's (of the day, and of every
// object we have), then ours of the objects only the counterparty named, and compares them.
func reconcileSide(ctx context.Context, cp Counterparty, day string, from, to time.Time, ours, theirs recordsOf) ([]ReconciliationBreak, error) {
	a, err := ours(ctx, from, to, nil)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	ids := make([]string, len(a))
	for i, r := range a {
		ids[i], have[r.ID] = r.ID, true
	}
	b, err := theirs(ctx, from, to, ids)
	if err != nil {
		return nil, err
	}
	var more []string
	for _, r := range b {
		if !have[r.ID] {
			more = append(more, r.ID)
		}
	}
	if len(more) > 0 {
		extra, err := ours(ctx, time.Time{}, time.Time{}, more)
		if err != nil {
			return nil, err
		}
		a = append(a, extra...)
	}
	return Compare(cp, day, a, b), nil
}

// ReconciliationBreaks lists the breaks, optionally only OPEN or RESOLVED ones, newest
// first. OPERATOR only.
func (s *Service) ReconciliationBreaks(ctx context.Context, actor Actor, status BreakStatus, page Page) (Slice[ReconciliationBreak], error) {
	if err := actor.Can(ActListBreaks); err != nil {
		return Slice[ReconciliationBreak]{}, err
	}
	rows, err := s.store.Queries().ReconciliationBreaks(ctx, status, page)
	return Cut(rows, page), err
}

// ReconciliationBreak returns one break; NOT_FOUND for anyone but operators.
func (s *Service) ReconciliationBreak(ctx context.Context, actor Actor, id string) (ReconciliationBreak, error) {
	if err := actor.Can(ActReadBreak); err != nil {
		return ReconciliationBreak{}, err
	}
	return s.store.Queries().ReconciliationBreak(ctx, id)
}

// ResolveReconciliationBreak closes an OPEN break with the operator's note (1–1000
// characters). OPERATOR only; INVALID_INPUT naming "note", NOT_FOUND naming "id",
// INVALID_STATE when it is resolved already.
func (s *Service) ResolveReconciliationBreak(ctx context.Context, actor Actor, id, note string) (ReconciliationBreak, error) {
	if err := actor.Can(ActResolveBreak); err != nil {
		return ReconciliationBreak{}, err
	}
	note = strings.TrimSpace(note)
	if note == "" || len(note) > 1000 {
		return ReconciliationBreak{}, Errorf(CodeInvalidInput, Field("note"), "must be 1 to 1000 characters")
	}
	var out ReconciliationBreak
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		b, err := tx.ResolveBreak(ctx, id, note, s.clock.Now())
		out = b
		return notFoundAs(err, "reconciliation break", Field("id"))
	})
	return out, err
}

// DueReconciliationDay is the day the periodic reconciliation checks now: the Asia/Shanghai
// day before the service clock's.
func (s *Service) DueReconciliationDay() string {
	return ShanghaiDay(s.clock.Now().In(Shanghai).AddDate(0, 0, -1))
}
