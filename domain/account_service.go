package domain

import "context"

// CreateAccount opens an account (KYC PENDING, top service-fee tier). OPERATOR only.
// INVALID_INPUT for a bad name, type or country.
func (s *Service) CreateAccount(ctx context.Context, actor Actor, in CreateAccountInput) (Account, error) {
	if err := actor.Can(ActCreateAccount); err != nil {
		return Account{}, err
	}
	in, err := in.Validate()
	if err != nil {
		return Account{}, err
	}
	a := Account{Name: in.Name, Type: in.Type, Country: in.Country, KycStatus: KycPending,
		ServiceFeeRate: DefaultServiceFeeRate, CreatedAt: s.clock.Now()}
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.InsertAccount(ctx, &a) })
	return a, err
}

// ReviewKyc records an operator's KYC decision. NOT_FOUND for an unknown account,
// INVALID_STATE when rejecting a verified account.
func (s *Service) ReviewKyc(ctx context.Context, actor Actor, in ReviewKycInput) (Account, error) {
	if err := actor.Can(ActReviewKyc); err != nil {
		return Account{}, err
	}
	var out Account
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		a, err := tx.LockAccount(ctx, in.AccountID)
		if err != nil {
			return notFoundAs(err, "account", Field("accountId"))
		}
		next, err := NextKycStatus(a.KycStatus, in.Decision)
		if err != nil {
			return err
		}
		if err := tx.UpdateAccountKyc(ctx, a.ID, next, in.Note); err != nil {
			return err
		}
		if next == KycVerified && a.KycStatus != KycVerified {
			if err := s.emit(ctx, tx, Event{Type: EventAccountVerified, AccountID: a.ID, ObjectType: "Account", ObjectID: a.ID}); err != nil {
				return err
			}
		}
		a.KycStatus, a.KycNote = next, in.Note
		out = a
		return nil
	})
	return out, err
}

// Account returns an account the actor may see. NOT_FOUND otherwise (also for another
// tenant's account), UNAUTHENTICATED for the anonymous caller.
func (s *Service) Account(ctx context.Context, actor Actor, id string) (Account, error) {
	if err := actor.Can(ActReadAccount); err != nil {
		return Account{}, err
	}
	return s.store.Queries().Account(ctx, id, actor.Scope())
}

// Accounts lists the accounts the actor may see, newest first.
func (s *Service) Accounts(ctx context.Context, actor Actor, page Page) (Slice[Account], error) {
	if err := actor.Can(ActListAccounts); err != nil {
		return Slice[Account]{}, err
	}
	rows, err := s.store.Queries().Accounts(ctx, actor.Scope(), page)
	return Cut(rows, page), err
}

// Balances returns every balance of an account the actor may see, in currency order.
// Currencies never held are absent.
func (s *Service) Balances(ctx context.Context, actor Actor, accountID string) ([]Balance, error) {
	if _, err := s.Account(ctx, actor, accountID); err != nil {
		return nil, err
	}
	return s.store.Queries().Balances(ctx, accountID)
}

// Balance returns one balance (zero when never held). INVALID_INPUT for a currency that
// cannot be held.
func (s *Service) Balance(ctx context.Context, actor Actor, accountID string, currency string) (Balance, error) {
	c, err := ParseHoldable(currency, Field("currency"))
	if err != nil {
		return Balance{}, err
	}
	all, err := s.Balances(ctx, actor, accountID)
	if err != nil {
		return Balance{}, err
	}
	for _, b := range all {
		if b.Available.Currency == c {
			return b, nil
		}
	}
	return Balance{AccountID: accountID, Available: Money{Currency: c}}, nil
}

// StatementLine returns one line of an account statement the actor may see; NOT_FOUND
// otherwise.
func (s *Service) StatementLine(ctx context.Context, actor Actor, id string) (StatementLine, error) {
	l, err := s.store.Queries().StatementLine(ctx, id)
	if err != nil {
		return StatementLine{}, err
	}
	if _, err := s.Account(ctx, actor, l.AccountID); err != nil {
		return StatementLine{}, err
	}
	return l, nil
}

// Statement lists an account's ledger lines, newest first.
func (s *Service) Statement(ctx context.Context, actor Actor, accountID string, page Page) (Slice[StatementLine], error) {
	if _, err := s.Account(ctx, actor, accountID); err != nil {
		return Slice[StatementLine]{}, err
	}
	rows, err := s.store.Queries().Statement(ctx, accountID, page)
	return Cut(rows, page), err
}
