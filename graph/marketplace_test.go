package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	. "github.com/kjb/kjb/internal/apitest"
)

// TestLinkingRules: each rule of FAQ 7–9 as a named case, with the code it returns.
func TestLinkingRules(t *testing.T) {
	t.Parallel()
	e := New(t)
	_, pk := e.Partner("1688")
	acct, acctKey := e.Account("Linker")
	tests := []struct {
		name   string
		member map[string]any
		want   []string
	}{
		{"a verified, authorized member links", nil, nil},
		{"FAQ 8: still bound to Alipay International", map[string]any{"alipayInternationalLinked": true}, []string{"ALIPAY_INTERNATIONAL_LINKED"}},
		{"FAQ 9: no Alipay identity verification", map[string]any{"alipayVerified": false}, []string{"MEMBER_NOT_ALIPAY_VERIFIED"}},
		{"FAQ 9: overseas member not authorized", map[string]any{"authorized": false}, []string{"MEMBER_NOT_AUTHORIZED"}},
		{"every failing rule is reported", map[string]any{"alipayInternationalLinked": true, "alipayVerified": false, "authorized": false},
			[]string{"ALIPAY_INTERNATIONAL_LINKED", "MEMBER_NOT_ALIPAY_VERIFIED", "MEMBER_NOT_AUTHORIZED"}},
		{"a personal member without mainland Alipay still links (it cannot use KJB checkout)", map[string]any{"type": "PERSONAL", "mainlandAlipayLinked": false}, nil},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			member := fmt.Sprintf("m-%d", i)
			e.Member(pk, member, tc.member)
			before := e.Count(`SELECT count(*) FROM marketplace_links`)
			p := e.Mutate(acctKey, "linkMarketplaceAccount", Link, map[string]any{"accountId": acct, "platform": "1688", "memberId": member})
			got := UserErrorCodes(p)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("codes %v, want %v (%v)", got, tc.want, p)
			}
			if len(tc.want) > 0 && (p["link"] != nil || e.Count(`SELECT count(*) FROM marketplace_links`) != before) {
				t.Fatalf("a refused link changed something: %v", p)
			}
		})
	}
	t.Run("an unknown member is NOT_FOUND", func(t *testing.T) {
		p := e.Mutate(acctKey, "linkMarketplaceAccount", Link, map[string]any{"accountId": acct, "platform": "1688", "memberId": "nobody"})
		if codes := UserErrorCodes(p); !slices.Equal(codes, []string{"NOT_FOUND"}) {
			t.Fatalf("got %v", p)
		}
	})
	t.Run("an unknown platform is NOT_FOUND", func(t *testing.T) {
		p := e.Mutate(acctKey, "linkMarketplaceAccount", Link, map[string]any{"accountId": acct, "platform": "taobao", "memberId": "m-0"})
		if codes := UserErrorCodes(p); !slices.Equal(codes, []string{"NOT_FOUND"}) {
			t.Fatalf("got %v", p)
		}
	})
	t.Run("FAQ 7: one account links many members; a member links to one account", func(t *testing.T) {
		e.Member(pk, "many-1", nil)
		e.Member(pk, "many-2", nil)
		first := e.LinkMember(acctKey, acct, "1688", "many-1")
		e.LinkMember(acctKey, acct, "1688", "many-2")
		if again := e.LinkMember(acctKey, acct, "1688", "many-1"); again != first {
			t.Fatalf("linking again to the same account gave another link")
		}
		other, otherKey := e.Account("Other")
		p := e.Mutate(otherKey, "linkMarketplaceAccount", Link, map[string]any{"accountId": other, "platform": "1688", "memberId": "many-1"})
		if codes := UserErrorCodes(p); !slices.Equal(codes, []string{"ALREADY_LINKED"}) {
			t.Fatalf("got %v", p)
		}
	})
	t.Run("an account key cannot link for another account", func(t *testing.T) {
		other, _ := e.Account("Someone")
		e.Member(pk, "x-1", nil)
		p := e.Mutate(acctKey, "linkMarketplaceAccount", Link, map[string]any{"accountId": other, "platform": "1688", "memberId": "x-1"})
		if codes := UserErrorCodes(p); !slices.Equal(codes, []string{"NOT_FOUND"}) {
			t.Fatalf("got %v", p)
		}
	})
}

// TestLinkRace: 20 accounts link one member at once; exactly one wins.
func TestLinkRace(t *testing.T) {
	t.Parallel()
	e := New(t)
	_, pk := e.Partner("1688")
	e.Member(pk, "contested", nil)
	type acct struct{ id, key string }
	accts := make([]acct, 20)
	for i := range accts {
		accts[i].id, accts[i].key = e.Account(fmt.Sprintf("Racer %d", i))
	}
	// Every account may ask (a pending link blocks no one); the confirmations race.
	links := make([]string, len(accts))
	for i, a := range accts {
		p := e.MustSucceed(a.key, "linkMarketplaceAccount", Link, map[string]any{"accountId": a.id, "platform": "1688", "memberId": "contested"})
		if links[i] = Str(p, "link", "id"); Str(p, "link", "status") != "PENDING" {
			t.Fatalf("link %d: %v", i, p)
		}
	}
	results := make([][]string, len(accts))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, a := range accts {
		code := e.LinkCode(links[i])
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			p := e.Mutate(a.key, "confirmMarketplaceLink", ConfirmLink, map[string]any{"linkId": links[i], "code": code})
			results[i] = UserErrorCodes(p)
		}()
	}
	close(start)
	wg.Wait()
	wins, lost := 0, 0
	for _, r := range results {
		switch {
		case len(r) == 0:
			wins++
		case slices.Equal(r, []string{"ALREADY_LINKED"}):
			lost++
		default:
			t.Errorf("unexpected result %v", r)
		}
	}
	if wins != 1 || lost != 19 || e.Count(`SELECT count(*) FROM marketplace_links WHERE status = 'ACTIVE'`) != 1 {
		t.Fatalf("%d won, %d lost", wins, lost)
	}
}

func TestUnlinkAndRelinkElsewhere(t *testing.T) {
	t.Parallel()
	e := New(t)
	_, pk := e.Partner("1688")
	e.Member(pk, "mover", nil)
	a, aKey := e.Account("First")
	b, bKey := e.Account("Second")
	link := e.LinkMember(aKey, a, "1688", "mover")
	act := e.MustSucceed(aKey, "activateCrossBorderPay", Activate, map[string]any{"linkId": link})
	if Get(act, "link", "crossBorderPayActive") != true || Get(act, "link", "account", "crossBorderPayActive") != true {
		t.Fatalf("activation %v", act)
	}
	un := e.MustSucceed(aKey, "unlinkMarketplaceAccount", Unlink, map[string]any{"linkId": link})
	if Str(un, "link", "status") != "UNLINKED" || Str(un, "link", "unlinkedAt") == "" || Get(un, "link", "crossBorderPayActive") != false {
		t.Fatalf("unlink %v", un)
	}
	e.LinkMember(bKey, b, "1688", "mover")
	d := e.MustData(aKey, `query($id: ID!) { account(id: $id) { crossBorderPayActive links { edges { node { status memberId } } } } }`, map[string]any{"id": a})
	if Get(d, "account", "crossBorderPayActive") != false || Str(d, "account", "links", "edges", 0, "node", "status") != "UNLINKED" {
		t.Fatalf("history kept and Cross-border Pay off: %v", d)
	}
	again := e.Mutate(aKey, "activateCrossBorderPay", Activate, map[string]any{"linkId": link})
	if codes := UserErrorCodes(again); !slices.Equal(codes, []string{"INVALID_STATE"}) {
		t.Fatalf("activating an unlinked link: %v", again)
	}
	m := e.MustData(pk, `{ marketplaceMember(externalId: "mover") { link { account { id } status } } }`, nil)
	if Str(m, "marketplaceMember", "link", "status") != "ACTIVE" {
		t.Fatalf("member's link %v", m)
	}
}

func TestActivationNeedsVerifiedAccount(t *testing.T) {
	t.Parallel()
	e := New(t)
	_, pk := e.Partner("1688")
	e.Member(pk, "m1", nil)
	p := e.MustSucceed(e.Operator, "createAccount", CreateAccount, map[string]any{"name": "Pending", "type": "PERSONAL", "country": "US"})
	id := Str(p, "account", "id")
	link := e.LinkMember(e.Operator, id, "1688", "m1")
	act := e.Mutate(e.Operator, "activateCrossBorderPay", Activate, map[string]any{"linkId": link})
	if codes := UserErrorCodes(act); !slices.Equal(codes, []string{"KYC_NOT_VERIFIED"}) {
		t.Fatalf("got %v", act)
	}
	e.MustSucceed(e.Operator, "reviewKyc", ReviewKyc, map[string]any{"accountId": id, "decision": "APPROVE"})
	e.MustSucceed(e.Operator, "activateCrossBorderPay", Activate, map[string]any{"linkId": link})
}

func TestOrders(t *testing.T) {
	t.Parallel()
	e := New(t)
	_, pk := e.Partner("1688")
	e.Member(pk, "buyer", nil)
	e.Member(pk, "stranger", nil)
	sup := e.MustSucceed(pk, "upsertSupplier", UpsertSupplier, map[string]any{"supplierId": "s1", "name": "Yiwu Goods", "acceptsCrossBorderPay": true, "payoutAccount": "6222020200110002"})
	if Str(sup, "supplier", "payoutAccount") != "****0002" {
		t.Fatalf("payout account not masked: %v", sup)
	}
	in := map[string]any{"externalId": "1688-0001", "buyerMemberId": "buyer", "supplierId": "s1",
		"amount": map[string]any{"amount": "12500.00", "currency": "CNY"}, "tradeMode": "SECURED_TRANSACTION"}
	o := e.MustSucceed(pk, "createOrder", CreateOrder, in)
	oid := Str(o, "order", "id")
	if Str(o, "order", "status") != "AWAITING_PAYMENT" {
		t.Fatalf("order %v", o)
	}
	t.Run("the same externalId and content returns the same order", func(t *testing.T) {
		if again := e.MustSucceed(pk, "createOrder", CreateOrder, in); Str(again, "order", "id") != oid {
			t.Fatalf("got %v", again)
		}
	})
	t.Run("another content under the same externalId is IDEMPOTENCY_KEY_REUSED", func(t *testing.T) {
		changed := map[string]any{}
		for k, v := range in {
			changed[k] = v
		}
		changed["amount"] = map[string]any{"amount": "1.00", "currency": "CNY"}
		p := e.Mutate(pk, "createOrder", CreateOrder, changed)
		if codes := UserErrorCodes(p); !slices.Equal(codes, []string{"IDEMPOTENCY_KEY_REUSED"}) {
			t.Fatalf("got %v", p)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		for name, tc := range map[string]struct {
			key, value any
			code       string
		}{
			"unknown member":   {"buyerMemberId", "ghost", "NOT_FOUND"},
			"unknown supplier": {"supplierId", "ghost", "NOT_FOUND"},
			"not CNY":          {"amount", map[string]any{"amount": "10.00", "currency": "USD"}, "INVALID_INPUT"},
			"three decimals":   {"amount", map[string]any{"amount": "10.001", "currency": "CNY"}, "INVALID_INPUT"},
			"empty externalId": {"externalId", "", "INVALID_INPUT"},
		} {
			bad := map[string]any{}
			for k, v := range in {
				bad[k] = v
			}
			bad["externalId"] = "bad-" + strings.ReplaceAll(name, " ", "-")
			bad[tc.key.(string)] = tc.value
			n := e.Count(`SELECT count(*) FROM orders`)
			p := e.Mutate(pk, "createOrder", CreateOrder, bad)
			if codes := UserErrorCodes(p); !slices.Equal(codes, []string{tc.code}) || e.Count(`SELECT count(*) FROM orders`) != n {
				t.Errorf("%s: %v", name, p)
			}
		}
	})
	t.Run("an account sees the orders of its linked members only", func(t *testing.T) {
		a, aKey := e.Account("Buyer Co")
		q := `query($id: ID!) { order(id: $id) { id } }`
		if d := e.MustData(aKey, q, map[string]any{"id": oid}); d["order"] != nil {
			t.Fatal("an unlinked account saw the order")
		}
		e.LinkMember(aKey, a, "1688", "buyer")
		if d := e.MustData(aKey, q, map[string]any{"id": oid}); d["order"] == nil {
			t.Fatal("the linked account cannot see its member's order")
		}
		e.Order(pk, "1688-0002", "stranger", "s1", "99.00")
		d := e.MustData(aKey, `{ orders { edges { node { externalId supplier { name payoutAccount } } } } }`, nil)
		if edges := Get(d, "orders", "edges").([]any); len(edges) != 1 || Str(edges[0], "node", "supplier", "payoutAccount") != "****0002" {
			t.Fatalf("orders %v", edges)
		}
	})
	t.Run("orderByExternalId", func(t *testing.T) {
		d := e.MustData(pk, `{ orderByExternalId(externalId: "1688-0001") { id } }`, nil)
		if Str(d, "orderByExternalId", "id") != oid {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("cancel an unpaid order; cancelling again returns it", func(t *testing.T) {
		id := e.Order(pk, "1688-0003", "buyer", "s1", "10.00")
		for range 2 {
			c := e.MustSucceed(pk, "cancelOrder", CancelOrder, map[string]any{"orderId": id})
			if Str(c, "order", "status") != "CANCELLED" {
				t.Fatalf("got %v", c)
			}
		}
		d := e.MustData(pk, `{ orders(status: CANCELLED) { edges { node { externalId } } } }`, nil)
		if edges := Get(d, "orders", "edges").([]any); len(edges) != 1 {
			t.Fatalf("status filter %v", edges)
		}
	})
}

// TestPartnerIsolation: two partners never see or touch each other's members, suppliers,
// orders or links.
func TestPartnerIsolation(t *testing.T) {
	t.Parallel()
	e := New(t)
	_, p1 := e.Partner("1688")
	_, p2 := e.Partner("other")
	memberRow := e.Member(p1, "m1", nil)
	supRow := e.Supplier(p1, "s1", "62220000001")
	oid := e.Order(p1, "o1", "m1", "s1", "100.00")
	a, aKey := e.Account("A")
	link := e.LinkMember(aKey, a, "1688", "m1")
	for name, q := range map[string]string{
		"member":   `{ marketplaceMember(externalId: "m1") { id } }`,
		"supplier": `{ supplier(externalId: "s1") { id } }`,
		"order":    `{ orderByExternalId(externalId: "o1") { id } }`,
	} {
		if d := e.MustData(p2, q, nil); len(d) != 1 || fmt.Sprint(d) != fmt.Sprintf("map[%s:<nil>]", strings.Split(strings.Split(q, "{ ")[1], "(")[0]) {
			t.Errorf("%s: partner 2 saw %v", name, d)
		}
	}
	for _, id := range []string{memberRow, supRow, oid, link} {
		if d := e.MustData(p2, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}); d["node"] != nil {
			t.Errorf("partner 2 resolved node %s", id)
		}
		if d := e.MustData(p1, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}); d["node"] == nil {
			t.Errorf("partner 1 cannot resolve its own node %s", id)
		}
	}
	c := e.Mutate(p2, "cancelOrder", CancelOrder, map[string]any{"orderId": oid})
	if codes := UserErrorCodes(c); !slices.Equal(codes, []string{"NOT_FOUND"}) {
		t.Fatalf("partner 2 cancelled: %v", c)
	}
	// The same member id at partner 2 is another member.
	e.Member(p2, "m1", map[string]any{"alipayVerified": false})
	d := e.MustData(p1, `{ marketplaceMember(externalId: "m1") { alipayVerified } }`, nil)
	if Get(d, "marketplaceMember", "alipayVerified") != true {
		t.Fatalf("partner 2 changed partner 1's member: %v", d)
	}
}
