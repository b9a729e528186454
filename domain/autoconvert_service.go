package domain

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// SetAutoConvertInput is what setAutoConvert accepts: Currency empty turns auto-convert off.
type SetAutoConvertInput struct {
	AccountID    string
	Currency     string
	MaxSpreadBps *int
}

// SetAutoConvert chooses the currency a Cross-border Pay payment's CNH shortfall is bought
// from, and the widest spread the account accepts for it; Currency empty turns it off.
// OPERATOR, or the account's own key. INVALID_INPUT for a currency that is not holdable or is
// CNH, or a spread outside 0–10000 bps; NOT_FOUND for an account out of reach.
func (s *Service) SetAutoConvert(ctx context.Context, actor Actor, in SetAutoConvertInput) (AutoConvert, Account, error) {
	if err := actor.Can(ActSetAutoConvert); err != nil {
		return AutoConvert{}, Account{}, err
	}
	out := AutoConvert{AccountID: in.AccountID, UpdatedAt: s.clock.Now()}
	if in.MaxSpreadBps != nil {
		out.MaxSpreadBps = Spread(*in.MaxSpreadBps)
	}
	var errs Errors
	if in.Currency != "" {
		c, err := ParseHoldable(in.Currency, Field("currency"))
		if err == nil && c == CNH {
			err = Errorf(CodeInvalidInput, Field("currency"), "must be a foreign currency: CNH is what auto-convert buys")
		}
		if err != nil {
			errs = append(errs, AsErrors(err)...)
		}
		out.Currency = c
	}
	if in.Currency != "" && in.MaxSpreadBps == nil {
		errs = append(errs, Errorf(CodeInvalidInput, Field("maxSpreadBps"), "is required with a currency"))
	}
	if in.MaxSpreadBps != nil && (*in.MaxSpreadBps < 0 || *in.MaxSpreadBps > 10000) {
		errs = append(errs, Errorf(CodeInvalidInput, Field("maxSpreadBps"), "must be 0 to 10000 basis points"))
	}
	if err := errs.Err(); err != nil {
		return AutoConvert{}, Account{}, err
	}
	var acct Account
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) (err error) {
		if acct, err = tx.Account(ctx, in.AccountID, actor.Scope()); err != nil {
			return notFoundAs(err, "account", Field("accountId"))
		}
		return tx.SetAutoConvert(ctx, out)
	})
	if err != nil {
		return AutoConvert{}, Account{}, err
	}
	return out, acct, nil
}

// AutoConvertOf returns an account's auto-convert setting; NOT_FOUND when it is off or the
// account is out of reach.
func (s *Service) AutoConvertOf(ctx context.Context, actor Actor, accountID string) (AutoConvert, error) {
	if _, err := s.Account(ctx, actor, accountID); err != nil {
		return AutoConvert{}, err
	}
	return s.store.Queries().AutoConvert(ctx, accountID)
}

// funding reads what decides how an account's WORLD_PAY shortfall is converted: its setting
// and, when it has one, the Cross-border Pay rate for its funding currency (zero when no
// current rate exists).
func (s *Service) funding(ctx context.Context, q Queries, accountID string) (AutoFunding, error) {
	f := AutoFunding{LiveSpread: s.cfg.CrossBorderPaySpreadBps}
	a, err := q.AutoConvert(ctx, accountID)
	switch {
	case CodeOf(err) == CodeNotFound:
		return f, nil
	case err != nil:
		return f, err
	}
	f.Setting = &a
	book, err := s.rateBook(ctx)
	if err != nil {
		return f, err
	}
	if mid, err := book.Mid(a.Currency, CNH); err == nil {
		f.Rate = f.LiveSpread.Apply(mid)
	}
	return f, nil
}

// withQuote makes a locked quote fund a WORLD_PAY checkout's shortfall: the quote must be
// open, of the paying account, buy CNH and cover the shortfall (QUOTE_EXPIRED,
// QUOTE_ALREADY_EXECUTED, NOT_FOUND, INVALID_INPUT, each naming quoteId).
func (s *Service) withQuote(ctx context.Context, tx Tx, actor Actor, c Checkout, quoteID string) error {
	if quoteID == "" {
		return nil
	}
	field := Field("quoteId")
	a := c.account()
	q, err := tx.LockQuote(ctx, quoteID, actor.Scope())
	if err != nil || a == nil || q.AccountID != a.ID {
		if err == nil || CodeOf(err) == CodeNotFound {
			return NotFound("quote", field)
		}
		return err
	}
	switch q.Status(s.clock.Now()) {
	case QuoteExecuted:
		return Errorf(CodeQuoteAlreadyExecuted, field, "this quote was already executed")
	case QuoteExpired:
		return Errorf(CodeQuoteExpired, field, "this quote expired at %s: ask for a new one", q.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if q.Buy.Currency != CNH {
		return Errorf(CodeInvalidInput, field, "buys %s: a payment's shortfall is CNH", q.Buy.Currency)
	}
	total := c.Option(MethodWorldPay).Total
	short := Shortfall(*total, c[0].Balances)
	if short.Sign() == 0 {
		return Errorf(CodeInvalidInput, field, "is not needed: the CNH balance covers the payment")
	}
	if q.Buy.Amount.LessThan(short) {
		return Errorf(CodeInvalidInput, field, "buys %s but the payment is short of %s CNH", q.Buy, short.StringFixed(2))
	}
	for i := range c {
		c[i].Funding.Quote = &q
	}
	return nil
}

// convertShortfall books plan's conversion in tx (marking its quote executed, if any) and
// returns its id; "" when there is no plan. The conversion is settled by the FX settlement
// job like any other.
func (s *Service) convertShortfall(ctx context.Context, tx Tx, accountID string, plan *PlannedConversion) (string, error) {
	if plan == nil {
		return "", nil
	}
	conv := Conversion{QuoteID: plan.QuoteID, AccountID: accountID, Sold: plan.Sold, Bought: plan.Bought, Rate: plan.Rate,
		Status: ConversionBooked, CreatedAt: s.clock.Now()}
	if err := s.bookConversion(ctx, tx, &conv); err != nil {
		return "", insufficientAsReason(err)
	}
	if plan.QuoteID != "" {
		if err := tx.MarkQuoteExecuted(ctx, plan.QuoteID); err != nil {
			return "", err
		}
	}
	return conv.ID, nil
}

// serializeFunding makes payments that may convert a shortfall plan one after another: when
// the account auto-converts (or a quote funds the payment), it takes the account's lock and
// re-reads its balances, so two payments never plan their conversions from the same CNH.
func (s *Service) serializeFunding(ctx context.Context, tx Tx, c Checkout) error {
	a := c.account()
	if a == nil || c[0].Funding.Setting == nil && c[0].Funding.Quote == nil {
		return nil
	}
	if _, err := tx.LockAccount(ctx, a.ID); err != nil {
		return err
	}
	bs, err := tx.Balances(ctx, a.ID)
	if err != nil {
		return err
	}
	fresh := make(map[Currency]decimal.Decimal, len(bs))
	for _, b := range bs {
		fresh[b.Available.Currency] = b.Available.Amount
	}
	for i := range c {
		c[i].Balances = fresh
	}
	return nil
}
