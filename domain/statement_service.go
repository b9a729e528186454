package domain

import (
	"context"
	"time"
)

// StatementQueries read account statements. Implemented by package db.
type StatementQueries interface {
	// StatementSummary sums the period: opening (every line before From), totals in and out
	// and the number of lines in the period.
	StatementSummary(ctx context.Context, p StatementPeriod) (Statement, error)
	// StatementMovements lists the period's lines in posting order (time, then id), each with
	// its balance after, after the page's cursor, up to page.First+1.
	StatementMovements(ctx context.Context, p StatementPeriod, page Page) ([]Movement, error)
	// EachMovement streams every line of the period, in posting order, to fn as the database
	// sends them; fn's error stops it and is returned.
	EachMovement(ctx context.Context, p StatementPeriod, fn func(Movement) error) error
}

// statementPeriod validates a statement request for an account the actor may see: NOT_FOUND
// for another tenant's account (exactly like a missing one), INVALID_INPUT for a bad currency
// or period.
func (s *Service) statementPeriod(ctx context.Context, actor Actor, accountID, currency string, from, to time.Time) (StatementPeriod, error) {
	if _, err := s.Account(ctx, actor, accountID); err != nil {
		return StatementPeriod{}, err
	}
	return NewStatementPeriod(accountID, currency, from, to)
}

// AccountStatement returns the summary of an account's statement in one currency for [from,
// to): opening, closing, totals in and out, and the ledger seal covering its last movement.
// NOT_FOUND outside the actor's scope, INVALID_INPUT naming currency or to.
func (s *Service) AccountStatement(ctx context.Context, actor Actor, accountID, currency string, from, to time.Time) (Statement, error) {
	sp, err := s.statementPeriod(ctx, actor, accountID, currency, from, to)
	if err != nil {
		return Statement{}, err
	}
	st, err := s.store.Reports().StatementSummary(ctx, sp)
	if err != nil || st.LastEntryID == 0 {
		return st, err
	}
	st.Seal, err = s.store.Reports().SealCovering(ctx, st.LastEntryID)
	return st, err
}

// StatementMovements lists one page of a statement's movements, oldest first, each with its
// balance after.
func (s *Service) StatementMovements(ctx context.Context, actor Actor, accountID, currency string, from, to time.Time, page Page) (Slice[Movement], error) {
	sp, err := s.statementPeriod(ctx, actor, accountID, currency, from, to)
	if err != nil {
		return Slice[Movement]{}, err
	}
	rows, err := s.store.Reports().StatementMovements(ctx, sp, page)
	return Cut(rows, page), err
}

// StreamStatement checks the request, hands the summary to head, then every movement to line
// as the database sends it (for downloads: memory does not grow with the period). Errors
// before head is called are the request's (NOT_FOUND, INVALID_INPUT); later ones are faults.
func (s *Service) StreamStatement(ctx context.Context, actor Actor, accountID, currency string, from, to time.Time,
	head func(Statement) error, line func(Movement) error) error {
	sp, err := s.statementPeriod(ctx, actor, accountID, currency, from, to)
	if err != nil {
		return err
	}
	sum, err := s.store.Reports().StatementSummary(ctx, sp)
	if err != nil {
		return err
	}
	if err := head(sum); err != nil {
		return err
	}
	return s.store.Reports().EachMovement(ctx, sp, line)
}
