package db

import (
	"context"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/shopspring/decimal"
)

// PostLedgersAtCommit queues one statement, sent with COMMIT, that moves the one customer
// balance all of ls debit by their sum and appends every transaction and its entries. Each
// customer line's balance after is the moved balance less what the later transactions take.
// The balances' CHECK refuses a sum beyond the balance, as PostLedgerAtCommit's does. As
// there, the move ends before the transactions are inserted and any entry id is drawn.
// Transactions that do not share one customer balance are posted one by one.
func (t *txStore) PostLedgersAtCommit(ctx context.Context, ls []domain.LedgerTx) error {
	account, currency, ok := oneCustomerBalance(ls)
	if !ok {
		for _, l := range ls {
			if err := t.PostLedgerAtCommit(ctx, l); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		txIDs, kinds, refs         []string
		created                    []time.Time
		entryTx, books, currencies []string
		accounts                   []*string
		amounts, later             []decimal.Decimal
		total                      = decimal.Zero
		customerAt                 = make([]decimal.Decimal, len(ls))
	)
	for i, l := range ls {
		for _, e := range l.Entries {
			if e.Book == domain.BookCustomer {
				customerAt[i] = e.Amount.Amount
				total = total.Add(e.Amount.Amount)
			}
		}
	}
	// after[i] is what the transactions after the i-th move: the balance after the i-th is
	// the final balance less that.
	after := decimal.Zero
	afterOf := make([]decimal.Decimal, len(ls))
	for i := len(ls) - 1; i >= 0; i-- {
		afterOf[i] = after
		after = after.Add(customerAt[i])
	}
	for i, l := range ls {
		id := newID()
		txIDs, kinds, refs, created = append(txIDs, id), append(kinds, string(l.Kind)), append(refs, l.Reference), append(created, l.CreatedAt)
		for _, e := range l.Entries {
			entryTx, books, currencies = append(entryTx, id), append(books, string(e.Book)), append(currencies, string(e.Amount.Currency))
			accounts, amounts, later = append(accounts, nullable(e.AccountID)), append(amounts, e.Amount.Amount), append(later, afterOf[i])
		}
	}
	t.tx.deferExec(`WITH moved AS (`+moveBalance(domain.Money{Amount: total, Currency: currency}, false, "$9", "$10", "$11")+`),
		txn AS (
			INSERT INTO ledger_transactions (id, kind, reference, created_at)
			SELECT t.* FROM (SELECT count(*) FROM moved) locked, unnest($1::uuid[], $2::text[], $3::text[], $12::timestamptz[]) AS t
			RETURNING id)
		INSERT INTO ledger_entries (transaction_id, book, account_id, currency, amount, balance_after, created_at)
		SELECT e.transaction_id, e.book, e.account_id, e.currency, e.amount,
			CASE WHEN e.book = 'CUSTOMER' THEN (SELECT available FROM moved) - e.later END, $4
		FROM unnest($5::uuid[], $6::text[], $7::uuid[], $8::text[], $13::numeric[], $14::numeric[])
			WITH ORDINALITY AS e(transaction_id, book, account_id, currency, amount, later, n)
		WHERE (SELECT count(*) FROM txn) > 0
		ORDER BY e.n`,
		txIDs, kinds, refs, ls[0].CreatedAt, entryTx, books, accounts, currencies, account, string(currency), total, created, amounts, later)
	return nil
}

// oneCustomerBalance reports the customer balance every transaction of ls moves with its only
// customer line, debiting it; ok is false when there is none such.
func oneCustomerBalance(ls []domain.LedgerTx) (account string, currency domain.Currency, ok bool) {
	for i, l := range ls {
		var n int
		for _, e := range l.Entries {
			if e.Book != domain.BookCustomer {
				continue
			}
			n++
			if e.Amount.Amount.Sign() >= 0 || (i > 0 || n > 1) && (e.AccountID != account || e.Amount.Currency != currency) {
				return "", "", false
			}
			account, currency = e.AccountID, e.Amount.Currency
		}
		if n != 1 {
			return "", "", false
		}
	}
	return account, currency, len(ls) > 0
}
