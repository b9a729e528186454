package db_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/internal/testdb"
)

// TestOwnerEventPagesWalkTheFeed: a partner's or an account's events, read a page at a time
// from each page's cursor, are exactly its own events, newest first, each once: over weeks of
// partitions (and the catch-all, past retention), with the other owners' events interleaved.
func TestOwnerEventPagesWalkTheFeed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t).Pool
	const (
		p1, p2 = "00000000-0000-7000-8000-0000000000a1", "00000000-0000-7000-8000-0000000000a2"
		a1, a2 = "00000000-0000-7000-8000-0000000000b1", "00000000-0000-7000-8000-0000000000b2"
	)
	if _, err := pool.Exec(ctx, `INSERT INTO events (id, type, occurred_at, account_id, partner_id, object_type, object_id)
		SELECT gen_random_uuid(), 'payment.succeeded', now() - i * interval '61 hours',
			CASE i % 3 WHEN 0 THEN $3::uuid WHEN 1 THEN $4::uuid END, CASE i % 2 WHEN 0 THEN $1::uuid ELSE $2::uuid END,
			'Payment', gen_random_uuid()
		FROM generate_series(1, 41) i`, p1, p2, a1, a2); err != nil {
		t.Fatal(err)
	}
	q := db.NewStore(pool, nil).Queries()
	for _, c := range []struct {
		scope domain.Scope
		col   string
	}{
		{domain.Scope{PartnerID: p1}, "partner_id"}, {domain.Scope{PartnerID: p2}, "partner_id"},
		{domain.Scope{AccountID: a1}, "account_id"}, {domain.Scope{AccountID: a2}, "account_id"},
	} {
		owner := c.scope.PartnerID + c.scope.AccountID
		rows, err := pool.Query(ctx, `SELECT id::text FROM events WHERE `+c.col+` = $1 ORDER BY seq DESC`, owner)
		if err != nil {
			t.Fatal(err)
		}
		want, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil || len(want) < 10 {
			t.Fatalf("%s: %d events, %v", owner, len(want), err)
		}
		for _, size := range []int{2, 3, 100} {
			var got []string
			page := domain.Page{First: size}
			for {
				events, err := q.Events(ctx, c.scope, nil, page)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range events[:min(size, len(events))] {
					got = append(got, e.ID)
				}
				if len(events) <= size || len(got) > len(want) {
					break
				}
				page.After = events[size-1].Cursor
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s in pages of %d: %v, want %v", owner, size, got, want)
			}
		}
	}
}
