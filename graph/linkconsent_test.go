package graph_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
)

// TestLinkingNeedsTheMembersCode: a link is PENDING until confirmed with the code delivered to
// the member; a pending link grants nothing and blocks no one; codes expire and allow 5 tries.
func TestLinkingNeedsTheMembersCode(t *testing.T) {
	t.Parallel()
	clock := NewClock(time.Now())
	e := New(t, Options{Clock: clock})
	_, pk := e.Partner("1688")
	e.Member(pk, "buyer", nil)
	e.Supplier(pk, "supplier", "6222020200118888")
	owner, ownerKey := e.Account("Owner Ltd")
	squatter, squatterKey := e.Account("Squatter Ltd")
	e.Fund(squatter, "1000.00", "CNH")
	order := e.Order(pk, "o-1", "buyer", "supplier", "10.00")
	link := func(key, acct string) map[string]any {
		return e.MustSucceed(key, "linkMarketplaceAccount", Link, map[string]any{"accountId": acct, "platform": "1688", "memberId": "buyer"})
	}
	confirm := func(key, id, code string) map[string]any {
		return e.Mutate(key, "confirmMarketplaceLink", ConfirmLink, map[string]any{"linkId": id, "code": code})
	}

	squat := link(squatterKey, squatter)
	squatID := Str(squat, "link", "id")
	t.Run("a pending link grants no access to the member's orders", func(t *testing.T) {
		if Str(squat, "link", "status") != "PENDING" {
			t.Fatalf("link: %v", squat)
		}
		if d := e.MustData(squatterKey, `query($id: ID!) { order(id: $id) { id } }`, map[string]any{"id": order}); d["order"] != nil {
			t.Fatalf("read the order: %v", d)
		}
		p := e.Mutate(squatterKey, "payOrder", PayOrder, map[string]any{"orderId": order, "method": "WORLD_PAY", "idempotencyKey": "squat"})
		if codes := UserErrorCodes(p); !slices.Equal(codes, []string{"NOT_FOUND"}) {
			t.Fatalf("paid: %v", p)
		}
		if p := e.Mutate(squatterKey, "activateCrossBorderPay", Activate, map[string]any{"linkId": squatID}); !slices.Equal(UserErrorCodes(p), []string{"INVALID_STATE"}) {
			t.Fatalf("activated: %v", p)
		}
	})
	t.Run("the code goes to the partner only", func(t *testing.T) {
		if got := e.EventTypes(squatterKey, nil); slices.Contains(got, "LINK_CONFIRMATION_REQUESTED") {
			t.Fatalf("the account sees %v", got)
		}
		if got := e.EventTypes(pk, []string{"LINK_CONFIRMATION_REQUESTED"}); len(got) != 1 {
			t.Fatalf("the partner sees %v", got)
		}
		if strings.Contains(e.Do(squatterKey, `{ events(first: 50) { edges { node { id type } } } }`, nil).Raw, e.LinkCode(squatID)) {
			t.Fatal("the account read its code")
		}
	})
	t.Run("wrong codes: five tries, then the code is dead", func(t *testing.T) {
		right := e.LinkCode(squatID)
		wrong := "000000"
		if wrong == right {
			wrong = "000001"
		}
		for i := range domain.MaxLinkCodeAttempts {
			if p := confirm(squatterKey, squatID, wrong); !slices.Equal(UserErrorCodes(p), []string{"INVALID_INPUT"}) {
				t.Fatalf("try %d: %v", i, p)
			}
		}
		if p := confirm(squatterKey, squatID, right); !slices.Equal(UserErrorCodes(p), []string{"INVALID_STATE"}) {
			t.Fatalf("the right code after 5 wrong ones: %v", p)
		}
	})
	t.Run("a pending link never blocks the real owner", func(t *testing.T) {
		l := link(ownerKey, owner)
		id := Str(l, "link", "id")
		if p := confirm(ownerKey, id, e.LinkCode(id)); Str(p, "link", "status") != "ACTIVE" || len(UserErrorCodes(p)) != 0 {
			t.Fatalf("confirm: %v", p)
		}
		if d := e.MustData(ownerKey, `query($id: ID!) { order(id: $id) { id } }`, map[string]any{"id": order}); d["order"] == nil {
			t.Fatal("the owner cannot read the member's order")
		}
		// The squatter asks again: the member is linked now.
		if p := e.Mutate(squatterKey, "linkMarketplaceAccount", Link, map[string]any{"accountId": squatter, "platform": "1688", "memberId": "buyer"}); !slices.Equal(UserErrorCodes(p), []string{"ALREADY_LINKED"}) {
			t.Fatalf("relink: %v", p)
		}
	})
	t.Run("codes expire after 10 minutes; asking again sends a new one", func(t *testing.T) {
		e.Member(pk, "second", nil)
		l := e.MustSucceed(ownerKey, "linkMarketplaceAccount", Link, map[string]any{"accountId": owner, "platform": "1688", "memberId": "second"})
		id := Str(l, "link", "id")
		code := e.LinkCode(id)
		clock.Advance(domain.LinkCodeTTL)
		if p := confirm(ownerKey, id, code); !slices.Equal(UserErrorCodes(p), []string{"INVALID_STATE"}) {
			t.Fatalf("an expired code: %v", p)
		}
		again := e.MustSucceed(ownerKey, "linkMarketplaceAccount", Link, map[string]any{"accountId": owner, "platform": "1688", "memberId": "second"})
		if Str(again, "link", "id") != id {
			t.Fatalf("asking again made another link: %v", again)
		}
		if p := confirm(ownerKey, id, e.LinkCode(id)); Str(p, "link", "status") != "ACTIVE" {
			t.Fatalf("the new code: %v", p)
		}
		if p := confirm(ownerKey, id, "123456"); Str(p, "link", "status") != "ACTIVE" {
			t.Fatalf("confirming an active link again: %v", p)
		}
	})
	e.Audit()
}
