package domain

import (
	"context"

	"github.com/shopspring/decimal"
)

// SetLinkLimitsInput is what setLinkSpendingLimit accepts: raw CNY amounts, nil for no limit.
type SetLinkLimitsInput struct {
	LinkID         string
	Daily, Monthly *AmountInput
}

// validate parses both limits (CNY, greater than zero) and checks the daily one does not
// exceed the monthly one. Every problem is reported, each naming its field.
func (in SetLinkLimitsInput) validate() (LinkLimits, error) {
	var out LinkLimits
	var errs Errors
	parse := func(raw *AmountInput, field string) *decimal.Decimal {
		if raw == nil {
			return nil
		}
		m, err := ParseAmountIn(*raw, CNY, Field(field))
		if err != nil {
			errs = append(errs, AsErrors(err)...)
			return nil
		}
		return &m.Amount
	}
	out.Daily, out.Monthly = parse(in.Daily, "daily"), parse(in.Monthly, "monthly")
	if out.Daily != nil && out.Monthly != nil && out.Daily.GreaterThan(*out.Monthly) {
		errs = append(errs, Errorf(CodeInvalidInput, Field("daily"), "must not exceed the monthly limit"))
	}
	return out, errs.Err()
}

// SetLinkSpendingLimit sets (or, with both limits nil, removes) the spending limits of an
// active link: what the payments of its member may spend per Asia/Shanghai day and month, as
// order amounts in CNY. A payment that would pass one then fails with LINK_LIMIT_EXCEEDED.
// OPERATOR, or the account's own key for its own links. INVALID_INPUT for an amount that is not
// CNY or not above zero, or a daily limit above the monthly one; NOT_FOUND for a link out of
// reach; INVALID_STATE for an unlinked link.
func (s *Service) SetLinkSpendingLimit(ctx context.Context, actor Actor, in SetLinkLimitsInput) (MarketplaceLink, error) {
	if err := actor.Can(ActSetLinkSpendingLimit); err != nil {
		return MarketplaceLink{}, err
	}
	limits, err := in.validate()
	if err != nil {
		return MarketplaceLink{}, err
	}
	var out MarketplaceLink
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		l, err := tx.LockLink(ctx, in.LinkID, actor.Scope())
		if err != nil {
			return notFoundAs(err, "link", Field("linkId"))
		}
		if l.Status != LinkActive {
			return Errorf(CodeInvalidState, Field("linkId"), "this link is not active: limits apply to an active link")
		}
		if err := tx.SetLinkLimits(ctx, l.ID, limits, s.clock.Now()); err != nil {
			return err
		}
		l.Limits, out = limits, l
		return nil
	})
	return out, err
}

// LinkSpending returns a link's limits and what it has spent in the current Asia/Shanghai day
// and month, for whoever may read the link (NOT_FOUND otherwise).
func (s *Service) LinkSpending(ctx context.Context, actor Actor, linkID string) (LinkLimits, LinkSpent, error) {
	l, err := s.Link(ctx, actor, linkID)
	if err != nil {
		return LinkLimits{}, LinkSpent{}, err
	}
	spent, err := s.store.Queries().LinkSpent(ctx, l.ID, SpendingPeriodOf(s.clock.Now()))
	return l.Limits, spent, err
}
