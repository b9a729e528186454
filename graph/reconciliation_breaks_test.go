package graph_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/sandboxliquidity"
	"github.com/kjb/kjb/sandboxrail"
)

const breaksQuery = `query($status: ReconciliationBreakStatus, $after: String) { reconciliationBreaks(first: 100, status: $status, after: $after) {
	edges { node { id day counterparty objectId problem status note
		ours { amount { amount currency } counterAmount { amount currency } status reference }
		theirs { amount { amount currency } counterAmount { amount currency } status reference } } } } }`

const resolveBreak = `mutation($input: ResolveReconciliationBreakInput!) { resolveReconciliationBreak(input: $input) {
	reconciliationBreak { id status note resolvedAt } userErrors { code field message } } }`

// TestReconciliationFindsEachBreakOnce pays suppliers and settles FX for real, sees a clean
// run find nothing, then alters the sandbox rail's and provider's own tables to inject every
// kind of break and sees each reported once, with both sides' figures and one event; runs of
// the same day add nothing; operators resolve breaks, nobody else sees them.
func TestReconciliationFindsEachBreakOnce(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	rail, lp := sandboxrail.Rail{Pool: e.Pool}, sandboxliquidity.Provider{Pool: e.Pool}
	s := e.NewShop("62220000001")
	e.Fund(s.AccountID, "100000.00", "CNH")
	var payouts []string
	for i := range 3 {
		oid := e.Order(s.PartnerKey, fmt.Sprintf("o-%d", i), "buyer", "supplier", fmt.Sprintf("%d.00", 1000+i))
		e.Pay(s.AccountKey, oid, fmt.Sprintf("p%d", i))
		e.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": oid})
		var po string
		if err := e.Pool.QueryRow(ctx, `SELECT p.id::text FROM payouts p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1`, fmt.Sprintf("o-%d", i)).Scan(&po); err != nil {
			t.Fatal(err)
		}
		if err := e.Svc.SubmitPayout(ctx, po, rail); err != nil {
			t.Fatal(err)
		}
		payouts = append(payouts, po)
	}
	for i, cur := range []string{"USD", "EUR", "GBP"} {
		e.Fund(s.AccountID, "500.00", cur)
		q := e.Quote(s.AccountKey, s.AccountID, cur, "CNH", "100.00")
		e.MustSucceed(s.AccountKey, "executeQuote", ExecuteQuote, map[string]any{"quoteId": Str(q, "id"), "idempotencyKey": fmt.Sprintf("q%d", i)})
	}
	if _, err := e.Svc.SettleFX(ctx, time.Now().Add(time.Minute), lp); err != nil {
		t.Fatal(err)
	}
	settlement := map[string]string{}
	rows, _ := e.Pool.Query(ctx, `SELECT quote, id::text FROM fx_settlements WHERE status = 'SETTLED'`)
	for rows.Next() {
		var b, id string
		_ = rows.Scan(&b, &id)
		settlement[b] = id
	}
	if len(settlement) != 3 {
		t.Fatalf("settlements %v", settlement)
	}
	day := domain.ShanghaiDay(e.Svc.Now())
	run := func() int {
		t.Helper()
		found, err := e.Svc.ReconcileDay(ctx, day, rail, lp)
		if err != nil {
			t.Fatal(err)
		}
		return len(found)
	}
	if n := run(); n != 0 {
		t.Fatalf("a clean day found %d breaks", n)
	}
	stranger, strangeTrade := "01900000-0000-7000-8000-00000000abcd", "01900000-0000-7000-8000-00000000dcba"
	for _, sql := range []string{
		`DELETE FROM sandbox_rail_transfers WHERE payout_id = '` + payouts[0] + `'`,
		`UPDATE sandbox_rail_transfers SET amount = amount + 1 WHERE payout_id = '` + payouts[1] + `'`,
		`UPDATE sandbox_rail_transfers SET status = 'FAILED', reference = '' WHERE payout_id = '` + payouts[2] + `'`,
		`INSERT INTO sandbox_rail_transfers (payout_id, account, amount, status, attempts, reference) VALUES ('` + stranger + `', '62220000001', 77.00, 'PAID', 1, 'RAIL-stranger')`,
		`DELETE FROM sandbox_lp_trades WHERE settlement_id = '` + settlement["GBP"] + `'`,
		`UPDATE sandbox_lp_trades SET quote_amount = quote_amount + 0.01 WHERE settlement_id = '` + settlement["USD"] + `'`,
		`UPDATE sandbox_lp_trades SET quote = 'HKD' WHERE settlement_id = '` + settlement["EUR"] + `'`,
		`INSERT INTO sandbox_lp_trades (settlement_id, reference, base, base_amount, quote, quote_amount, mid) VALUES ('` + strangeTrade + `', 'LP-x', 'JPY', 1000, 'CNH', 47.00, 0.047)`,
	} {
		if _, err := e.Pool.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	want := []string{
		"FX_PROVIDER " + settlement["EUR"] + " CURRENCY_DIFFERS",
		"FX_PROVIDER " + settlement["GBP"] + " MISSING_AT_COUNTERPARTY",
		"FX_PROVIDER " + settlement["USD"] + " AMOUNT_DIFFERS",
		"FX_PROVIDER " + strangeTrade + " MISSING_AT_KJB",
		"PAYOUT_RAIL " + payouts[0] + " MISSING_AT_COUNTERPARTY",
		"PAYOUT_RAIL " + payouts[1] + " AMOUNT_DIFFERS",
		"PAYOUT_RAIL " + payouts[2] + " STATUS_DIFFERS",
		"PAYOUT_RAIL " + stranger + " MISSING_AT_KJB",
	}
	sort.Strings(want)
	for i := range 3 {
		n := run()
		if (i == 0 && n != len(want)) || (i > 0 && n != 0) {
			t.Fatalf("run %d stored %d breaks", i+1, n)
		}
	}
	list := Get(e.MustData(e.Operator, breaksQuery, map[string]any{"status": "OPEN"}), "reconciliationBreaks", "edges").([]any)
	var got []string
	byKey := map[string]any{}
	for _, edge := range list {
		n := Get(edge, "node")
		k := Str(n, "counterparty") + " " + Str(n, "objectId") + " " + Str(n, "problem")
		got, byKey[k] = append(got, k), n
		if Str(n, "day") != day {
			t.Fatalf("break of day %s, ran %s", Str(n, "day"), day)
		}
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("breaks\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	amt := byKey["PAYOUT_RAIL "+payouts[1]+" AMOUNT_DIFFERS"]
	if Str(amt, "ours", "amount", "amount") != "1001.00" || Str(amt, "theirs", "amount", "amount") != "1002.00" || Str(amt, "ours", "status") != "PAID" {
		t.Fatalf("both sides: %v", amt)
	}
	if st := byKey["PAYOUT_RAIL "+payouts[2]+" STATUS_DIFFERS"]; Str(st, "ours", "status") != "PAID" || Str(st, "theirs", "status") != "FAILED" {
		t.Fatalf("status break: %v", st)
	}
	if m := byKey["PAYOUT_RAIL "+stranger+" MISSING_AT_KJB"]; Get(m, "ours") != nil || Str(m, "theirs", "amount", "amount") != "77.00" {
		t.Fatalf("missing at KJB: %v", m)
	}
	if c := byKey["FX_PROVIDER "+settlement["EUR"]+" CURRENCY_DIFFERS"]; Str(c, "ours", "counterAmount", "currency") != "EUR" || Str(c, "theirs", "counterAmount", "currency") != "HKD" {
		t.Fatalf("currency break: %v", c)
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE type = 'reconciliation.break'`); n != len(want) {
		t.Fatalf("%d reconciliation.break events, want %d", n, len(want))
	}
	if got := e.EventTypes(s.PartnerKey, []string{"RECONCILIATION_BREAK"}); len(got) != 0 {
		t.Fatalf("a partner sees reconciliation events: %v", got)
	}
	id := Str(amt, "id")
	res := e.MustSucceed(e.Operator, "resolveReconciliationBreak", resolveBreak, map[string]any{"breakId": id, "note": "rail corrected its record"})
	if Str(res, "reconciliationBreak", "status") != "RESOLVED" || Str(res, "reconciliationBreak", "note") != "rail corrected its record" {
		t.Fatalf("resolve: %v", res)
	}
	if codes := UserErrorCodes(e.Mutate(e.Operator, "resolveReconciliationBreak", resolveBreak, map[string]any{"breakId": id, "note": "again"})); len(codes) != 1 || codes[0] != "INVALID_STATE" {
		t.Fatalf("resolving twice: %v", codes)
	}
	if codes := UserErrorCodes(e.Mutate(e.Operator, "resolveReconciliationBreak", resolveBreak, map[string]any{"breakId": Str(list[0], "node", "id"), "note": " "})); len(codes) != 1 || codes[0] != "INVALID_INPUT" {
		t.Fatalf("empty note: %v", codes)
	}
	if n := len(Get(e.MustData(e.Operator, breaksQuery, map[string]any{"status": "OPEN"}), "reconciliationBreaks", "edges").([]any)); n != len(want)-1 || run() != 0 {
		t.Fatalf("%d open after resolving one", n)
	}
	for _, key := range []string{s.AccountKey, s.PartnerKey} {
		if r := e.Do(key, breaksQuery, nil); r.Code() != "FORBIDDEN" {
			t.Fatalf("a tenant listed breaks: %s", r.Raw)
		}
		if r := e.Do(key, resolveBreak, map[string]any{"input": map[string]any{"breakId": id, "note": "x"}}); r.Code() != "FORBIDDEN" {
			t.Fatalf("a tenant resolved a break: %s", r.Raw)
		}
		if d := e.MustData(key, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}); Get(d, "node") != nil {
			t.Fatalf("a tenant read a break: %v", d)
		}
	}
}
