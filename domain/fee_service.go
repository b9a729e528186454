package domain

import (
	"context"
	"time"
)

// FeeSchedule returns the schedule in force now. Public.
func (s *Service) FeeSchedule(ctx context.Context) (FeeSchedule, error) {
	return s.store.Queries().FeeSchedule(ctx, s.clock.Now())
}

// RunMonthlyFees enqueues the close of a month that has ended (Asia/Shanghai). OPERATOR only.
// INVALID_INPUT for a malformed month, one not over yet, or one that ended before the first
// fee schedule took effect (it can never close). Closing a closed month changes
// nothing.
func (s *Service) RunMonthlyFees(ctx context.Context, actor Actor, month string) (Month, error) {
	if err := actor.Can(ActRunMonthlyFees); err != nil {
		return Month{}, err
	}
	m, err := ParseMonth(month, Field("month"))
	if err != nil {
		return Month{}, err
	}
	if s.clock.Now().Before(m.End()) {
		return Month{}, Errorf(CodeInvalidInput, Field("month"), "%s has not ended yet (Asia/Shanghai)", m)
	}
	if _, err := s.monthSchedule(ctx, m); err != nil {
		return Month{}, err
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.Enqueue(ctx, CloseMonthJob{Month: m.String()}) })
	return m, err
}

// monthSchedule is the schedule a month closes with: the one in force at its last instant.
// INVALID_INPUT naming month when no schedule was in force yet.
func (s *Service) monthSchedule(ctx context.Context, m Month) (FeeSchedule, error) {
	sched, err := s.store.Queries().FeeSchedule(ctx, m.End().Add(-time.Nanosecond))
	if CodeOf(err) == CodeNotFound {
		return FeeSchedule{}, Errorf(CodeInvalidInput, Field("month"), "%s ended before the first fee schedule took effect", m)
	}
	return sched, err
}

// DueMonth is the month the periodic close should close now: the one before the current.
func (s *Service) DueMonth() Month { return MonthOf(s.clock.Now()).Add(-1) }

// CloseMonth writes the month's fee statements and sets each account's service-fee rate for
// the next month from its three-month average (system use: the job). Runs once per month;
// later calls return closed=false and change nothing. When a later month is already closed,
// the accounts keep the rate that later close set.
func (s *Service) CloseMonth(ctx context.Context, m Month) (closed bool, statements int, err error) {
	sched, err := s.monthSchedule(ctx, m)
	if err != nil {
		return false, 0, err
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		now := s.clock.Now()
		claimed, laterClosed, err := tx.ClaimFeeMonth(ctx, m, now)
		if err != nil || !claimed {
			closed, statements = false, 0
			return err
		}
		figures, err := tx.FeeMonthFigures(ctx, m)
		if err != nil {
			return err
		}
		out := FeeStatementsOf(m, sched, figures, now)
		if err := tx.InsertFeeStatements(ctx, m, out, !laterClosed); err != nil {
			return err
		}
		closed, statements = true, len(out)
		return s.emit(ctx, tx, accountEvents(EventFeeStatementCreated, "FeeStatement", out,
			func(st FeeStatement) (string, string) { return st.ID, st.AccountID })...)
	})
	return closed, statements, err
}

// FeeStatements lists an account's statements, newest first. ACCOUNT (its own) or OPERATOR.
func (s *Service) FeeStatements(ctx context.Context, actor Actor, accountID string, page Page) (Slice[FeeStatement], error) {
	if _, err := s.Account(ctx, actor, accountID); err != nil {
		return Slice[FeeStatement]{}, err
	}
	rows, err := s.store.Queries().FeeStatements(ctx, accountID, page)
	return Cut(rows, page), err
}

// FeeForecast projects the account's next service-fee rate from this month so far.
func (s *Service) FeeForecast(ctx context.Context, actor Actor, accountID string) (FeeForecast, error) {
	a, err := s.Account(ctx, actor, accountID)
	if err != nil {
		return FeeForecast{}, err
	}
	now := s.clock.Now()
	m := MonthOf(now)
	q := s.store.Queries()
	sched, err := q.FeeSchedule(ctx, now)
	if err != nil {
		return FeeForecast{}, err
	}
	mtd, err := q.PaymentVolume(ctx, a.ID, m.Start(), m.End())
	if err != nil {
		return FeeForecast{}, err
	}
	earlier, err := q.StatementVolume(ctx, a.ID, []Month{m.Add(-1), m.Add(-2)})
	if err != nil {
		return FeeForecast{}, err
	}
	return sched.Forecast(m, a.ServiceFeeRate, mtd, earlier, MonthsExisted(a.CreatedAt, m)), nil
}

// FeeStatementByID returns a statement of an account the actor may see.
func (s *Service) FeeStatementByID(ctx context.Context, actor Actor, id string) (FeeStatement, error) {
	if err := actor.Can(ActReadFeeStatement); err != nil {
		return FeeStatement{}, err
	}
	return s.store.Queries().FeeStatement(ctx, id, actor.Scope())
}
