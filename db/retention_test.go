package db_test

import (
	"context"
	"testing"

	. "github.com/kjb/kjb/internal/apitest"
)

func TestRetention(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	_, err := e.Pool.Exec(ctx, `
		INSERT INTO idempotency_keys (principal, key, operation, request_hash, created_at) VALUES
			('p', 'old', 'payOrder', 'h', now() - interval '7 days 1 hour'),
			('p', 'recent', 'payOrder', 'h', now() - interval '6 days 23 hours');
		INSERT INTO partners (id, code, name, created_at) VALUES ('00000000-0000-7000-8000-000000000001', 'ret', 'Retention', now());
		INSERT INTO webhook_endpoints (id, partner_id, url, secret, created_at)
			VALUES ('00000000-0000-7000-8000-000000000002', '00000000-0000-7000-8000-000000000001', 'https://example.com', 's', now());
		INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, attempt, duration_ms, created_at) VALUES
			('00000000-0000-7000-8000-000000000003', '00000000-0000-7000-8000-000000000002', gen_random_uuid(), 'payout.paid', 1, 5, now() - interval '30 days 1 hour'),
			('00000000-0000-7000-8000-000000000004', '00000000-0000-7000-8000-000000000002', gen_random_uuid(), 'payout.paid', 1, 5, now() - interval '29 days 23 hours');
		INSERT INTO events (id, type, occurred_at, object_type, object_id) VALUES
			(gen_random_uuid(), 'payout.paid', now() - interval '90 days 1 hour', 'Payout', gen_random_uuid()),
			(gen_random_uuid(), 'payout.paid', now() - interval '89 days 23 hours', 'Payout', gen_random_uuid())`)
	if err != nil {
		t.Fatal(err)
	}
	events := e.Count(`SELECT count(*) FROM events`)
	if _, err := e.Svc.PruneEvents(ctx); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM idempotency_keys WHERE key = 'old'`:                                   0,
		`SELECT count(*) FROM idempotency_keys WHERE key = 'recent'`:                                1,
		`SELECT count(*) FROM webhook_deliveries WHERE id = '00000000-0000-7000-8000-000000000003'`: 0,
		`SELECT count(*) FROM webhook_deliveries WHERE id = '00000000-0000-7000-8000-000000000004'`: 1,
		`SELECT count(*) FROM events`: events - 1,
	} {
		if got := e.Count(q); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
}
