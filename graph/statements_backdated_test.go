package graph_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	. "github.com/kjb/kjb/internal/apitest"
)

// TestStatementWithTheClockMovedBack posts top-ups while the sandbox clock moves back and
// forth, so that posting times disagree with the order the ledger computed balances in, then
// checks every statement over those times against the entries themselves: the opening is the
// sum of everything posted before from, each line's balance after is the one before plus the
// line (read one line per page, so every balance is read at a cursor), and the closing is the
// sum of everything posted before to.
func TestStatementWithTheClockMovedBack(t *testing.T) {
	t.Parallel()
	e := New(t, Options{SandboxClock: true})
	s := e.NewShop("62220000001")
	posts := []struct{ at, amount string }{
		{"2026-10-10T12:00:00Z", "1000.00"},
		{"2026-09-05T12:00:00Z", "50.00"}, // before the line above
		{"2026-10-20T12:00:00Z", "7.00"},
		{"2026-10-05T12:00:00Z", "3.00"}, // inside October, before both October lines above
		{"2026-10-05T12:00:00Z", "0.50"}, // at the same time as the line above
		{"2026-11-02T12:00:00Z", "11.00"},
		{"2026-08-01T12:00:00Z", "0.25"}, // before everything
	}
	for i, p := range posts {
		e.SetSandboxClock(p.at)
		e.MustSucceed(e.Operator, "topUp", TopUp, map[string]any{"accountId": s.AccountID, "amount": Money(p.amount, "CNH"),
			"reference": fmt.Sprintf("wire-%d", i)})
	}
	if n := e.Count(`SELECT count(*) FROM ledger_backdated_entries WHERE account_id = $1`, RawID(s.AccountID)); n != 4 {
		t.Fatalf("%d backdated entries recorded, want 4", n)
	}
	postedBefore := func(at time.Time) decimal.Decimal {
		var d decimal.Decimal
		if err := e.Pool.QueryRow(context.Background(), `SELECT coalesce(sum(amount), 0) FROM ledger_entries
			WHERE account_id = $1 AND currency = 'CNH' AND created_at < $2`, RawID(s.AccountID), at).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	bounds := []time.Time{at("2026-07-01T00:00:00Z"), at("2026-08-01T12:00:00Z"), at("2026-09-01T00:00:00Z"),
		at("2026-10-01T00:00:00Z"), at("2026-10-05T12:00:00Z"), at("2026-10-05T12:00:00.000001Z"), at("2026-10-15T00:00:00Z"),
		at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z")}
	for i, from := range bounds {
		for _, to := range bounds[i+1:] {
			vars := map[string]any{"id": s.AccountID, "cur": "CNH", "from": from.Format(time.RFC3339Nano), "to": to.Format(time.RFC3339Nano), "first": 1}
			var head map[string]any
			var bal decimal.Decimal
			for page := 0; ; page++ {
				head = Get(e.MustData(s.AccountKey, statementQuery, vars), "account", "statement").(map[string]any)
				if page == 0 {
					bal = dec(t, Str(head, "opening", "amount"))
					if want := postedBefore(from); !bal.Equal(want) {
						t.Fatalf("[%s, %s): opening %s, posted before from %s", from, to, bal, want)
					}
				}
				for _, edge := range Get(head, "movements", "edges").([]any) {
					bal = bal.Add(dec(t, Str(edge, "node", "amount", "amount")))
					if got := dec(t, Str(edge, "node", "balanceAfter", "amount")); !got.Equal(bal) {
						t.Fatalf("[%s, %s) page %d: balance after %s, want %s", from, to, page, got, bal)
					}
				}
				if Get(head, "movements", "pageInfo", "hasNextPage") != true {
					break
				}
				vars["after"] = Str(head, "movements", "pageInfo", "endCursor")
			}
			if want := postedBefore(to); !bal.Equal(want) || !dec(t, Str(head, "closing", "amount")).Equal(want) {
				t.Fatalf("[%s, %s): lines end at %s, closing %s, posted before to %s", from, to, bal, Str(head, "closing", "amount"), want)
			}
		}
	}
}
