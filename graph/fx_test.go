package graph_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
)

func TestFxRates(t *testing.T) {
	t.Parallel()
	e := New(t)
	d := e.MustData("", `{ fxRates { from to mid source } }`, nil)
	rates := Get(d, "fxRates").([]any)
	if len(rates) != 27 {
		t.Fatalf("%d default rates, want one per holdable currency against CNH (27)", len(rates))
	}
	p := e.MustSucceed(e.Operator, "setFxRate", SetFxRate, map[string]any{"from": "USD", "to": "CNH", "mid": "7.2000"})
	if Str(p, "rate", "source") != "OPERATOR" {
		t.Fatalf("got %v", p)
	}
	for name, in := range map[string]map[string]any{
		"zero mid":      {"from": "USD", "to": "CNH", "mid": "0"},
		"same currency": {"from": "USD", "to": "USD", "mid": "1"},
		"CNY":           {"from": "CNY", "to": "CNH", "mid": "1"},
		"exponent":      {"from": "USD", "to": "CNH", "mid": "7e0"},
	} {
		if codes := UserErrorCodes(e.Mutate(e.Operator, "setFxRate", SetFxRate, in)); len(codes) == 0 {
			t.Errorf("%s accepted", name)
		}
	}
	_, acctKey := e.Account("A")
	if r := e.Do(acctKey, SetFxRate, map[string]any{"input": map[string]any{"from": "USD", "to": "CNH", "mid": "1"}}); r.Code() != "FORBIDDEN" {
		t.Fatalf("an account set a rate: %s", r.Raw)
	}
}

func TestQuoteAndExecute(t *testing.T) {
	t.Parallel()
	e := New(t)
	e.MustSucceed(e.Operator, "setFxRate", SetFxRate, map[string]any{"from": "USD", "to": "CNH", "mid": "7.1000"})
	id, key := e.Account("Acme")
	e.Fund(id, "1000.00", "USD")
	q := e.Quote(key, id, "USD", "CNH", "1000.00")
	// mid 7.1000, 50 bps: rate 7.0645; 1000.00 USD buys 7064.50 CNH.
	if Str(q, "rate") != "7.0645" || Str(q, "mid") != "7.1" || Get(q, "spreadBps") != float64(50) ||
		Str(q, "buyAmount", "amount") != "7064.50" || Str(q, "status") != "OPEN" {
		t.Fatalf("quote %v", q)
	}
	// The deprecated midRate answers what mid does until it is removed.
	if d := e.MustData(key, `query($id: ID!) { quote(id: $id) { mid midRate } }`, map[string]any{"id": Str(q, "id")}); Str(d, "quote", "midRate") != Str(d, "quote", "mid") {
		t.Fatalf("quote %v", d)
	}
	t.Run("buy-fixed rounds what the customer pays up", func(t *testing.T) {
		p := e.MustSucceed(key, "createQuote", CreateQuote, map[string]any{"accountId": id, "sellCurrency": "USD", "buyCurrency": "CNH", "buyAmount": Money("100.00", "CNH")})
		// 100 / 7.0645 = 14.1552…; paid rounds up to 14.16.
		if Str(p, "quote", "sellAmount", "amount") != "14.16" {
			t.Fatalf("got %v", p)
		}
	})
	x := e.MustSucceed(key, "executeQuote", ExecuteQuote, map[string]any{"quoteId": Str(q, "id"), "idempotencyKey": "k1"})
	if Str(x, "conversion", "status") != "BOOKED" || Str(x, "conversion", "bought", "amount") != "7064.50" || Str(x, "conversion", "quote", "status") != "EXECUTED" {
		t.Fatalf("conversion %v", x)
	}
	if e.Balance(id, "USD") != "0.00" || e.Balance(id, "CNH") != "7064.50" {
		t.Fatalf("balances USD %s CNH %s", e.Balance(id, "USD"), e.Balance(id, "CNH"))
	}
	settleJobs := func() int { return e.Count(`SELECT count(*) FROM river_job WHERE kind = 'fx.settle'`) }
	if settleJobs() != 1 {
		t.Fatalf("%d settlement jobs enqueued with the conversion, want 1", settleJobs())
	}
	t.Run("the same key again is the same conversion, nothing moves", func(t *testing.T) {
		again := e.MustSucceed(key, "executeQuote", ExecuteQuote, map[string]any{"quoteId": Str(q, "id"), "idempotencyKey": "k1"})
		if Str(again, "conversion", "id") != Str(x, "conversion", "id") || e.Balance(id, "CNH") != "7064.50" {
			t.Fatalf("got %v", again)
		}
	})
	t.Run("a new key on an executed quote", func(t *testing.T) {
		p := e.Mutate(key, "executeQuote", ExecuteQuote, map[string]any{"quoteId": Str(q, "id"), "idempotencyKey": "k2"})
		if codes := UserErrorCodes(p); !slices.Equal(codes, []string{"QUOTE_ALREADY_EXECUTED"}) {
			t.Fatalf("got %v", p)
		}
	})
	t.Run("a used key with another quote is IDEMPOTENCY_KEY_REUSED", func(t *testing.T) {
		other := e.Quote(key, id, "CNH", "USD", "10.00")
		p := e.Mutate(key, "executeQuote", ExecuteQuote, map[string]any{"quoteId": Str(other, "id"), "idempotencyKey": "k1"})
		if codes := UserErrorCodes(p); !slices.Equal(codes, []string{"IDEMPOTENCY_KEY_REUSED"}) {
			t.Fatalf("got %v", p)
		}
	})
	t.Run("not enough balance; the key stays free", func(t *testing.T) {
		big := e.Quote(key, id, "CNH", "EUR", "9000.00")
		p := e.Mutate(key, "executeQuote", ExecuteQuote, map[string]any{"quoteId": Str(big, "id"), "idempotencyKey": "k3"})
		if codes := UserErrorCodes(p); !slices.Equal(codes, []string{"INSUFFICIENT_BALANCE"}) {
			t.Fatalf("got %v", p)
		}
		if settleJobs() != 1 {
			t.Fatal("a refused conversion left a settlement job behind")
		}
		small := e.Quote(key, id, "CNH", "EUR", "10.00")
		e.MustSucceed(key, "executeQuote", ExecuteQuote, map[string]any{"quoteId": Str(small, "id"), "idempotencyKey": "k3"})
	})
	t.Run("statement and conversions list", func(t *testing.T) {
		d := e.MustData(key, `query($id: ID!) { account(id: $id) { conversions { edges { node { sold { currency } } } }
			ledgerEntries(first: 3) { edges { node { kind amount { amount currency } } } } } }`, map[string]any{"id": id})
		if n := len(Get(d, "account", "conversions", "edges").([]any)); n != 2 || Str(d, "account", "ledgerEntries", "edges", 0, "node", "kind") != "CONVERSION" {
			t.Fatalf("got %v", d)
		}
	})
	e.Audit()
}

func TestQuoteRules(t *testing.T) {
	t.Parallel()
	clock := NewClock(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	e := New(t, Options{Clock: clock})
	id, key := e.Account("Acme")
	e.Fund(id, "100.00", "USD")
	t.Run("an expired quote", func(t *testing.T) {
		q := e.Quote(key, id, "USD", "CNH", "10.00")
		clock.Advance(61 * time.Second)
		p := e.Mutate(key, "executeQuote", ExecuteQuote, map[string]any{"quoteId": Str(q, "id"), "idempotencyKey": "late"})
		if codes := UserErrorCodes(p); !slices.Equal(codes, []string{"QUOTE_EXPIRED"}) {
			t.Fatalf("got %v", p)
		}
		d := e.MustData(key, `query($id: ID!) { quote(id: $id) { status } }`, map[string]any{"id": Str(q, "id")})
		if Str(d, "quote", "status") != "EXPIRED" {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("Cross-border Pay active gets the 30 bps spread", func(t *testing.T) {
		_, pk := e.Partner("1688")
		e.Member(pk, "m1", nil)
		link := e.LinkMember(key, id, "1688", "m1")
		e.MustSucceed(key, "activateCrossBorderPay", Activate, map[string]any{"linkId": link})
		if q := e.Quote(key, id, "USD", "CNH", "10.00"); Get(q, "spreadBps") != float64(30) {
			t.Fatalf("got %v", q)
		}
	})
	t.Run("an unverified account cannot execute", func(t *testing.T) {
		p := e.MustSucceed(e.Operator, "createAccount", CreateAccount, map[string]any{"name": "New", "type": "PERSONAL", "country": "FR"})
		nid := Str(p, "account", "id")
		e.Fund(nid, "10.00", "EUR")
		q := e.Quote(e.Operator, nid, "EUR", "CNH", "10.00")
		x := e.Mutate(e.Operator, "executeQuote", ExecuteQuote, map[string]any{"quoteId": Str(q, "id"), "idempotencyKey": "u"})
		if codes := UserErrorCodes(x); !slices.Equal(codes, []string{"KYC_NOT_VERIFIED"}) {
			t.Fatalf("got %v", x)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		_, otherKey := e.Account("Other")
		q := e.Quote(key, id, "USD", "CNH", "1.00")
		for name, tc := range map[string]struct {
			key   string
			input map[string]any
			code  string
			query string
			field string
		}{
			"both amounts":           {key, map[string]any{"accountId": id, "sellCurrency": "USD", "buyCurrency": "CNH", "sellAmount": Money("1", "USD"), "buyAmount": Money("1", "CNH")}, "INVALID_INPUT", CreateQuote, "createQuote"},
			"neither amount":         {key, map[string]any{"accountId": id, "sellCurrency": "USD", "buyCurrency": "CNH"}, "INVALID_INPUT", CreateQuote, "createQuote"},
			"same currencies":        {key, map[string]any{"accountId": id, "sellCurrency": "USD", "buyCurrency": "USD", "sellAmount": Money("1", "USD")}, "INVALID_INPUT", CreateQuote, "createQuote"},
			"CNY":                    {key, map[string]any{"accountId": id, "sellCurrency": "USD", "buyCurrency": "CNY", "sellAmount": Money("1", "USD")}, "INVALID_INPUT", CreateQuote, "createQuote"},
			"below minor unit":       {key, map[string]any{"accountId": id, "sellCurrency": "USD", "buyCurrency": "CNH", "sellAmount": Money("0.001", "USD")}, "INVALID_INPUT", CreateQuote, "createQuote"},
			"too small to buy":       {key, map[string]any{"accountId": id, "sellCurrency": "KRW", "buyCurrency": "USD", "sellAmount": Money("1", "KRW")}, "INVALID_INPUT", CreateQuote, "createQuote"},
			"someone else's account": {otherKey, map[string]any{"accountId": id, "sellCurrency": "USD", "buyCurrency": "CNH", "sellAmount": Money("1", "USD")}, "NOT_FOUND", CreateQuote, "createQuote"},
			"someone else's quote":   {otherKey, map[string]any{"quoteId": Str(q, "id"), "idempotencyKey": "x"}, "NOT_FOUND", ExecuteQuote, "executeQuote"},
			"an id of another type":  {key, map[string]any{"quoteId": id, "idempotencyKey": "x"}, "INVALID_INPUT", ExecuteQuote, "executeQuote"},
			"empty key":              {key, map[string]any{"quoteId": Str(q, "id"), "idempotencyKey": ""}, "INVALID_INPUT", ExecuteQuote, "executeQuote"},
		} {
			before := e.Snapshot()
			p := e.Mutate(tc.key, tc.field, tc.query, tc.input)
			if codes := UserErrorCodes(p); !slices.Equal(codes, []string{tc.code}) || e.Snapshot() != before {
				t.Errorf("%s: %v", name, p)
			}
		}
		if d := e.MustData(otherKey, `query($id: ID!) { quote(id: $id) { id } }`, map[string]any{"id": Str(q, "id")}); d["quote"] != nil {
			t.Error("another account read the quote")
		}
	})
}

func TestRateUnavailable(t *testing.T) {
	t.Parallel()
	e := New(t, Options{Domain: func(c *domain.Config) { c.Sandbox = false }})
	id, key := e.Account("Acme")
	p := e.Mutate(key, "createQuote", CreateQuote, map[string]any{"accountId": id, "sellCurrency": "USD", "buyCurrency": "CNH", "sellAmount": Money("1.00", "USD")})
	if codes := UserErrorCodes(p); !slices.Equal(codes, []string{"RATE_UNAVAILABLE"}) {
		t.Fatalf("no rate outside sandbox: %v", p)
	}
	if _, err := e.Pool.Exec(context.Background(), `INSERT INTO fx_rates VALUES ('USD', 'CNH', 7.1, 'FEED', now() - interval '16 minutes')`); err != nil {
		t.Fatal(err)
	}
	p = e.Mutate(key, "createQuote", CreateQuote, map[string]any{"accountId": id, "sellCurrency": "USD", "buyCurrency": "CNH", "sellAmount": Money("1.00", "USD")})
	if codes := UserErrorCodes(p); !slices.Equal(codes, []string{"RATE_UNAVAILABLE"}) {
		t.Fatalf("stale feed rate: %v", p)
	}
	if _, err := e.Pool.Exec(context.Background(), `UPDATE fx_rates SET updated_at = now()`); err != nil {
		t.Fatal(err)
	}
	e.MustSucceed(key, "createQuote", CreateQuote, map[string]any{"accountId": id, "sellCurrency": "USD", "buyCurrency": "CNH", "sellAmount": Money("1.00", "USD")})
}

// TestConcurrentExecution: 20 goroutines execute one quote with one key (one conversion, 20
// identical answers), then 20 with 20 keys (one conversion, 19 QUOTE_ALREADY_EXECUTED).
func TestConcurrentExecution(t *testing.T) {
	t.Parallel()
	e := New(t)
	id, key := e.Account("Acme")
	e.Fund(id, "100.00", "USD")
	race := func(quoteID string, keyFor func(i int) string) []map[string]any {
		out := make([]map[string]any, 20)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range out {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				out[i] = e.Mutate(key, "executeQuote", ExecuteQuote, map[string]any{"quoteId": quoteID, "idempotencyKey": keyFor(i)})
			}()
		}
		close(start)
		wg.Wait()
		return out
	}
	q1 := e.Quote(key, id, "USD", "CNH", "10.00")
	same := race(Str(q1, "id"), func(int) string { return "one-key" })
	for _, p := range same {
		if Str(p, "conversion", "id") == "" || Str(p, "conversion", "id") != Str(same[0], "conversion", "id") {
			t.Fatalf("answers differ: %v vs %v", p, same[0])
		}
	}
	q2 := e.Quote(key, id, "USD", "CNH", "10.00")
	many := race(Str(q2, "id"), func(i int) string { return fmt.Sprintf("key-%d", i) })
	ok, already := 0, 0
	for _, p := range many {
		switch codes := UserErrorCodes(p); {
		case len(codes) == 0:
			ok++
		case slices.Equal(codes, []string{"QUOTE_ALREADY_EXECUTED"}):
			already++
		default:
			t.Errorf("unexpected %v", p)
		}
	}
	if ok != 1 || already != 19 || e.Count(`SELECT count(*) FROM conversions`) != 2 || e.Balance(id, "USD") != "80.00" {
		t.Fatalf("%d ok, %d already; balance %s", ok, already, e.Balance(id, "USD"))
	}
	e.Audit()
}
