package db_test

import (
	"context"
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
