package db

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// NewID makes an id as the store does, for tests that write rows by hand.
var NewID = newID

// ListenEventsEvery is ListenEvents checkpointing at a given interval, reporting each mark.
var ListenEventsEvery = listenEvents

// EntriesAfterCounting is EntriesAfter counting at most counted entries one by one.
func EntriesAfterCounting(ctx context.Context, pool *pgxpool.Pool, id, counted int64) (int64, error) {
	return queries{q: pool}.entriesAfter(ctx, id, counted)
}
