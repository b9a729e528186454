package graph_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
)

const (
	listKeys  = `query($after: String) { apiKeys(first: 100, after: $after) { edges { node { id role label hint expiresAt revokedAt lastUsedAt } } pageInfo { hasNextPage endCursor } } }`
	revokeKey = `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id revokedAt } userErrors { code field message } } }`
	rotateKey = `mutation($input: RotateApiKeyInput!) { rotateApiKey(input: $input) { apiKey { id label } secret previous { id expiresAt } userErrors { code field message } } }`
)

func keyNode(t *testing.T, e *Env, id string) map[string]any {
	t.Helper()
	for _, edge := range Get(e.MustData(e.Operator, listKeys, nil), "apiKeys", "edges").([]any) {
		if Str(edge, "node", "id") == id {
			return Get(edge, "node").(map[string]any)
		}
	}
	t.Fatalf("key %s not listed", id)
	return nil
}

// TestAPIKeyLifecycle: list without secrets, lastUsedAt, expiry, revocation effective at once
// in every API process, rotation with an overlap.
func TestAPIKeyLifecycle(t *testing.T) {
	t.Parallel()
	clock := NewClock(time.Now())
	e := New(t, Options{Clock: clock})
	second := e.NewAPIServer()
	pid, _ := e.Partner("1688")
	k := e.MustSucceed(e.Operator, "createApiKey", CreateKey, map[string]any{"role": "PARTNER", "partnerId": pid, "label": "dashboard"})
	id, secret := Str(k, "apiKey", "id"), Str(k, "secret")

	t.Run("listed without secrets; lastUsedAt after use", func(t *testing.T) {
		if n := keyNode(t, e, id); n["lastUsedAt"] != nil || n["hint"] != secret[len(secret)-4:] {
			t.Fatalf("before use: %v", n)
		}
		e.MustData(secret, `{ viewer { role } }`, nil)
		if n := keyNode(t, e, id); n["lastUsedAt"] == nil {
			t.Fatalf("after use: %v", n)
		}
		if raw := e.Do(e.Operator, listKeys, nil).Raw; strings.Contains(raw, secret) || strings.Contains(raw, domain.HashSecret(secret)) {
			t.Fatal("a secret or its hash is listed")
		}
		if r := e.Do(secret, listKeys, nil); r.Code() != "FORBIDDEN" {
			t.Fatalf("a partner listed keys: %s", r.Raw)
		}
	})
	t.Run("expiry", func(t *testing.T) {
		past := e.Mutate(e.Operator, "createApiKey", CreateKey, map[string]any{"role": "OPERATOR", "expiresAt": clock.Now().Add(-time.Minute).Format(time.RFC3339)})
		if codes := UserErrorCodes(past); len(codes) != 1 || codes[0] != "INVALID_INPUT" {
			t.Fatalf("an expiry in the past: %v", past)
		}
		k := e.MustSucceed(e.Operator, "createApiKey", CreateKey, map[string]any{"role": "OPERATOR", "expiresAt": clock.Now().Add(time.Hour).Format(time.RFC3339)})
		s := Str(k, "secret")
		e.MustData(s, `{ viewer { role } }`, nil)
		clock.Advance(time.Hour)
		if r := e.Do(s, `{ viewer { role } }`, nil); r.Status != http.StatusUnauthorized || r.Code() != "UNAUTHENTICATED" {
			t.Fatalf("an expired key: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("revocation holds at once in every process", func(t *testing.T) {
		k := e.MustSucceed(e.Operator, "createApiKey", CreateKey, map[string]any{"role": "PARTNER", "partnerId": pid})
		kid, s := Str(k, "apiKey", "id"), Str(k, "secret")
		for _, srv := range []string{e.Server.URL, second.URL} {
			if r := e.DoAt(srv, s, `{ viewer { role } }`, nil); r.Status != http.StatusOK {
				t.Fatalf("before revocation at %s: %s", srv, r.Raw)
			}
		}
		p := e.MustSucceed(e.Operator, "revokeApiKey", revokeKey, map[string]any{"apiKeyId": kid})
		if Get(p, "apiKey", "revokedAt") == nil {
			t.Fatalf("revoke: %v", p)
		}
		for _, srv := range []string{e.Server.URL, second.URL} {
			if r := e.DoAt(srv, s, `{ viewer { role } }`, nil); r.Status != http.StatusUnauthorized || r.Code() != "UNAUTHENTICATED" ||
				!strings.Contains(r.Raw, "the API key is not valid") {
				t.Fatalf("after revocation at %s: %d %s", srv, r.Status, r.Raw)
			}
		}
		if p := e.MustSucceed(e.Operator, "revokeApiKey", revokeKey, map[string]any{"apiKeyId": kid}); Get(p, "apiKey", "revokedAt") == nil {
			t.Fatalf("revoking again: %v", p)
		}
		if r := e.Mutate(e.Operator, "rotateApiKey", rotateKey, map[string]any{"apiKeyId": kid}); UserErrorCodes(r)[0] != "INVALID_STATE" {
			t.Fatalf("rotating a revoked key: %v", r)
		}
	})
	t.Run("rotation with an overlap", func(t *testing.T) {
		p := e.MustSucceed(e.Operator, "rotateApiKey", rotateKey, map[string]any{"apiKeyId": id, "overlapSeconds": 600})
		next := Str(p, "secret")
		if Str(p, "apiKey", "label") != "dashboard" || Get(p, "previous", "expiresAt") == nil || next == secret {
			t.Fatalf("rotate: %v", p)
		}
		for _, s := range []string{secret, next} {
			if d := e.MustData(s, `{ viewer { role } }`, nil); Str(d, "viewer", "role") != "PARTNER" {
				t.Fatalf("during the overlap: %v", d)
			}
		}
		clock.Advance(601 * time.Second)
		if r := e.Do(secret, `{ viewer { role } }`, nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("the old key after the overlap: %d %s", r.Status, r.Raw)
		}
		if d := e.MustData(next, `{ viewer { role } }`, nil); Str(d, "viewer", "role") != "PARTNER" {
			t.Fatalf("the new key after the overlap: %v", d)
		}
		if r := e.Mutate(e.Operator, "rotateApiKey", rotateKey, map[string]any{"apiKeyId": Str(p, "apiKey", "id"), "overlapSeconds": -1}); UserErrorCodes(r)[0] != "INVALID_INPUT" {
			t.Fatalf("a negative overlap: %v", r)
		}
	})
}
