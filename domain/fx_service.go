package domain

import (
	"context"
)

// FxRates lists the mid rates in force: stored rates and, in sandbox mode, the shipped table
// for pairs nothing overrides. Public.
func (s *Service) FxRates(ctx context.Context) ([]Rate, error) {
	stored, err := s.store.Queries().Rates(ctx)
	if err != nil {
		return nil, err
	}
	if !s.cfg.Sandbox {
		return stored, nil
	}
	have := map[[2]Currency]bool{}
	for _, r := range stored {
		have[[2]Currency{r.From, r.To}] = true
	}
	table, _ := DefaultTable{Clock: s.clock}.Rates(ctx)
	for _, r := range table {
		if !have[[2]Currency{r.From, r.To}] {
			stored = append(stored, r)
		}
	}
	return stored, nil
}

// rateBook loads the rates and decides freshness: a rate older than RateMaxAge is unusable,
// except, in sandbox mode, the shipped table and operator-set rates.
func (s *Service) rateBook(ctx context.Context) (RateBook, error) {
	rates, err := s.FxRates(ctx)
	if err != nil {
		return RateBook{}, err
	}
	now := s.clock.Now()
	return NewRateBook(rates, func(r Rate) bool {
		if s.cfg.Sandbox && (r.Source == SourceDefaultTable || r.Source == SourceOperator) {
			return true
		}
		return now.Sub(r.UpdatedAt) <= s.cfg.RateMaxAge
	}), nil
}

// SetFxRate overrides one mid rate (units of to per 1 from). OPERATOR only. INVALID_INPUT for
// an unknown or unholdable currency, a pair of one currency, or a mid that is not a positive
// decimal.
func (s *Service) SetFxRate(ctx context.Context, actor Actor, from, to, mid string) (Rate, error) {
	if err := actor.Can(ActSetFxRate); err != nil {
		return Rate{}, err
	}
	var errs Errors
	add := func(err error) {
		if err != nil {
			errs = append(errs, AsErrors(err)...)
		}
	}
	f, err := ParseHoldable(from, Field("from"))
	add(err)
	t, err := ParseHoldable(to, Field("to"))
	add(err)
	if f == t && f != "" {
		add(Errorf(CodeInvalidInput, Field("to"), "must differ from from"))
	}
	m, err := ParseDecimal(mid, Field("mid"))
	add(err)
	if err == nil && m.Sign() <= 0 {
		add(Errorf(CodeInvalidInput, Field("mid"), "must be greater than zero"))
	}
	if err := errs.Err(); err != nil {
		return Rate{}, err
	}
	r := Rate{From: f, To: t, Mid: m, Source: SourceOperator, UpdatedAt: s.clock.Now()}
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.UpsertRate(ctx, r) })
	return r, err
}

// RefreshRates stores what a feed reports (system use: the rate refresh job).
func (s *Service) RefreshRates(ctx context.Context, feed RateFeed) (int, error) {
	rates, err := feed.Rates(ctx)
	if err != nil {
		return 0, err
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		for _, r := range rates {
			if r.Source == "" {
				r.Source = feed.Name()
			}
			if !r.From.Holdable() || !r.To.Holdable() || r.From == r.To || r.Mid.Sign() <= 0 {
				continue
			}
			if err := tx.UpsertRate(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	return len(rates), err
}

// spreadFor is the account's FX spread: smaller with Cross-border Pay active.
func (s *Service) spreadFor(a Account) Spread {
	if a.CrossBorderPayActive {
		return s.cfg.CrossBorderPaySpreadBps
	}
	return s.cfg.SpreadBps
}
