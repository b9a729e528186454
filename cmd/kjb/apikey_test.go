package main

import (
	"context"
	"strings"
	"testing"

	"github.com/kjb/kjb/internal/testdb"
)

func TestAPIKeyRevoke(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	out, stderr, code := kjb(t, d.URL, "apikey", "create", "--role", "OPERATOR", "--label", "ci")
	if code != 0 {
		t.Fatalf("create: exit %d: %s", code, stderr)
	}
	secret := strings.TrimSpace(out)
	var id string
	if err := d.Pool.QueryRow(context.Background(), `SELECT id FROM api_keys WHERE hint = $1`, secret[len(secret)-4:]).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if out, stderr, code := kjb(t, d.URL, "apikey", "revoke", id); code != 0 || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke: exit %d: %s %s", code, out, stderr)
	}
	var revoked bool
	if err := d.Pool.QueryRow(context.Background(), `SELECT revoked_at IS NOT NULL FROM api_keys WHERE id = $1`, id).Scan(&revoked); err != nil || !revoked {
		t.Fatalf("revoked_at not set (%v)", err)
	}
	if _, stderr, code := kjb(t, d.URL, "apikey", "revoke", "01a1fc61-1c2c-79d8-b7bd-71b6bf12ed33"); code == 0 || !strings.Contains(stderr, "not found") {
		t.Fatalf("an unknown key: exit %d, %s", code, stderr)
	}
}
