package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
)

// growOp is one row of the grow table: an operation timed by measureReads.
type growOp = struct {
	name string
	do   func() error
}

// Names of the month close rows, which printCloseRatio compares.
const (
	opMonthClose     = "month close (rolled back)"
	opMonthReference = "month close reference SQL"
)

// statementOps measures an account's reads of its statements and the month close, on a month
// half a year before the grown year's end. It first closes, for real, the grown months before
// that one, so the account has fee statements to list and the close reads the earlier months'
// volumes as it does in production. The measured close runs in a transaction that is rolled
// back: every repetition closes the same month of the same database. The reference is one
// hand-written SQL aggregation of the month's payments per account.
func statementOps(ctx context.Context, d *grownDB) ([]growOp, error) {
	g := d.grown
	account := domain.Actor{Role: domain.RoleAccount, AccountID: g.BusyAccountID, KeyID: "bench"}
	until := grownUntil(g)
	m := domain.MonthOf(until.Add(-182 * 24 * time.Hour))
	for c := domain.MonthOf(until.Add(-365 * 24 * time.Hour)); c != m; c = c.Add(1) {
		if _, _, err := d.svc.CloseMonth(ctx, c); err != nil {
			return nil, fmt.Errorf("close %s: %w", c, err)
		}
	}
	// Those closes wrote an event per account and month at the top of the events feed, fee
	// statements, ledger lines and balances. They are vacuumed and analyzed now, as the grow
	// leaves its database: the reads are measured with the statistics autovacuum's analyze takes
	// within a minute of such writes, and without autovacuum working through them meanwhile.
	if err := db.Vacuum(ctx, d.pool); err != nil {
		return nil, err
	}
	dry := domain.NewService(rolledBack{d.store}, domain.SystemClock{}, domain.Config{Sandbox: true})
	page := domain.Page{First: domain.DefaultPageSize}
	return []growOp{
		{"feeStatements", func() error { _, err := d.svc.FeeStatements(ctx, account, g.BusyAccountID, page); return err }},
		{"statement month first page", func() error {
			if _, err := d.svc.AccountStatement(ctx, account, g.BusyAccountID, "CNH", m.Start(), m.End()); err != nil {
				return err
			}
			_, err := d.svc.StatementMovements(ctx, account, g.BusyAccountID, "CNH", m.Start(), m.End(), page)
			return err
		}},
		{opMonthClose, func() error {
			closed, _, err := dry.CloseMonth(ctx, m)
			if err == nil && !closed {
				err = fmt.Errorf("%s was already closed", m)
			}
			return err
		}},
		{opMonthReference, func() error { _, err := db.MonthPaymentsPerAccount(ctx, d.pool, m.Start(), m.End()); return err }},
	}, nil
}

// printCloseRatio prints how the month close compares with its reference on each database.
func printCloseRatio(empty, grown []opResult) {
	ratioOf := func(rs []opResult) float64 {
		var c, r time.Duration
		for _, x := range rs {
			switch x.name {
			case opMonthClose:
				c = x.p50
			case opMonthReference:
				r = x.p50
			}
		}
		return ratio(c, r)
	}
	fmt.Printf("month close / reference SQL (p50): empty %.2f×, grown %.2f× (target ≤ 2×)\n", ratioOf(empty), ratioOf(grown))
}

// rolledBack is a store whose transactions are rehearsed: what fn does is sent in full, then
// rolled back.
type rolledBack struct{ *db.Store }

func (s rolledBack) InTx(ctx context.Context, fn func(context.Context, domain.Tx) error) error {
	return s.Rehearse(ctx, fn)
}
