package db

import (
	"context"
	"sort"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
	"github.com/shopspring/decimal"
)

// PostLedger moves the customer balances first (credits upsert, debits are conditional on
// available >= debit, in a fixed account/currency order so concurrent transactions cannot
// deadlock), then appends the transaction and all its entries in one statement. House books
// are entries only: no house row is updated, so payments do not queue behind one another.
func (t *txStore) PostLedger(ctx context.Context, l domain.LedgerTx) error {
	order := make([]int, len(l.Entries))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ea, eb := l.Entries[order[a]], l.Entries[order[b]]
		if ea.AccountID != eb.AccountID {
			return ea.AccountID < eb.AccountID
		}
		return ea.Amount.Currency < eb.Amount.Currency
	})
	after := make([]*decimal.Decimal, len(l.Entries))
	for _, i := range order {
		e := l.Entries[i]
		if e.Book != domain.BookCustomer {
			continue
		}
		var bal decimal.Decimal
		err := t.tx.QueryRow(ctx, moveBalance(e.Amount, true, "$1", "$2", "$3"), e.AccountID, e.Amount.Currency, e.Amount.Amount, l.CreatedAt).Scan(&bal)
		if err == pgx.ErrNoRows {
			return domain.Errorf(domain.CodeInsufficientBalance, nil, "not enough %s available", e.Amount.Currency)
		}
		if err != nil {
			return translate(err)
		}
		after[i] = &bal
	}
	t.appendLedger(l, after, "")
	return nil
}

// PostLedgerAtCommit queues one statement that moves the customer balance and appends the
// transaction and its entries with the balance after; it is sent with COMMIT. A debit is an
// UPDATE that the balances' CHECK refuses below zero (and a balance never funded has no row,
// so the customer entry's balance after is missing and the ledger's CHECK refuses it). A
// transaction moving more than one customer balance takes PostLedger's way, which locks them
// in a fixed order.
func (t *txStore) PostLedgerAtCommit(ctx context.Context, l domain.LedgerTx) error {
	var customer []domain.Entry
	for _, e := range l.Entries {
		if e.Book == domain.BookCustomer {
			customer = append(customer, e)
		}
	}
	if len(customer) != 1 {
		return t.PostLedger(ctx, l)
	}
	c := customer[0]
	t.appendLedger(l, make([]*decimal.Decimal, len(l.Entries)), moveBalance(c.Amount, false, "$10", "$11", "$12"),
		c.AccountID, string(c.Amount.Currency), c.Amount.Amount)
	return nil
}

// moveBalance is the statement that moves one customer balance by amount and returns it, with
// the given placeholders for the account, currency and amount, and $4 for the time (its
// entries' posting time, which posted_until keeps the latest of: migration 0093). A credit
// upserts. A debit updates: guarded, it finds no row rather than go below zero; unguarded, the
// balances' CHECK refuses it.
func moveBalance(amount domain.Money, guarded bool, account, currency, amt string) string {
	if amount.Amount.Sign() > 0 {
		return `INSERT INTO balances (account_id, currency, available, updated_at, posted_until) VALUES (` + account + `, ` + currency + `, ` + amt + `, $4, $4)
			ON CONFLICT (account_id, currency) DO UPDATE SET available = balances.available + EXCLUDED.available, updated_at = EXCLUDED.updated_at,
				posted_until = greatest(balances.posted_until, EXCLUDED.posted_until)
			RETURNING available`
	}
	guard := ""
	if guarded {
		guard = ` AND available + ` + amt + ` >= 0`
	}
	return `UPDATE balances SET available = available + ` + amt + `, updated_at = $4, posted_until = greatest(posted_until, $4)
		WHERE account_id = ` + account + ` AND currency = ` + currency + guard + ` RETURNING available`
}

// appendLedger queues the insert of l's transaction and all its entries in one statement. A
// customer entry's balance after is after[i] or, when that is nil, what the statement move
// (on the extra arguments $10 onwards) returns. The move runs to its end before the
// transaction row is made, so no entry id is drawn before the balance's row lock is held: the
// entries of one balance get their ids in the order their balances after are computed, which
// the statements' opening balances rely on (db/statement.go).
func (t *txStore) appendLedger(l domain.LedgerTx, after []*decimal.Decimal, move string, moveArgs ...any) {
	if move == "" {
		move = `SELECT NULL::numeric AS available`
	}
	n := len(l.Entries)
	books, accounts, currencies, amounts := make([]string, n), make([]*string, n), make([]string, n), make([]decimal.Decimal, n)
	for i, e := range l.Entries {
		books[i], accounts[i], currencies[i], amounts[i] = string(e.Book), nullable(e.AccountID), string(e.Amount.Currency), e.Amount.Amount
	}
	args := append([]any{newID(), l.Kind, l.Reference, l.CreatedAt, books, accounts, currencies, amounts, after}, moveArgs...)
	t.tx.deferExec(`WITH moved AS (`+move+`),
		txn AS (
			INSERT INTO ledger_transactions (id, kind, reference, created_at)
			SELECT $1, $2, $3, $4 FROM (SELECT count(*) FROM moved) locked RETURNING id)
		INSERT INTO ledger_entries (transaction_id, book, account_id, currency, amount, balance_after, created_at)
		SELECT txn.id, e.book, e.account_id, e.currency, e.amount,
			CASE WHEN e.book = 'CUSTOMER' THEN coalesce(e.balance_after, (SELECT available FROM moved)) END, $4
		FROM txn, unnest($5::text[], $6::uuid[], $7::text[], $8::numeric[], $9::numeric[])
			WITH ORDINALITY AS e(book, account_id, currency, amount, balance_after, n)
		ORDER BY e.n`, args...)
}

func (q queries) StatementLine(ctx context.Context, id string) (domain.StatementLine, error) {
	v, ok := parseInt64(id)
	if !ok {
		return domain.StatementLine{}, domain.NotFound("ledger entry", nil)
	}
	rows, err := q.q.Query(ctx, statementSelect+` WHERE e.id = $1 AND e.book = 'CUSTOMER'`, v)
	if err != nil {
		return domain.StatementLine{}, err
	}
	l, err := pgx.CollectExactlyOneRow(rows, scanStatementLine)
	return l, translate(err)
}

const statementSelect = `SELECT e.id::text, e.account_id, e.currency, e.amount, e.balance_after, t.kind, t.reference, e.created_at
		FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id`

func scanStatementLine(r pgx.CollectableRow) (domain.StatementLine, error) {
	var s domain.StatementLine
	err := r.Scan(&s.ID, &s.AccountID, &s.Amount.Currency, &s.Amount.Amount, &s.BalanceAfter.Amount, &s.Kind, &s.Reference, &s.CreatedAt)
	s.BalanceAfter.Currency = s.Amount.Currency
	return s, err
}

func (q queries) Statement(ctx context.Context, accountID string, page domain.Page) ([]domain.StatementLine, error) {
	var after *int64
	if page.After != "" {
		v, ok := parseInt64(page.After)
		if !ok {
			return nil, domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
		}
		after = &v
	}
	var l listSQL
	l.and("e.account_id = %s", accountID)
	if after != nil {
		l.and("e.id < %s", *after)
	}
	rows, err := q.q.Query(ctx, statementSelect+l.clause()+` ORDER BY e.id DESC`+writtenLimit(page.First+1), l.args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanStatementLine)
}
