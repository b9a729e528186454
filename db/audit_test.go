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
