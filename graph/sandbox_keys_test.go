package graph_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph"
	. "github.com/kjb/kjb/internal/apitest"
)

// TestSandboxKeysNeverOpenProduction: a key minted by a sandbox process on the same database
// answers 401 on an api running outside sandbox mode, like an unknown key.
func TestSandboxKeysNeverOpenProduction(t *testing.T) {
	t.Parallel()
	e := New(t, Options{Domain: func(c *domain.Config) { c.Sandbox = false }, Server: func(c *graph.ServerConfig) { c.Sandbox = false }})
	sandbox := domain.NewService(db.NewStore(e.Pool, nil), domain.SystemClock{}, domain.Config{Sandbox: true})
	_, secret, err := sandbox.CreateAPIKey(context.Background(), domain.Actor{Role: domain.RoleOperator, KeyID: "test"},
		domain.CreateAPIKeyInput{Role: domain.RoleOperator, Label: "demo operator"})
	if err != nil {
		t.Fatal(err)
	}
	if r := e.Do(secret, `{ viewer { role } }`, nil); r.Status != http.StatusUnauthorized || r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("a sandbox key on a production api: %d %s", r.Status, r.Raw)
	}
	if r := e.Do(e.Operator, `{ viewer { role } }`, nil); r.Status != http.StatusOK || Str(r.Data, "viewer", "role") != "OPERATOR" {
		t.Fatalf("a live key: %d %s", r.Status, r.Raw)
	}
	if _, err := sandbox.Authenticate(context.Background(), secret); err != nil {
		t.Fatalf("the sandbox itself refused its key: %v", err)
	}
}
