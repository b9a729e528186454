package domain

import (
	"context"
	"time"
)

// CreateQuote prices a conversion between two holdable currencies and locks the rate for
// QuoteTTL. ACCOUNT (its own) or OPERATOR. Exactly one of sellAmount and buyAmount; what the
// customer receives rounds down, what it pays rounds up. INVALID_INPUT for bad input or an
// amount too small to convert; RATE_UNAVAILABLE without a fresh rate; NOT_FOUND for an
// account outside the actor's reach.
func (s *Service) CreateQuote(ctx context.Context, actor Actor, in CreateQuoteInput) (Quote, error) {
	if err := actor.Can(ActCreateQuote); err != nil {
		return Quote{}, err
	}
	sellCur, buyCur, fixed, sellFixed, err := in.validate()
	if err != nil {
		return Quote{}, err
	}
	acct, err := s.store.Queries().Account(ctx, in.AccountID, actor.Scope())
	if err != nil {
		return Quote{}, notFoundAs(err, "account", Field("accountId"))
	}
	book, err := s.rateBook(ctx)
	if err != nil {
		return Quote{}, err
	}
	mid, err := book.Mid(sellCur, buyCur)
	if err != nil {
		return Quote{}, err
	}
	spread := s.spreadFor(acct)
	rate := spread.Apply(mid)
	q := Quote{AccountID: acct.ID, Rate: rate, MidRate: mid, SpreadBps: spread, CreatedAt: s.clock.Now()}
	q.ExpiresAt = q.CreatedAt.Add(s.cfg.QuoteTTL)
	if sellFixed {
		q.Sell, q.Buy = fixed, PriceSell(fixed, buyCur, rate)
	} else {
		q.Sell, q.Buy = PriceBuy(fixed, sellCur, rate), fixed
	}
	if q.Buy.Amount.Sign() <= 0 {
		return Quote{}, Errorf(CodeInvalidInput, Field("sellAmount"), "is too small to buy any %s", buyCur)
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.InsertQuote(ctx, &q) })
	return q, err
}

// ExecuteQuote converts at the quote's locked rate: debits the sold currency, credits the
// bought one through the house FX position, marks the quote executed and books a Conversion
// (settled later by the FX settlement job), all in one transaction. Idempotent on
// idempotencyKey: the same key returns the same conversion and moves nothing again.
// QUOTE_EXPIRED, QUOTE_ALREADY_EXECUTED (under a new key), INSUFFICIENT_BALANCE,
// KYC_NOT_VERIFIED, IDEMPOTENCY_KEY_REUSED, NOT_FOUND.
func (s *Service) ExecuteQuote(ctx context.Context, actor Actor, quoteID, key string) (Conversion, Account, error) {
	if err := actor.Can(ActExecuteQuote); err != nil {
		return Conversion{}, Account{}, err
	}
	var conv Conversion
	var acct Account
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		prior, err := claimKey(ctx, tx, actor, key, "executeQuote", RequestHash("executeQuote", quoteID))
		if err != nil {
			return err
		}
		if prior != "" {
			if conv, err = tx.Conversion(ctx, prior, Scope{All: true}); err != nil {
				return err
			}
			acct, err = tx.Account(ctx, conv.AccountID, Scope{All: true})
			return err
		}
		q, err := tx.LockQuote(ctx, quoteID, actor.Scope())
		if err != nil {
			return notFoundAs(err, "quote", Field("quoteId"))
		}
		switch q.Status(s.clock.Now()) {
		case QuoteExecuted:
			return Errorf(CodeQuoteAlreadyExecuted, Field("quoteId"), "this quote was already executed")
		case QuoteExpired:
			return Errorf(CodeQuoteExpired, Field("quoteId"), "this quote expired at %s: ask for a new one", q.ExpiresAt.UTC().Format(time.RFC3339))
		}
		if acct, err = tx.LockAccount(ctx, q.AccountID); err != nil {
			return err
		}
		if acct.KycStatus != KycVerified {
			return Errorf(CodeKycNotVerified, Field("quoteId"), "the account must complete identity verification before converting")
		}
		conv = Conversion{QuoteID: q.ID, AccountID: q.AccountID, Sold: q.Sell, Bought: q.Buy, Rate: q.Rate,
			Status: ConversionBooked, CreatedAt: s.clock.Now()}
		if err := s.bookConversion(ctx, tx, &conv); err != nil {
			return err
		}
		if err := tx.MarkQuoteExecuted(ctx, q.ID); err != nil {
			return err
		}
		return tx.SetIdempotencyResult(ctx, actor.Principal(), key, conv.ID)
	})
	return conv, acct, err
}

// bookConversion stores a conversion, posts its ledger transaction (the debit is conditional:
// INSUFFICIENT_BALANCE) and schedules its settlement, in tx.
func (s *Service) bookConversion(ctx context.Context, tx Tx, c *Conversion) error {
	if err := tx.InsertConversion(ctx, c); err != nil {
		return err
	}
	l, err := ConversionLedger(*c)
	if err != nil {
		return err
	}
	if err := tx.PostLedger(ctx, l); err != nil {
		if CodeOf(err) == CodeInsufficientBalance {
			return Errorf(CodeInsufficientBalance, nil, "not enough %s: %s is needed", c.Sold.Currency, c.Sold)
		}
		return err
	}
	if err := s.emit(ctx, tx, Event{Type: EventConversionBooked, AccountID: c.AccountID, ObjectType: "Conversion", ObjectID: c.ID}); err != nil {
		return err
	}
	return tx.Enqueue(ctx, SettleFXJob{WindowEnd: s.settlementWindowEnd(c.CreatedAt)})
}

// Quote returns a quote within the actor's scope.
func (s *Service) Quote(ctx context.Context, actor Actor, id string) (Quote, error) {
	if err := actor.Can(ActReadQuote); err != nil {
		return Quote{}, err
	}
	return s.store.Queries().Quote(ctx, id, actor.Scope())
}

// Conversion returns a conversion within the actor's scope.
func (s *Service) Conversion(ctx context.Context, actor Actor, id string) (Conversion, error) {
	if err := actor.Can(ActReadConversion); err != nil {
		return Conversion{}, err
	}
	return s.store.Queries().Conversion(ctx, id, actor.Scope())
}

// Conversions lists an account's conversions, newest first.
func (s *Service) Conversions(ctx context.Context, actor Actor, accountID string, page Page) (Slice[Conversion], error) {
	if _, err := s.Account(ctx, actor, accountID); err != nil {
		return Slice[Conversion]{}, err
	}
	rows, err := s.store.Queries().Conversions(ctx, accountID, page)
	return Cut(rows, page), err
}
