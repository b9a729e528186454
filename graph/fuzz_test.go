package graph_test

import (
	"encoding/json"
	"strings"
	"testing"

	. "github.com/kjb/kjb/internal/apitest"
)

// FuzzGraphQL sends random and mutated operations, with random variables, to the real API as
// an operator and as an account. Whatever arrives: no panic, no INTERNAL error, and a request
// that was refused (top-level errors or user errors, nothing accepted) changed no table.
func FuzzGraphQL(f *testing.F) {
	seeds := []struct{ query, vars string }{
		{`{ viewer { role } }`, `{}`},
		{TopUp, `{"input":{"accountId":"ACCOUNT","amount":{"amount":"10.00","currency":"USD"},"reference":"r"}}`},
		{TopUp, `{"input":{"accountId":"ACCOUNT","amount":{"amount":1e3,"currency":"USD"},"reference":"r"}}`},
		{TopUp, `{"input":{"accountId":"ACCOUNT","amount":{"amount":"-0.01","currency":"JPY"},"reference":""}}`},
		{CreateQuote, `{"input":{"accountId":"ACCOUNT","sellCurrency":"USD","buyCurrency":"CNH","sellAmount":{"amount":"5.00","currency":"USD"}}}`},
		{`query($id: ID!) { account(id: $id) { balances { currency available { amount } } ledgerEntries(first: 5) { edges { cursor } } } }`, `{"id":"ACCOUNT"}`},
		{`query($a: String) { accounts(first: 3, after: $a) { edges { cursor } } }`, `{"a":"Yzo"}`},
		{`query($id: ID!) { node(id: $id) { id } }`, `{"id":"not base64 !"}`},
		{`{ a: viewer { role } b: viewer { role } __typename }`, `null`},
		{`mutation { createAccount(input: {name: "x", type: CORPORATE, country: "ZZ"}) { userErrors { code } } }`, `{}`},
		{`{ events(types: [PAYMENT_SUCCEEDED]) { edges { node { type } } } }`, `{}`},
		{`{ fxRates { mid } feeSchedule { standardRate } }`, `{}`},
		{`query { paymentOptions(orderId: "x") { method } }`, `{}`},
		{`{{{{`, `{"x":`},
	}
	for _, s := range seeds {
		f.Add(s.query, s.vars, true)
		f.Add(s.query, s.vars, false)
	}
	e := New(f)
	acct, acctKey := e.Account("Fuzz Ltd")
	e.Fund(acct, "100.00", "USD")
	f.Fuzz(func(t *testing.T, query, vars string, asOperator bool) {
		if len(query) > 20000 || len(vars) > 20000 {
			return
		}
		e := e.With(t)
		key := acctKey
		if asOperator {
			key = e.Operator
		}
		vars = strings.ReplaceAll(vars, "ACCOUNT", acct)
		body, _ := json.Marshal(map[string]any{"query": query, "variables": json.RawMessage(validJSON(vars))})
		before := e.Snapshot()
		r := e.Post(key, body)
		if strings.Contains(r.Raw, `"INTERNAL"`) {
			t.Fatalf("INTERNAL for %q %q: %.500s", query, vars, r.Raw)
		}
		if after := e.Snapshot(); refused(r) && after != before {
			t.Fatalf("a refused request changed %v: %q %q: %.300s", ChangedTables(before, after), query, vars, r.Raw)
		}
	})
}

// validJSON keeps fuzzed variables usable as a JSON value (null when they are not JSON).
func validJSON(s string) string {
	if json.Valid([]byte(s)) {
		return s
	}
	return "null"
}

// refused reports whether a request was turned down as a whole: it has errors or user errors,
// and no field of its answer is a payload without user errors (one mutation of several may
// succeed while another is refused; that request did change something).
func refused(r Response) bool {
	if len(r.Errors) == 0 && !strings.Contains(r.Raw, `"userErrors":[{`) {
		return false
	}
	for _, v := range r.Data {
		if payload, ok := v.(map[string]any); ok {
			if ues, _ := payload["userErrors"].([]any); len(ues) == 0 {
				return false
			}
		}
	}
	return true
}
