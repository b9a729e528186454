package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/internal/wait"
	"github.com/shopspring/decimal"
)

// TestBalanceEntriesTakeIdsInLockOrder holds an account's balance locked in one transaction
// (PostLedger moves it at once, its entries are written at commit) while another posts to the
// same balance at commit and waits for the lock; after both commit, the account's entries in
// id order must each be the balance before plus the line: the statements start from a stored
// balance after and rely on that order.
func TestBalanceEntriesTakeIdsInLockOrder(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	s := e.NewShop("62220000001")
	e.Fund(s.AccountID, "100.00", "CNH")
	account := RawID(s.AccountID)
	store := db.NewStore(e.Pool, nil)
	topUp := func(amount string) domain.LedgerTx {
		m := domain.Money{Amount: decimal.RequireFromString(amount), Currency: domain.CNH}
		l, err := domain.NewLedgerTx(domain.LedgerTopUp, db.NewID(), time.Now(),
			domain.Entry{Book: domain.BookCustomer, AccountID: account, Amount: m},
			domain.Entry{Book: domain.BookTopUpClearing, Amount: domain.Money{Amount: m.Amount.Neg(), Currency: m.Currency}})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	locked, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- store.InTx(ctx, func(ctx context.Context, tx domain.Tx) error {
			if err := tx.PostLedger(ctx, topUp("1.00")); err != nil {
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	second := make(chan error, 1)
	go func() {
		second <- store.InTx(ctx, func(ctx context.Context, tx domain.Tx) error { return tx.PostLedgerAtCommit(ctx, topUp("2.00")) })
	}()
	wait.For(t, 30*time.Second, func() error {
		if e.Count(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
			AND query LIKE '%INSERT INTO ledger_entries%'`) == 0 {
			return errors.New("the second posting has not waited for the balance")
		}
		return nil
	})
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if n := e.Count(`SELECT count(*) FROM (SELECT amount, balance_after, lag(balance_after) OVER (ORDER BY id) AS before
		FROM ledger_entries WHERE account_id = $1 AND currency = 'CNH') e WHERE balance_after <> coalesce(before, 0) + amount`, account); n != 0 {
		t.Fatalf("%d entries are not the balance before them (by id) plus their amount", n)
	}
	if n := e.Count(`SELECT count(*) FROM ledger_entries WHERE account_id = $1`, account); n != 3 {
		t.Fatalf("%d entries, want 3", n)
	}
}
