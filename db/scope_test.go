package db_test

import (
	"context"
	"encoding/base64"
	"testing"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/internal/testdb"
	"github.com/kjb/kjb/secretbox"
)

// TestScopeIsAppliedInSQL: every read that filters by tenant finds its row for everything
// (Scope.All) and for the owner's scope, and nothing for the zero Scope or another tenant's.
func TestScopeIsAppliedInSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := db.NewStore(testdb.New(t).Pool, nil)
	ring, err := secretbox.Parse("test:" + base64.StdEncoding.EncodeToString([]byte("kjb-db-test-webhook-secrets-key!")))
	if err != nil {
		t.Fatal(err)
	}
	store.SealSecretsWith(ring)
	svc := domain.NewService(store, domain.SystemClock{}, domain.Config{Sandbox: true})
	operator := domain.Actor{KeyID: "test", Role: domain.RoleOperator}

	p, err := svc.CreatePartner(ctx, operator, "shop", "Shop")
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.CreateAccount(ctx, operator, domain.CreateAccountInput{Name: "Buyer Ltd", Type: domain.AccountCorporate, Country: "KR"})
	if err != nil {
		t.Fatal(err)
	}
	top, _, err := svc.TopUp(ctx, operator, domain.TopUpInput{AccountID: a.ID, Amount: "10.00", Currency: "USD", Reference: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ReviewKyc(ctx, operator, domain.ReviewKycInput{AccountID: a.ID, Decision: domain.KycApprove}); err != nil {
		t.Fatal(err)
	}
	events, err := svc.Events(ctx, operator, []string{domain.EventAccountVerified}, domain.Page{First: 1})
	if err != nil || len(events.Items) != 1 {
		t.Fatalf("the account.verified event: %v, %v", events.Items, err)
	}
	event := events.Items[0]
	w, err := svc.CreateWebhookEndpoint(ctx, domain.Actor{KeyID: "p", Role: domain.RolePartner, PartnerID: p.ID}, "https://example.com/hooks", nil)
	if err != nil {
		t.Fatal(err)
	}

	q := store.Queries()
	reads := map[string]func(domain.Scope) error{
		"Account": func(s domain.Scope) error { _, err := q.Account(ctx, a.ID, s); return err },
		"Accounts": func(s domain.Scope) error {
			rows, err := q.Accounts(ctx, s, domain.Page{First: 10})
			if err == nil && len(rows) == 0 {
				return domain.NotFound("account", nil)
			}
			return err
		},
		"TopUp":           func(s domain.Scope) error { _, err := q.TopUp(ctx, top.ID, s); return err },
		"Partner":         func(s domain.Scope) error { _, err := q.Partner(ctx, p.ID, s); return err },
		"PartnerByCode":   func(s domain.Scope) error { _, err := q.PartnerByCode(ctx, p.Code, s); return err },
		"Event":           func(s domain.Scope) error { _, err := q.Event(ctx, event.ID, s); return err },
		"WebhookEndpoint": func(s domain.Scope) error { _, err := q.WebhookEndpoint(ctx, w.ID, s); return err },
	}
	// owner is the scope that owns each row; every other tenant's scope must not see it.
	owner := map[string]domain.Scope{
		"Account": {AccountID: a.ID}, "Accounts": {AccountID: a.ID}, "TopUp": {AccountID: a.ID},
		"Partner": {PartnerID: p.ID}, "PartnerByCode": {PartnerID: p.ID},
		"Event": {AccountID: a.ID}, "WebhookEndpoint": {PartnerID: p.ID},
	}
	const otherID = "00000000-0000-7000-8000-000000000001"
	for name, read := range reads {
		if err := read(domain.Scope{All: true}); err != nil {
			t.Errorf("%s with Scope.All: %v", name, err)
		}
		if err := read(owner[name]); err != nil {
			t.Errorf("%s within its owner's scope %+v: %v", name, owner[name], err)
		}
		for _, s := range []domain.Scope{{}, {PartnerID: otherID}, {AccountID: otherID}} {
			if err := read(s); domain.CodeOf(err) != domain.CodeNotFound {
				t.Errorf("%s with scope %+v: got %v, want NOT_FOUND", name, s, err)
			}
		}
	}
}
