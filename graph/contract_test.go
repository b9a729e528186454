package graph_test

import (
	"fmt"
	"testing"

	. "github.com/kjb/kjb/internal/apitest"
)

// TestMoneyInputNamesTheWrongCurrency: every amount is a MoneyInput, and one in a currency its
// field does not take is INVALID_INPUT naming the field's currency, with nothing changed.
func TestMoneyInputNamesTheWrongCurrency(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "2000.00", "CNH")
	oid := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00")
	e.Pay(s.AccountKey, oid, "p")
	before := e.Snapshot()
	tests := map[string]struct {
		key, field, query string
		input             map[string]any
		want              string
	}{
		"createQuote sellAmount": {s.AccountKey, "createQuote", CreateQuote, map[string]any{"accountId": s.AccountID, "sellCurrency": "USD",
			"buyCurrency": "CNH", "sellAmount": Money("10.00", "CNH")}, "[input sellAmount currency]"},
		"createQuote buyAmount": {s.AccountKey, "createQuote", CreateQuote, map[string]any{"accountId": s.AccountID, "sellCurrency": "USD",
			"buyCurrency": "CNH", "buyAmount": Money("10.00", "USD")}, "[input buyAmount currency]"},
		"createOrder amount": {s.PartnerKey, "createOrder", CreateOrder, map[string]any{"externalId": "o-2", "buyerMemberId": "buyer",
			"supplierId": "supplier", "amount": Money("10.00", "CNH"), "tradeMode": "SECURED_TRANSACTION"}, "[input amount currency]"},
		"refundOrder amount": {s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": oid, "amount": Money("10.00", "USD"),
			"idempotencyKey": "r"}, "[input amount currency]"},
	}
	for name, tc := range tests {
		p := e.Mutate(tc.key, tc.field, tc.query, tc.input)
		ues, _ := Get(p, "userErrors").([]any)
		if len(ues) != 1 || Str(ues[0], "code") != "INVALID_INPUT" || fmt.Sprint(Get(ues[0], "field")) != tc.want {
			t.Errorf("%s: %v, want INVALID_INPUT naming %s", name, p, tc.want)
		}
	}
	if after := e.Snapshot(); after != before {
		t.Errorf("a refused amount changed something:\n%s\n%s", before, after)
	}
}

// TestPageInfo: every connection has Relay's four PageInfo fields.
func TestPageInfo(t *testing.T) {
	t.Parallel()
	e := New(t)
	id, key := e.Account("Pages Ltd")
	for _, amount := range []string{"1.00", "2.00", "3.00"} {
		e.Fund(id, amount, "USD")
	}
	const q = `query($id: ID!, $after: String) { account(id: $id) { ledgerEntries(first: 2, after: $after) {
		edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`
	first := Get(e.MustData(key, q, map[string]any{"id": id}), "account", "ledgerEntries")
	if Get(first, "pageInfo", "hasNextPage") != true || Get(first, "pageInfo", "hasPreviousPage") != false ||
		Str(first, "pageInfo", "startCursor") != Str(first, "edges", 0, "cursor") || Str(first, "pageInfo", "endCursor") != Str(first, "edges", 1, "cursor") {
		t.Fatalf("first page %v", first)
	}
	second := Get(e.MustData(key, q, map[string]any{"id": id, "after": Str(first, "pageInfo", "endCursor")}), "account", "ledgerEntries")
	if len(Get(second, "edges").([]any)) != 1 || Get(second, "pageInfo", "hasNextPage") != false || Get(second, "pageInfo", "hasPreviousPage") != true ||
		Str(second, "pageInfo", "startCursor") != Str(second, "edges", 0, "cursor") || Str(second, "pageInfo", "endCursor") != Str(second, "edges", 0, "cursor") {
		t.Fatalf("second page %v", second)
	}
	empty := Get(e.MustData(key, `query($id: ID!) { account(id: $id) { links { edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`,
		map[string]any{"id": id}), "account", "links", "pageInfo")
	if fmt.Sprint(empty) != "map[endCursor:<nil> hasNextPage:false hasPreviousPage:false startCursor:<nil>]" {
		t.Fatalf("empty page %v", empty)
	}
}

// TestLedgerEntryIsANode: node(id:) resolves a ledger entry for its account and operators,
// and answers null to anyone else.
func TestLedgerEntryIsANode(t *testing.T) {
	t.Parallel()
	e := New(t)
	id, key := e.Account("Ledger Ltd")
	_, otherKey := e.Account("Other Ltd")
	_, pk := e.Partner("1688")
	e.Fund(id, "12.50", "USD")
	entry := Str(e.MustData(key, `query($id: ID!) { account(id: $id) { ledgerEntries { edges { node { id } } } } }`, map[string]any{"id": id}),
		"account", "ledgerEntries", "edges", 0, "node", "id")
	const q = `query($id: ID!) { node(id: $id) { __typename id ... on LedgerEntry { amount { amount currency } kind } } }`
	for _, k := range []string{key, e.Operator} {
		n := Get(e.MustData(k, q, map[string]any{"id": entry}), "node")
		if Str(n, "__typename") != "LedgerEntry" || Str(n, "id") != entry || Str(n, "amount", "amount") != "12.50" || Str(n, "kind") != "TOP_UP" {
			t.Errorf("node %v", n)
		}
	}
	for _, k := range []string{otherKey, pk} {
		if n := Get(e.MustData(k, q, map[string]any{"id": entry}), "node"); n != nil {
			t.Errorf("another caller read %v", n)
		}
	}
}

// TestReferencesAreObjects: events, orders and links lead to the objects they name, each
// visible only to whom it would be on its own.
func TestReferencesAreObjects(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "2000.00", "CNH")
	oid := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "100.00")
	pay := e.Pay(s.AccountKey, oid, "p")
	const events = `{ events(types: [PAYMENT_SUCCEEDED]) { edges { node { type objectType objectId paymentId
		object { __typename ... on Payment { id } } account { id } partner { id } payment { id } } } } }`
	ev := Get(e.MustData(s.AccountKey, events, nil), "events", "edges", 0, "node")
	if Str(ev, "type") != "PAYMENT_SUCCEEDED" || Str(ev, "objectType") != "PAYMENT" || Str(ev, "object", "__typename") != "Payment" ||
		Str(ev, "object", "id") != Str(pay, "id") || Str(ev, "payment", "id") != Str(pay, "id") || Str(ev, "paymentId") != Str(pay, "id") ||
		Str(ev, "account", "id") != s.AccountID || Get(ev, "partner") != nil {
		t.Fatalf("the account's event %v", ev)
	}
	ev = Get(e.MustData(s.PartnerKey, events, nil), "events", "edges", 0, "node")
	if Str(ev, "payment", "id") != Str(pay, "id") || Get(ev, "account") != nil || Str(ev, "partner", "id") == "" {
		t.Fatalf("the partner's event %v", ev)
	}
	const order = `query($id: ID!) { order(id: $id) { buyerMemberId buyerMember { externalId } } }`
	for _, k := range []string{s.PartnerKey, s.AccountKey, e.Operator} {
		if o := e.MustData(k, order, map[string]any{"id": oid}); Str(o, "order", "buyerMember", "externalId") != "buyer" {
			t.Errorf("order %v", o)
		}
	}
	links := e.MustData(s.AccountKey, `query($id: ID!) { account(id: $id) { links(first: 1) { edges { node { id } } pageInfo { hasNextPage } } } }`,
		map[string]any{"id": s.AccountID})
	if Str(links, "account", "links", "edges", 0, "node", "id") != s.LinkID || Get(links, "account", "links", "pageInfo", "hasNextPage") != false {
		t.Fatalf("links %v", links)
	}
}
