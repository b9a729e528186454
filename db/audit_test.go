package db_test

import (
	"context"
	"strings"
	"testing"

	. "github.com/kjb/kjb/internal/apitest"
)

func TestAuditFindsCorruption(t *testing.T) {
	t.Parallel()
	e := New(t)
	id, _ := e.Account("Acme")
	e.Fund(id, "10.00", "USD")
	vs, _ := e.Svc.Audit(context.Background())
	if len(vs) != 0 {
		t.Fatalf("clean ledger reported %v", vs)
	}
	// A balance changed behind the ledger's back.
	if _, err := e.Pool.Exec(context.Background(), `UPDATE balances SET available = available + 1`); err != nil {
		t.Fatal(err)
	}
	vs, _ = e.Svc.Audit(context.Background())
	if len(vs) != 1 || vs[0].Check != "customer balance equals its entries" {
		t.Fatalf("got %v", vs)
	}
	// The ledger refuses edits.
	if _, err := e.Pool.Exec(context.Background(), `UPDATE ledger_entries SET amount = amount * 2`); err == nil {
		t.Fatal("ledger entries were updated")
	}
}

// TestAuditFindsLinkSpendingOff: a link's stored spending that no longer matches its
// payments net of refunds is reported by the full audit, for its day and its month.
func TestAuditFindsLinkSpendingOff(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "5000.00", "CNH")
	e.Pay(s.AccountKey, e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00"), "k1")
	e.Audit()
	if _, err := e.Pool.Exec(context.Background(), `UPDATE link_spending SET spent = spent - 1`); err != nil {
		t.Fatal(err)
	}
	vs, err := e.Svc.Audit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Check != "link spending equals its payments net of refunds" || !strings.Contains(vs[0].Detail, "spending 999.00, payments net of refunds 1000.00") {
		t.Fatalf("got %v", vs)
	}
}

// TestAuditFindsStatementOrderBroken: the full audit reports a customer entry whose balance
// after does not follow the one before it by id, and a backdated entry missing from its record,
// both of which would make statements start from a wrong balance.
func TestAuditFindsStatementOrderBroken(t *testing.T) {
	t.Parallel()
	e := New(t, Options{SandboxClock: true})
	ctx := context.Background()
	id, _ := e.Account("Acme")
	e.SetSandboxClock("2026-10-10T12:00:00Z")
	e.Fund(id, "10.00", "USD")
	e.SetSandboxClock("2026-10-01T12:00:00Z")
	e.Fund(id, "5.00", "USD")
	e.Fund(id, "1.00", "USD")
	if vs, _ := e.Svc.Audit(ctx); len(vs) != 0 {
		t.Fatalf("clean ledger reported %v", vs)
	}
	tamper := func(sql string) {
		t.Helper()
		tx, err := e.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck
		for _, q := range []string{`SET LOCAL session_replication_role = replica`, sql} {
			if _, err := tx.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	const check = "customer entries run in id order, backdated ones recorded"
	tamper(`DELETE FROM ledger_backdated_entries WHERE entry_id = (SELECT min(entry_id) FROM ledger_backdated_entries)`)
	vs, _ := e.Svc.Audit(ctx)
	if len(vs) != 1 || vs[0].Check != check || !strings.Contains(vs[0].Detail, "not recorded as backdated") {
		t.Fatalf("after forgetting a backdated entry: %v", vs)
	}
	// The middle entry's balance after is off by one: neither it nor the entry after it is the
	// balance before plus the amount any more.
	tamper(`UPDATE ledger_entries SET balance_after = balance_after - 1 WHERE id = (SELECT id FROM ledger_entries
		WHERE book = 'CUSTOMER' ORDER BY id OFFSET 1 LIMIT 1)`)
	vs, _ = e.Svc.Audit(ctx)
	var broken int
	for _, v := range vs {
		if v.Check == check && strings.Contains(v.Detail, "the entry before it by id leaves") {
			broken++
		}
	}
	if broken != 2 {
		t.Fatalf("after changing a balance after: %v", vs)
	}
}
