package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/shopspring/decimal"
)

// TestGrownStatementsAddUp reads monthly statements of grown accounts, whose entries were
// written in batches with the trigger off (a batch's refunds are posted after the next batch's
// first payments but get smaller ids), and checks each opening and closing against the sum of
// the entries posted before, and each line's balance after against the running sum.
func TestGrownStatementsAddUp(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	if _, err := db.Grow(ctx, e.Pool, db.GrowShape{Payments: 20000, Batch: 5000}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if e.Count(`SELECT count(*) FROM ledger_backdated_entries`) == 0 {
		t.Fatal("no backdated entries recorded in a ledger grown in batches")
	}
	rows, err := e.Pool.Query(ctx, `SELECT account_id::text FROM ledger_entries
		WHERE account_id IN (SELECT account_id FROM ledger_backdated_entries) GROUP BY account_id ORDER BY count(*) DESC LIMIT 3`)
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) == 0 {
		t.Fatal("no account with backdated entries")
	}
	operator := domain.Actor{Role: domain.RoleOperator, KeyID: "test"}
	postedBefore := func(account string, at time.Time) decimal.Decimal {
		var d decimal.Decimal
		if err := e.Pool.QueryRow(ctx, `SELECT coalesce(sum(amount), 0) FROM ledger_entries
			WHERE account_id = $1 AND currency = 'CNH' AND created_at < $2`, account, at).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	first := domain.MonthOf(time.Now().Add(-366 * 24 * time.Hour))
	for _, a := range accounts {
		for m := first; !m.Start().After(time.Now()); m = m.Add(1) {
			st, err := e.Svc.AccountStatement(ctx, operator, a, "CNH", m.Start(), m.End())
			if err != nil {
				t.Fatal(err)
			}
			if want := postedBefore(a, m.Start()); !st.Opening.Amount.Equal(want) {
				t.Fatalf("%s %s: opening %s, posted before %s", a, m, st.Opening.Amount, want)
			}
			if want := postedBefore(a, m.End()); !st.Closing.Amount.Equal(want) {
				t.Fatalf("%s %s: closing %s, posted before the end %s", a, m, st.Closing.Amount, want)
			}
			bal, page := st.Opening.Amount, domain.Page{First: 5}
			for {
				lines, err := e.Svc.StatementMovements(ctx, operator, a, "CNH", m.Start(), m.End(), page)
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range lines.Items {
					bal = bal.Add(l.Amount.Amount)
					if !l.BalanceAfter.Amount.Equal(bal) {
						t.Fatalf("%s %s: line %s balance after %s, want %s", a, m, l.ID, l.BalanceAfter.Amount, bal)
					}
				}
				if !lines.HasNext {
					break
				}
				page.After = lines.Items[len(lines.Items)-1].Cursor()
			}
			if !bal.Equal(st.Closing.Amount) {
				t.Fatalf("%s %s: lines end at %s, closing %s", a, m, bal, st.Closing.Amount)
			}
		}
	}
}
