package graph_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/secretbox"
)

// TestWebhookSecretsAreSealedAtRest: the database holds webhook signing secrets only sealed
// under the environment's key; without that key they cannot be read, and rotating the key
// (rewrap under a new one, then drop the old) keeps every secret.
func TestWebhookSecretsAreSealedAtRest(t *testing.T) {
	t.Parallel()
	e := New(t)
	_, pk := e.Partner("1688")
	ep := e.MustSucceed(pk, "createWebhookEndpoint", `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } secret userErrors { code } } }`,
		map[string]any{"url": "https://example.com/hooks"})
	first := Str(ep, "secret")
	rot := e.MustSucceed(pk, "rotateWebhookSecret", `mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret userErrors { code } } }`,
		map[string]any{"endpointId": Str(ep, "endpoint", "id")})
	second := Str(rot, "secret")
	stored := func() (string, string, string) {
		var id, s, p string
		if err := e.Pool.QueryRow(context.Background(), `SELECT id, secret, previous_secret FROM webhook_endpoints`).Scan(&id, &s, &p); err != nil {
			t.Fatal(err)
		}
		return id, s, p
	}
	id, s, p := stored()
	for _, v := range []string{s, p} {
		if !strings.HasPrefix(v, "kjbsec1.test.") || strings.Contains(v, first) || strings.Contains(v, second) {
			t.Fatalf("stored %q", v)
		}
	}
	read := func(sealer domain.SecretSealer) (domain.WebhookEndpoint, error) {
		store := db.NewStore(e.Pool, nil)
		if sealer != nil {
			store.SealSecretsWith(sealer)
		}
		return store.Queries().WebhookEndpoint(context.Background(), id, domain.Scope{All: true})
	}
	if _, err := read(nil); err == nil {
		t.Fatal("secrets were read without a key")
	}
	newKey := "new:" + base64.StdEncoding.EncodeToString([]byte("a-fresh-32-byte-key-for-rotation"))
	onlyNew, err := secretbox.Parse(newKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := read(onlyNew); err == nil {
		t.Fatal("secrets were read with another key")
	}
	both, err := secretbox.Parse(newKey + ",test:" + base64.StdEncoding.EncodeToString([]byte("kjb-test-webhook-secrets-key-32b")))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.RewrapSecrets(context.Background(), e.Pool, both); err != nil || n != 1 {
		t.Fatalf("rewrap: %d %v", n, err)
	}
	if _, s, p := stored(); !strings.HasPrefix(s, "kjbsec1.new.") || !strings.HasPrefix(p, "kjbsec1.new.") {
		t.Fatalf("after rewrap: %q %q", s, p)
	}
	w, err := read(onlyNew)
	if err != nil || w.Secret != second || w.PreviousSecret != first {
		t.Fatalf("after rotating the key: %+v %v", w, err)
	}
	if n, err := db.RewrapSecrets(context.Background(), e.Pool, both); err != nil || n != 0 {
		t.Fatalf("second rewrap: %d %v", n, err)
	}
}
