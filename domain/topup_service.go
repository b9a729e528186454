package domain

import "context"

// TopUp credits money that arrived from the buyer's bank: one ledger transaction, customer
// wallet against top-up clearing. OPERATOR only. Idempotent on (account, reference): the same
// reference and amount returns the original top-up and credits once, also under concurrency;
// another amount under a used reference is IDEMPOTENCY_KEY_REUSED. INVALID_INPUT for a bad
// amount, currency (CNY included) or reference; NOT_FOUND for an unknown account.
func (s *Service) TopUp(ctx context.Context, actor Actor, in TopUpInput) (TopUp, Account, error) {
	if err := actor.Can(ActTopUp); err != nil {
		return TopUp{}, Account{}, err
	}
	amount, err := in.Validate()
	if err != nil {
		return TopUp{}, Account{}, err
	}
	t := TopUp{AccountID: in.AccountID, Amount: amount, Reference: in.Reference, CreatedAt: s.clock.Now()}
	var acct Account
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		t = TopUp{AccountID: in.AccountID, Amount: amount, Reference: in.Reference, CreatedAt: s.clock.Now()}
		a, err := tx.Account(ctx, in.AccountID, Scope{All: true})
		if err != nil {
			return notFoundAs(err, "account", Field("accountId"))
		}
		acct = a
		created, err := tx.InsertTopUp(ctx, &t)
		if err != nil {
			return err
		}
		if !created {
			if t.Amount.Currency != amount.Currency || !t.Amount.Amount.Equal(amount.Amount) {
				return Errorf(CodeIdempotencyKeyReused, Field("reference"),
					"reference %q was already used for a top-up of %s", clip(in.Reference), t.Amount)
			}
			return nil
		}
		l, err := NewLedgerTx(LedgerTopUp, t.ID, t.CreatedAt,
			Entry{Book: BookCustomer, AccountID: t.AccountID, Amount: amount},
			Entry{Book: BookTopUpClearing, Amount: Money{Amount: amount.Amount.Neg(), Currency: amount.Currency}})
		if err != nil {
			return err
		}
		return tx.PostLedger(ctx, l)
	})
	return t, acct, err
}

// TopUpByID returns a top-up the actor may see.
func (s *Service) TopUpByID(ctx context.Context, actor Actor, id string) (TopUp, error) {
	if err := actor.Can(ActReadTopUp); err != nil {
		return TopUp{}, err
	}
	return s.store.Queries().TopUp(ctx, id, actor.Scope())
}
