package graph_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	. "github.com/kjb/kjb/internal/apitest"
)

const statementQuery = `query($id: ID!, $cur: CurrencyCode!, $from: DateTime!, $to: DateTime!, $first: Int, $after: String) {
	account(id: $id) { statement(currency: $cur, from: $from, to: $to) {
		currency opening { amount currency } closing { amount } totalIn { amount } totalOut { amount } movementCount csvPath
		movements(first: $first, after: $after) { edges { cursor node { id postedAt kind description amount { amount currency } balanceAfter { amount } reference } }
			pageInfo { hasNextPage endCursor } } } } }`

// statementOf reads a whole statement through the API, following every page.
func statementOf(t *testing.T, e *Env, key, account, cur string, from, to time.Time) (map[string]any, []map[string]any) {
	t.Helper()
	vars := map[string]any{"id": account, "cur": cur, "from": from.Format(time.RFC3339Nano), "to": to.Format(time.RFC3339Nano), "first": 7}
	var head map[string]any
	var lines []map[string]any
	for {
		d := e.MustData(key, statementQuery, vars)
		head = Get(d, "account", "statement").(map[string]any)
		for _, edge := range Get(head, "movements", "edges").([]any) {
			lines = append(lines, Get(edge, "node").(map[string]any))
		}
		if Get(head, "movements", "pageInfo", "hasNextPage") != true {
			return head, lines
		}
		vars["after"] = Str(head, "movements", "pageInfo", "endCursor")
	}
}

func dec(t *testing.T, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return d
}

// TestStatementAddsUp runs a random flow of top-ups, conversions, payments and refunds over
// weeks, then checks random periods: opening + movements = closing, every balance after is the
// one before plus the movement, consecutive periods chain, the balance after matches the one
// the ledger stored, and the last closing is the account's balance.
func TestStatementAddsUp(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	clock := NewClock(start)
	e := New(t, Options{Clock: clock})
	s := e.NewShop("62220000001")
	const steps = 30
	for i := range steps {
		clock.Advance(time.Duration(1+rng.IntN(36)) * time.Hour)
		switch op := rng.IntN(5); {
		case op == 0 || i < 2:
			e.MustSucceed(e.Operator, "topUp", TopUp, map[string]any{"accountId": s.AccountID,
				"amount": Money(fmt.Sprintf("%d.%02d", 2000+rng.IntN(5000), rng.IntN(100)), "CNH"), "reference": fmt.Sprintf("wire-%d", i)})
		case op == 1:
			e.MustSucceed(e.Operator, "topUp", TopUp, map[string]any{"accountId": s.AccountID,
				"amount": Money(fmt.Sprintf("%d.00", 100+rng.IntN(300)), "USD"), "reference": fmt.Sprintf("usd-%d", i)})
			q := e.Quote(s.AccountKey, s.AccountID, "USD", "CNH", fmt.Sprintf("%d.%02d", 10+rng.IntN(90), rng.IntN(100)))
			e.MustSucceed(s.AccountKey, "executeQuote", ExecuteQuote, map[string]any{"quoteId": Str(q, "id"), "idempotencyKey": fmt.Sprintf("q%d", i)})
		default:
			oid := e.Order(s.PartnerKey, fmt.Sprintf("1688-%d", i), "buyer", "supplier", fmt.Sprintf("%d.%02d", 50+rng.IntN(900), rng.IntN(100)))
			p := e.Do(s.AccountKey, PayOrder, map[string]any{"input": map[string]any{"orderId": oid, "method": "WORLD_PAY", "idempotencyKey": fmt.Sprintf("p%d", i)}})
			if len(p.Errors) > 0 {
				t.Fatalf("pay: %s", p.Raw)
			}
			if rng.IntN(3) == 0 && len(Get(p.Data, "payOrder", "userErrors").([]any)) == 0 {
				clock.Advance(time.Hour)
				e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": oid, "amount": Money("10.00", "CNY"), "idempotencyKey": fmt.Sprintf("r%d", i)})
			}
		}
	}
	end := clock.Now().Add(time.Hour)
	var stored = map[string]string{}
	rows, err := e.Pool.Query(context.Background(), `SELECT id::text, balance_after::text FROM ledger_entries WHERE account_id = $1`, RawID(s.AccountID))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, b string
		if err := rows.Scan(&id, &b); err != nil {
			t.Fatal(err)
		}
		stored[id] = b
	}
	check := func(from, to time.Time) (opening, closing decimal.Decimal, n int) {
		head, lines := statementOf(t, e, s.AccountKey, s.AccountID, "CNH", from, to)
		opening, closing = dec(t, Str(head, "opening", "amount")), dec(t, Str(head, "closing", "amount"))
		in, out := dec(t, Str(head, "totalIn", "amount")), dec(t, Str(head, "totalOut", "amount"))
		if !opening.Add(in).Sub(out).Equal(closing) {
			t.Fatalf("[%s, %s): %s + %s - %s != %s", from, to, opening, in, out, closing)
		}
		bal, sumIn, sumOut := opening, decimal.Zero, decimal.Zero
		for _, l := range lines {
			amt := dec(t, Str(l, "amount", "amount"))
			if amt.Sign() > 0 {
				sumIn = sumIn.Add(amt)
			} else {
				sumOut = sumOut.Sub(amt)
			}
			bal = bal.Add(amt)
			if got := dec(t, Str(l, "balanceAfter", "amount")); !got.Equal(bal) {
				t.Fatalf("balance after %v: %s, want %s", l, got, bal)
			}
			raw := strings.TrimPrefix(decodeGID(t, Str(l, "id")), "LedgerEntry:")
			if want := stored[raw]; !dec(t, want).Equal(bal) {
				t.Fatalf("entry %s: statement says %s after, the ledger stored %s", raw, bal, want)
			}
			at, _ := time.Parse(time.RFC3339Nano, Str(l, "postedAt"))
			if at.Before(from) || !at.Before(to) || Str(l, "description") == "" {
				t.Fatalf("line %v outside [%s, %s) or undescribed", l, from, to)
			}
		}
		if !bal.Equal(closing) || !sumIn.Equal(in) || !sumOut.Equal(out) || len(lines) != int(Get(head, "movementCount").(float64)) {
			t.Fatalf("[%s, %s): movements end at %s (in %s out %s, %d lines), statement says %s (in %s out %s, %v)",
				from, to, bal, sumIn, sumOut, len(lines), closing, in, out, Get(head, "movementCount"))
		}
		return opening, closing, len(lines)
	}
	total := 0
	prev := decimal.Zero
	for a := start; a.Before(end); {
		b := a.Add(time.Duration(1+rng.IntN(200)) * time.Hour)
		if b.After(end) {
			b = end
		}
		o, c, n := check(a, b)
		if !o.Equal(prev) {
			t.Fatalf("period from %s opens at %s, the one before closed at %s", a, o, prev)
		}
		prev, total, a = c, total+n, b
	}
	if want := dec(t, e.Balance(s.AccountID, "CNH")); !prev.Equal(want) || total != len(stored)-e.Count(`SELECT count(*) FROM ledger_entries WHERE account_id = $1 AND currency <> 'CNH'`, RawID(s.AccountID)) {
		t.Fatalf("closing %s over %d lines, balance %s over %d lines", prev, total, want, len(stored))
	}
}

func decodeGID(t *testing.T, gid string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil {
		t.Fatalf("id %q: %v", gid, err)
	}
	return string(b)
}

// getCSV downloads path with key; returns the status, the content type and the body.
func getCSV(t *testing.T, e *Env, key, path string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.Server.URL+path, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := e.Server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

// TestStatementCSVAndScope: the statement downloads as RFC 4180 CSV with the same figures as
// the query; another account's key, a partner key and anonymous callers get nothing, an
// operator gets it; bad input names its field.
func TestStatementCSVAndScope(t *testing.T) {
	t.Parallel()
	clock := NewClock(time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC))
	e := New(t, Options{Clock: clock})
	s := e.NewShop("62220000001")
	_, keyB := e.Account("Other Ltd")
	e.MustSucceed(e.Operator, "topUp", TopUp, map[string]any{"accountId": s.AccountID, "amount": Money("5000.00", "CNH"), "reference": "wire, \"Oct\""})
	clock.Advance(time.Hour)
	e.Pay(s.AccountKey, e.Order(s.PartnerKey, "1688-A1", "buyer", "supplier", "1000.00"), "p1")
	from, to := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	head, lines := statementOf(t, e, s.AccountKey, s.AccountID, "CNH", from, to)
	if len(lines) != 2 || !strings.Contains(Str(lines[0], "description"), `wire, "Oct"`) ||
		!strings.Contains(Str(lines[1], "description"), "1688-A1") || !strings.Contains(Str(lines[1], "description"), "Supplier supplier") ||
		!strings.Contains(Str(lines[1], "description"), "fees 6.00 CNH") {
		t.Fatalf("lines %v", lines)
	}
	for _, c := range []struct {
		from    time.Time
		opening string
		lines   int
	}{{time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC), "0.00", 2}, {time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC), "5000.00", 1}} {
		h, ls := statementOf(t, e, s.AccountKey, s.AccountID, "CNH", c.from, to)
		if Str(h, "opening", "amount") != c.opening || len(ls) != c.lines {
			t.Fatalf("from %s (a movement's own time): opening %s, %d lines", c.from, Str(h, "opening", "amount"), len(ls))
		}
	}
	path := Str(head, "csvPath")
	status, ctype, body := getCSV(t, e, s.AccountKey, path)
	if status != http.StatusOK || ctype != "text/csv; charset=utf-8" || !strings.HasSuffix(body, "\r\n") || strings.Count(body, "\r\n") != 5 {
		t.Fatalf("%d %s %q", status, ctype, body)
	}
	recs, err := csv.NewReader(bytes.NewReader([]byte(body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"posted_at", "entry_id", "type", "description", "reference", "currency", "amount", "balance_after"},
		{"2026-10-01T00:00:00Z", "", "OPENING_BALANCE", "Opening balance", "", "CNH", "", "0.00"},
		{"2026-10-01T08:00:00Z", recs[2][1], "TOP_UP", `Top-up, reference wire, "Oct"`, recs[2][4], "CNH", "5000.00", "5000.00"},
		{"2026-10-01T09:00:00Z", recs[3][1], "PAYMENT", "Payment of 1688 order 1688-A1 to Supplier supplier: 1000.00 CNY + fees 6.00 CNH", recs[3][4], "CNH", "-1006.00", "3994.00"},
		{"2026-11-01T00:00:00Z", "", "CLOSING_BALANCE", "Closing balance (2 movements)", "", "CNH", "", "3994.00"},
	}
	if fmt.Sprint(recs) != fmt.Sprint(want) || Str(head, "closing", "amount") != "3994.00" {
		t.Fatalf("csv\n%q\nwant\n%q", recs, want)
	}
	if st, _, _ := getCSV(t, e, e.Operator, path); st != http.StatusOK {
		t.Fatalf("operator: %d", st)
	}
	for name, c := range map[string]struct {
		key, path string
		status    int
		field     string
	}{
		"another account": {keyB, path, 404, ""},
		"a partner":       {s.PartnerKey, path, 404, ""},
		"anonymous":       {"", path, 401, ""},
		"bad currency":    {s.AccountKey, strings.Replace(path, "currency=CNH", "currency=CNY", 1), 400, "currency"},
		"bad from":        {s.AccountKey, strings.Replace(path, "from=2026", "from=x2026", 1), 400, "from"},
		"reversed":        {s.AccountKey, strings.Replace(path, "to=2026-11", "to=2026-09", 1), 400, "to"},
		"not an account":  {s.AccountKey, "/statements/" + url.PathEscape(s.LinkID) + ".csv?" + strings.SplitN(path, "?", 2)[1], 400, "accountId"},
	} {
		st, _, b := getCSV(t, e, c.key, c.path)
		if st != c.status || strings.Contains(b, "5000.00") || (c.field != "" && !strings.Contains(b, `"field":["`+c.field+`"]`)) {
			t.Errorf("%s: %d %s", name, st, b)
		}
	}
	r := e.Do(keyB, statementQuery, map[string]any{"id": s.AccountID, "cur": "CNH", "from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"})
	if Get(r.Data, "account") != nil || strings.Contains(r.Raw, "5000") {
		t.Fatalf("another account read the statement: %s", r.Raw)
	}
	r = e.Do(s.AccountKey, statementQuery, map[string]any{"id": s.AccountID, "cur": "CNH", "from": "2026-11-01T00:00:00Z", "to": "2026-10-01T00:00:00Z"})
	if r.Code() != "INVALID_INPUT" || !strings.Contains(r.Raw, `"to"`) {
		t.Fatalf("reversed period: %s", r.Raw)
	}
}
