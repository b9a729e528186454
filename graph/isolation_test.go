package graph_test

import (
	"sort"
	"testing"

	. "github.com/kjb/kjb/internal/apitest"
)

// idReaders lists, for every query field that takes an id, a query reading an object by
// that id. TestTenantIsolation fails when the schema gains such a field without an entry.
var idReaders = map[string][]struct {
	name  string
	query string
	id    func(f isolationFixture) string
}{
	"account": {{"account", `query($id: ID!) { account(id: $id) { id } }`, func(f isolationFixture) string { return f.accountA }}},
	"node": {
		{"node(Account)", `query($id: ID!) { node(id: $id) { id } }`, func(f isolationFixture) string { return f.accountA }},
		{"node(TopUp)", `query($id: ID!) { node(id: $id) { id } }`, func(f isolationFixture) string { return f.topUpA }},
		{"node(Order)", `query($id: ID!) { node(id: $id) { id } }`, func(f isolationFixture) string { return f.orderA }},
		{"node(MarketplaceLink)", `query($id: ID!) { node(id: $id) { id } }`, func(f isolationFixture) string { return f.linkA }},
		{"node(MarketplaceLink).spending", `query($id: ID!) { node(id: $id) { ... on MarketplaceLink { spending { dailyLimit { amount } spentToday { amount } } } } }`, func(f isolationFixture) string { return f.linkA }},
		{"node(Quote)", `query($id: ID!) { node(id: $id) { id } }`, func(f isolationFixture) string { return f.quoteA }},
		{"node(Conversion)", `query($id: ID!) { node(id: $id) { id } }`, func(f isolationFixture) string { return f.conversionA }},
		{"node(Payment)", `query($id: ID!) { node(id: $id) { id } }`, func(f isolationFixture) string { return f.paymentA }},
		{"node(Payout)", `query($id: ID!) { node(id: $id) { id } }`, func(f isolationFixture) string { return f.payoutA }},
		{"node(MarketplaceMember)", `query($id: ID!) { node(id: $id) { id } }`, func(f isolationFixture) string { return f.memberA }},
	},
	"quote":          {{"quote", `query($id: ID!) { quote(id: $id) { id } }`, func(f isolationFixture) string { return f.quoteA }}},
	"feeStatements":  {{"feeStatements", `query($id: ID!) { feeStatements(accountId: $id) { edges { cursor } } }`, func(f isolationFixture) string { return f.accountA }}},
	"payment":        {{"payment", `query($id: ID!) { payment(id: $id) { id } }`, func(f isolationFixture) string { return f.paymentA }}},
	"payout":         {{"payout", `query($id: ID!) { payout(id: $id) { id } }`, func(f isolationFixture) string { return f.payoutA }}},
	"paymentOptions": {{"paymentOptions", `query($id: ID!) { paymentOptions(orderId: $id) { method } }`, func(f isolationFixture) string { return f.orderA }}},
	"order":          {{"order", `query($id: ID!) { order(id: $id) { id } }`, func(f isolationFixture) string { return f.orderA }}},
}

type isolationFixture struct {
	accountA, topUpA, orderA, linkA, memberA, quoteA, conversionA, paymentA, payoutA string
}

// TestTenantIsolation asks for account A's objects with account B's key: every answer is
// null, exactly like an object that does not exist. A's own key sees them (so the test can fail).
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	e := New(t)
	a, keyA := e.Account("Tenant A")
	_, keyB := e.Account("Tenant B")
	top := e.MustSucceed(e.Operator, "topUp", TopUp, map[string]any{"accountId": a,
		"amount": map[string]any{"amount": "5.00", "currency": "USD"}, "reference": "iso"})
	quoteA := Str(e.Quote(keyA, a, "USD", "CNH", "1.00"), "id")
	conv := e.MustSucceed(keyA, "executeQuote", ExecuteQuote, map[string]any{"quoteId": quoteA, "idempotencyKey": "iso"})
	_, pk := e.Partner("1688")
	memberA := e.Member(pk, "member-a", nil)
	e.Supplier(pk, "sup", "62220000009")
	f := isolationFixture{accountA: a, topUpA: Str(top, "topUp", "id"), memberA: memberA,
		quoteA: quoteA, conversionA: Str(conv, "conversion", "id"),
		linkA: e.LinkMember(keyA, a, "1688", "member-a"), orderA: e.Order(pk, "order-a", "member-a", "sup", "10.00")}
	e.MustSucceed(keyA, "activateCrossBorderPay", Activate, map[string]any{"linkId": f.linkA})
	e.Fund(a, "100.00", "CNH")
	paid := e.Order(pk, "order-paid", "member-a", "sup", "10.00")
	f.paymentA = Str(e.Pay(keyA, paid, "iso-pay"), "id")
	e.MustSucceed(pk, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": paid})
	po := e.MustData(keyA, `query($id: ID!) { payment(id: $id) { payout { id } } }`, map[string]any{"id": f.paymentA})
	f.payoutA = Str(po, "payment", "payout", "id")

	schema := e.MustData(e.Operator, `{ __schema { queryType { fields { name args { name type { kind name ofType { name } } } } } } }`, nil)
	var withID []string
	for _, field := range Get(schema, "__schema", "queryType", "fields").([]any) {
		for _, arg := range Get(field, "args").([]any) {
			typ := Str(arg, "type", "name") + Str(arg, "type", "ofType", "name")
			if typ == "ID" {
				withID = append(withID, Str(field, "name"))
				break
			}
		}
	}
	sort.Strings(withID)
	for _, name := range withID {
		readers, ok := idReaders[name]
		if !ok {
			t.Errorf("query field %q takes an id but has no isolation case", name)
			continue
		}
		for _, rd := range readers {
			t.Run(rd.name, func(t *testing.T) {
				vars := map[string]any{"id": rd.id(f)}
				if d := e.MustData(keyA, rd.query, vars); d[name] == nil {
					t.Fatalf("the owner cannot read it: %v", d)
				}
				if d := e.MustData(keyB, rd.query, vars); d[name] != nil {
					t.Fatalf("another account read it: %v", d)
				}
			})
		}
	}
	t.Run("accounts lists only the caller's own", func(t *testing.T) {
		d := e.MustData(keyB, `{ accounts { edges { node { name } } } }`, nil)
		edges := Get(d, "accounts", "edges").([]any)
		if len(edges) != 1 || Str(edges[0], "node", "name") != "Tenant B" {
			t.Fatalf("got %v", edges)
		}
	})
}
