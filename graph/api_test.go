package graph_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph"
	. "github.com/kjb/kjb/internal/apitest"
)

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := New(t)
	t.Run("anonymous may ask for viewer and currencies", func(t *testing.T) {
		d := e.MustData("", `{ viewer { role account { id } } currencies { code minorUnits holdable } }`, nil)
		if Get(d, "viewer", "role") != nil || len(Get(d, "currencies").([]any)) != 29 {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("anonymous gets UNAUTHENTICATED for anything else", func(t *testing.T) {
		for _, q := range []string{`{ accounts { edges { node { id } } } }`, `{ account(id: "QWNjb3VudDp4") { id } }`, `{ node(id: "QWNjb3VudDp4") { id } }`,
			`mutation { createPartner(input: {code: "x", name: "x"}) { partner { id } } }`} {
			if r := e.Do("", q, nil); r.Code() != "UNAUTHENTICATED" {
				t.Errorf("%s: %s", q, r.Raw)
			}
		}
	})
	t.Run("a wrong key is refused with 401", func(t *testing.T) {
		r := e.Do("kjb_test_nope", `{ viewer { role } }`, nil)
		if r.Status != http.StatusUnauthorized || r.Code() != "UNAUTHENTICATED" {
			t.Fatalf("got %d %s", r.Status, r.Raw)
		}
	})
	t.Run("a malformed header is refused", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.Server.URL+"/query", strings.NewReader(`{"query":"{ viewer { role } }"}`))
		req.Header.Set("Authorization", "Basic abc")
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
	t.Run("roles", func(t *testing.T) {
		_, acctKey := e.Account("Roles Ltd")
		d := e.MustData(acctKey, `{ viewer { role account { name } partner { id } } }`, nil)
		if Get(d, "viewer", "role") != "ACCOUNT" || Str(d, "viewer", "account", "name") != "Roles Ltd" {
			t.Fatalf("viewer %v", d)
		}
		r := e.Do(acctKey, CreateAccount, map[string]any{"input": map[string]any{"name": "x", "type": "PERSONAL", "country": "GB"}})
		if r.Code() != "FORBIDDEN" {
			t.Fatalf("an account key created an account: %s", r.Raw)
		}
	})
}

func TestPartnersAndKeys(t *testing.T) {
	t.Parallel()
	e := New(t)
	p := e.MustSucceed(e.Operator, "createPartner", CreatePartner, map[string]any{"code": "1688", "name": "1688.com"})
	pid := Str(p, "partner", "id")
	dup := e.Mutate(e.Operator, "createPartner", CreatePartner, map[string]any{"code": "1688", "name": "again"})
	if codes := UserErrorCodes(dup); len(codes) != 1 || codes[0] != "ALREADY_EXISTS" {
		t.Fatalf("duplicate code: %v", dup)
	}
	k := e.MustSucceed(e.Operator, "createApiKey", CreateKey, map[string]any{"role": "PARTNER", "partnerId": pid, "label": "dashboard"})
	secret := Str(k, "secret")
	if !strings.HasPrefix(secret, "kjb_test_") || Str(k, "apiKey", "hint") != secret[len(secret)-4:] {
		t.Fatalf("key %v", k)
	}
	d := e.MustData(secret, `{ viewer { role partner { code name } } }`, nil)
	if Str(d, "viewer", "partner", "code") != "1688" || Get(d, "viewer", "role") != "PARTNER" {
		t.Fatalf("viewer %v", d)
	}
	var stored int
	stored = e.Count(`SELECT count(*) FROM api_keys WHERE secret_hash = $1`, secret)
	if stored != 0 {
		t.Fatal("the secret is stored in clear")
	}
	for name, in := range map[string]map[string]any{
		"account key without account": {"role": "ACCOUNT"},
		"partner key without partner": {"role": "PARTNER"},
		"operator key with partner":   {"role": "OPERATOR", "partnerId": pid},
		"partner id of another type":  {"role": "PARTNER", "partnerId": "QWNjb3VudDp4"},
		"unknown partner":             {"role": "PARTNER", "partnerId": "UGFydG5lcjowMWExZmM2MS0xYzJjLTc5ZDgtYjdiZC03MWI2YmYxMmVkMzM"},
	} {
		before := e.Snapshot()
		out := e.Mutate(e.Operator, "createApiKey", CreateKey, in)
		if len(UserErrorCodes(out)) == 0 || out["secret"] != nil || e.Snapshot() != before {
			t.Errorf("%s: %v", name, out)
		}
	}
}

func TestAccountsAndKyc(t *testing.T) {
	t.Parallel()
	e := New(t)
	p := e.MustSucceed(e.Operator, "createAccount", CreateAccount, map[string]any{"name": "Acme", "type": "CORPORATE", "country": "GB"})
	id := Str(p, "account", "id")
	if Str(p, "account", "kycStatus") != "PENDING" {
		t.Fatalf("new account %v", p)
	}
	d := e.MustData(e.Operator, `query($id: ID!) { account(id: $id) { name type country kycStatus crossBorderPayActive serviceFeeRate balances { currency } balance(currency: JPY) { available { amount currency } } } }`, map[string]any{"id": id})
	if Str(d, "account", "serviceFeeRate") != "0.002" || Str(d, "account", "balance", "available", "amount") != "0" || len(Get(d, "account", "balances").([]any)) != 0 {
		t.Fatalf("account %v", d)
	}
	r := e.MustSucceed(e.Operator, "reviewKyc", ReviewKyc, map[string]any{"accountId": id, "decision": "APPROVE", "note": "passport ok"})
	if Str(r, "account", "kycStatus") != "VERIFIED" {
		t.Fatalf("review %v", r)
	}
	rej := e.Mutate(e.Operator, "reviewKyc", ReviewKyc, map[string]any{"accountId": id, "decision": "REJECT"})
	if codes := UserErrorCodes(rej); len(codes) != 1 || codes[0] != "INVALID_STATE" {
		t.Fatalf("rejecting a verified account: %v", rej)
	}
	bad := e.Mutate(e.Operator, "createAccount", CreateAccount, map[string]any{"name": "", "type": "PERSONAL", "country": "ZZ"})
	if len(UserErrorCodes(bad)) != 2 {
		t.Fatalf("bad account input: %v", bad)
	}
	t.Run("node resolves the account", func(t *testing.T) {
		d := e.MustData(e.Operator, `query($id: ID!) { node(id: $id) { id ... on Account { name } } }`, map[string]any{"id": id})
		if Str(d, "node", "name") != "Acme" {
			t.Fatalf("node %v", d)
		}
	})
}

func TestAccountsPagination(t *testing.T) {
	t.Parallel()
	e := New(t)
	for i := range 5 {
		e.MustSucceed(e.Operator, "createAccount", CreateAccount, map[string]any{"name": fmt.Sprintf("A%d", i), "type": "PERSONAL", "country": "DE"})
	}
	q := `query($after: String) { accounts(first: 2, after: $after) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }`
	var names []string
	var after any
	for pages := 0; pages < 10; pages++ {
		d := e.MustData(e.Operator, q, map[string]any{"after": after})
		for _, edge := range Get(d, "accounts", "edges").([]any) {
			names = append(names, Str(edge, "node", "name"))
		}
		if Get(d, "accounts", "pageInfo", "hasNextPage") != true {
			break
		}
		after = Get(d, "accounts", "pageInfo", "endCursor")
	}
	if strings.Join(names, ",") != "A4,A3,A2,A1,A0" {
		t.Fatalf("pages gave %v, want newest first without gaps", names)
	}
	if r := e.Do(e.Operator, `{ accounts(first: 101) { edges { cursor } } }`, nil); r.Code() != "INVALID_INPUT" {
		t.Fatalf("first=101: %s", r.Raw)
	}
	if r := e.Do(e.Operator, `{ accounts(after: "bm9wZQ") { edges { cursor } } }`, nil); r.Code() != "INVALID_INPUT" {
		t.Fatalf("bad cursor: %s", r.Raw)
	}
}

const statement = `query($id: ID!) { account(id: $id) {
	balances { currency available { amount currency } }
	ledgerEntries(first: 10) { edges { node { amount { amount currency } balanceAfter { amount } kind reference } } } } }`

func TestTopUp(t *testing.T) {
	t.Parallel()
	e := New(t)
	id, key := e.Account("Acme")
	in := map[string]any{"accountId": id, "amount": map[string]any{"amount": "1250.50", "currency": "USD"}, "reference": "WIRE-001"}
	first := e.MustSucceed(e.Operator, "topUp", TopUp, in)
	if Str(first, "topUp", "amount", "amount") != "1250.50" {
		t.Fatalf("top-up %v", first)
	}
	t.Run("the same reference and amount returns the same top-up, credited once", func(t *testing.T) {
		again := e.MustSucceed(e.Operator, "topUp", TopUp, in)
		if Str(again, "topUp", "id") != Str(first, "topUp", "id") {
			t.Fatalf("replay gave another top-up: %v vs %v", again, first)
		}
	})
	t.Run("the same reference with another amount is IDEMPOTENCY_KEY_REUSED", func(t *testing.T) {
		before := e.Snapshot()
		other := e.Mutate(e.Operator, "topUp", TopUp, map[string]any{"accountId": id, "amount": map[string]any{"amount": "99.00", "currency": "USD"}, "reference": "WIRE-001"})
		if codes := UserErrorCodes(other); len(codes) != 1 || codes[0] != "IDEMPOTENCY_KEY_REUSED" || e.Snapshot() != before {
			t.Fatalf("got %v", other)
		}
	})
	e.MustSucceed(e.Operator, "topUp", TopUp, map[string]any{"accountId": id, "amount": map[string]any{"amount": "1500", "currency": "JPY"}, "reference": "WIRE-002"})
	e.MustSucceed(e.Operator, "topUp", TopUp, map[string]any{"accountId": id, "amount": map[string]any{"amount": "0.50", "currency": "USD"}, "reference": "WIRE-003"})
	t.Run("the account's statement and balances", func(t *testing.T) {
		d := e.MustData(key, statement, map[string]any{"id": id})
		bal := Get(d, "account", "balances").([]any)
		if len(bal) != 2 || Str(bal[0], "available", "amount") != "1500" || Str(bal[1], "available", "amount") != "1251.00" {
			t.Fatalf("balances %v", bal)
		}
		lines := Get(d, "account", "ledgerEntries", "edges").([]any)
		if len(lines) != 3 || Str(lines[0], "node", "amount", "amount") != "0.50" || Str(lines[0], "node", "balanceAfter", "amount") != "1251.00" ||
			Str(lines[2], "node", "kind") != "TOP_UP" || Str(lines[2], "node", "reference") != Str(first, "topUp", "id") {
			t.Fatalf("statement %v", lines)
		}
	})
	e.Audit()
}

func TestTopUpRefusesBadInput(t *testing.T) {
	t.Parallel()
	e := New(t)
	id, key := e.Account("Acme")
	amount := func(a any, c string) map[string]any {
		return map[string]any{"accountId": id, "amount": map[string]any{"amount": a, "currency": c}, "reference": "r1"}
	}
	with := func(k string, v any) map[string]any { in := amount("10.00", "USD"); in[k] = v; return in }
	tests := []struct {
		name  string
		key   string
		input map[string]any
		code  string // user error or top-level code
	}{
		{"JSON number", e.Operator, amount(1250, "USD"), "INVALID_INPUT"},
		{"exponent", e.Operator, amount("1e3", "USD"), "INVALID_INPUT"},
		{"NaN", e.Operator, amount("NaN", "USD"), "INVALID_INPUT"},
		{"leading plus", e.Operator, amount("+5", "USD"), "INVALID_INPUT"},
		{"negative", e.Operator, amount("-1", "USD"), "INVALID_INPUT"},
		{"zero", e.Operator, amount("0", "USD"), "INVALID_INPUT"},
		{"three decimals in USD", e.Operator, amount("1.005", "USD"), "INVALID_INPUT"},
		{"decimals in JPY", e.Operator, amount("1.5", "JPY"), "INVALID_INPUT"},
		{"40 digits", e.Operator, amount(strings.Repeat("9", 40), "USD"), "INVALID_INPUT"},
		{"unknown currency", e.Operator, amount("10.00", "XYZ"), "GRAPHQL_VALIDATION_FAILED"},
		{"CNY is not holdable", e.Operator, amount("10.00", "CNY"), "INVALID_INPUT"},
		{"unknown account", e.Operator, with("accountId", "QWNjb3VudDowMWExZmM2MS0xYzJjLTc5ZDgtYjdiZC03MWI2YmYxMmVkMzM"), "NOT_FOUND"},
		{"malformed id", e.Operator, with("accountId", "not-an-id!"), "INVALID_INPUT"},
		{"id of another type", e.Operator, with("accountId", "VG9wVXA6eA"), "INVALID_INPUT"},
		{"empty reference", e.Operator, with("reference", ""), "INVALID_INPUT"},
		{"300-character reference", e.Operator, with("reference", strings.Repeat("r", 300)), "INVALID_INPUT"},
		{"account key may not top up", key, amount("10.00", "USD"), "FORBIDDEN"},
		{"no key", "", amount("10.00", "USD"), "UNAUTHENTICATED"},
		{"wrong key", "kjb_test_wrong", amount("10.00", "USD"), "UNAUTHENTICATED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.Snapshot()
			r := e.Do(tc.key, TopUp, map[string]any{"input": tc.input})
			got := r.Code()
			if got == "" {
				payload, _ := Get(r.Data, "topUp").(map[string]any)
				if payload == nil || payload["topUp"] != nil {
					t.Fatalf("accepted: %s", r.Raw)
				}
				got = strings.Join(UserErrorCodes(payload), ",")
				if ue := Get(payload, "userErrors", 0, "field"); got == "INVALID_INPUT" && ue == nil {
					t.Fatalf("INVALID_INPUT without a field: %s", r.Raw)
				}
			}
			if got != tc.code {
				t.Fatalf("got %q, want %q: %s", got, tc.code, r.Raw)
			}
			if after := e.Snapshot(); after != before {
				t.Fatalf("something changed: %s → %s", before, after)
			}
		})
	}
	e.Audit()
}

// TestConcurrentTopUpsWithOneReference: 50 requests at once with one reference credit once
// and all answer with the same top-up.
func TestConcurrentTopUpsWithOneReference(t *testing.T) {
	t.Parallel()
	e := New(t)
	id, _ := e.Account("Acme")
	const n = 50
	ids := make([]string, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			p := e.Mutate(e.Operator, "topUp", TopUp, map[string]any{"accountId": id,
				"amount": map[string]any{"amount": "100.00", "currency": "EUR"}, "reference": "SAME"})
			ids[i] = Str(p, "topUp", "id")
		}()
	}
	close(start)
	wg.Wait()
	for i := range ids {
		if ids[i] == "" || ids[i] != ids[0] {
			t.Fatalf("answer %d: %q, answer 0: %q", i, ids[i], ids[0])
		}
	}
	if got := e.Count(`SELECT count(*) FROM top_ups`); got != 1 {
		t.Fatalf("%d top-ups", got)
	}
	var bal string
	if err := e.Pool.QueryRow(context.Background(), `SELECT available::text FROM balances WHERE currency = 'EUR'`).Scan(&bal); err != nil || bal != "100.00" {
		t.Fatalf("balance %s %v", bal, err)
	}
	e.Audit()
}

func TestHardening(t *testing.T) {
	t.Parallel()
	e := New(t)
	t.Run("a 2 MB body is refused", func(t *testing.T) {
		body := append([]byte(`{"query":"{ viewer { role } }","variables":{"pad":"`), bytes.Repeat([]byte("x"), 2<<20)...)
		body = append(body, `"}}`...)
		r := e.Post(e.Operator, body)
		if r.Status != http.StatusRequestEntityTooLarge || r.Code() != "INVALID_INPUT" {
			t.Fatalf("got %d %.200s", r.Status, r.Raw)
		}
	})
	t.Run("a query nested 50 levels deep is refused", func(t *testing.T) {
		// Introspection's type references nest without bound: 50 levels of ofType.
		deep := "{ __type(name: \"Account\") { " + strings.Repeat("ofType { ", 50) + "name" + strings.Repeat(" }", 50) + " } }"
		if r := e.Do(e.Operator, deep, nil); r.Code() != "QUERY_TOO_COMPLEX" {
			t.Fatalf("got %.200s", r.Raw)
		}
		nested := "{ accounts { edges { node { " + strings.Repeat("ledgerEntries { edges { node { ", 12) + "kind" + strings.Repeat(" } } }", 12) + " } } } }"
		if r := e.Do(e.Operator, nested, nil); len(r.Errors) == 0 {
			t.Fatalf("accepted: %.200s", r.Raw)
		}
	})
	t.Run("ordinary queries and the playground's introspection pass", func(t *testing.T) {
		q := `{ accounts { edges { node { ...A } } } } fragment A on Account { ledgerEntries { edges { node { amount { amount } } } } }`
		if r := e.Do(e.Operator, q, nil); len(r.Errors) != 0 {
			t.Fatalf("a normal query was refused: %s", r.Raw)
		}
		typeRef := "kind name " + strings.Repeat("ofType { kind name ", 8) + strings.Repeat("} ", 8)
		full := "{ __schema { types { name fields(includeDeprecated: true) { name args { name type { " + typeRef + "} } type { " + typeRef + "} } } } }"
		if r := e.Do(e.Operator, full, nil); len(r.Errors) != 0 {
			t.Fatalf("the playground's introspection was refused: %.300s", r.Raw)
		}
	})
	t.Run("a thousand aliases are refused", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("{ ")
		for i := range 1000 {
			fmt.Fprintf(&b, "a%d: __typename ", i)
		}
		b.WriteString("}")
		if r := e.Do(e.Operator, b.String(), nil); r.Code() != "QUERY_TOO_COMPLEX" {
			t.Fatalf("got %.300s", r.Raw)
		}
	})
	t.Run("a huge page of pages is too complex", func(t *testing.T) {
		q := `{ accounts(first: 100) { edges { node { ledgerEntries(first: 100) { edges { node { kind } } } } } } }`
		if r := e.Do(e.Operator, q, nil); r.Code() != "QUERY_TOO_COMPLEX" {
			t.Fatalf("got %.300s", r.Raw)
		}
	})
	t.Run("GET serves queries", func(t *testing.T) {
		res, err := http.Get(e.Server.URL + "/query?query=%7Bcurrencies%7Bcode%7D%7D")
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET: %v %v", res, err)
		}
		res.Body.Close()
	})
	t.Run("health and readiness", func(t *testing.T) {
		for _, p := range []string{"/healthz", "/readyz"} {
			res, err := http.Get(e.Server.URL + p)
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %v %v", p, res, err)
			}
			res.Body.Close()
		}
	})
}

func TestInternalErrorsDoNotLeak(t *testing.T) {
	t.Parallel()
	e := New(t)
	id, _ := e.Account("Acme")
	if _, err := e.Pool.Exec(context.Background(), `ALTER TABLE top_ups RENAME TO top_ups_gone`); err != nil {
		t.Fatal(err)
	}
	r := e.Do(e.Operator, TopUp, map[string]any{"input": map[string]any{"accountId": id, "amount": map[string]any{"amount": "1.00", "currency": "USD"}, "reference": "x"}})
	if r.Code() != "INTERNAL" {
		t.Fatalf("got %s", r.Raw)
	}
	for _, leak := range []string{"top_ups", "relation", "SQL", "pgx", "goroutine", ".go:"} {
		if strings.Contains(r.Raw, leak) {
			t.Fatalf("response leaks %q: %s", leak, r.Raw)
		}
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	e := New(t, Options{Server: func(c *graph.ServerConfig) { c.RatePerSecond, c.RateBurst = 0.5, 3 }})
	_, other, err := e.Svc.CreateAPIKey(context.Background(), domain.Actor{Role: domain.RoleOperator, KeyID: "t"},
		domain.CreateAPIKeyInput{Role: domain.RoleOperator})
	if err != nil {
		t.Fatal(err)
	}
	var limited Response
	for range 5 {
		if r := e.Do(e.Operator, `{ viewer { role } }`, nil); r.Status == http.StatusTooManyRequests {
			limited = r
			break
		}
	}
	if limited.Code() != "RATE_LIMITED" {
		t.Fatalf("never limited")
	}
	if r := e.Do(other, `{ viewer { role } }`, nil); r.Status != http.StatusOK {
		t.Fatalf("another key was limited too: %s", r.Raw)
	}
}

func TestIntrospectionOutsideSandbox(t *testing.T) {
	t.Parallel()
	e := New(t, Options{Server: func(c *graph.ServerConfig) { c.Sandbox = false }})
	_, acct := e.Account("Acme")
	if r := e.Do(acct, `{ __schema { queryType { name } } }`, nil); len(r.Errors) == 0 {
		t.Fatalf("an account key introspected outside sandbox: %s", r.Raw)
	}
	if r := e.Do(e.Operator, `{ __schema { queryType { name } } }`, nil); len(r.Errors) != 0 {
		t.Fatalf("the operator could not introspect: %s", r.Raw)
	}
	res, _ := http.Get(e.Server.URL + "/")
	if res.StatusCode == http.StatusOK {
		t.Fatal("the playground is served outside sandbox mode")
	}
	res.Body.Close()
}
