package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kjb/kjb/domain"
)

// MigrateUpTo applies the migrations up to the one numbered last.
var MigrateUpTo = migrateUpTo

// NewID makes an id as the store does, for tests that write rows by hand.
var NewID = newID

// ListenEventsEvery is ListenEvents checkpointing at a given interval, reporting each mark.
var ListenEventsEvery = listenEvents

// TxStart begins tx (when it has not begun) and returns its start time, now() in it.
func TxStart(ctx context.Context, tx domain.Tx) (time.Time, error) {
	var at time.Time
	err := tx.(*txStore).tx.QueryRow(ctx, `SELECT now()`).Scan(&at)
	return at, err
}

// LivePartnerSummary reads a partner summary's period live, without the roll-up.
func LivePartnerSummary(ctx context.Context, q querier, scope domain.Scope, from, to time.Time) (domain.PartnerSummary, error) {
	return partnerSummary(ctx, q, scope, from, to, false)
}

// EntriesAfterCounting is EntriesAfter counting at most counted entries one by one.
func EntriesAfterCounting(ctx context.Context, pool *pgxpool.Pool, id, counted int64) (int64, error) {
	return queries{q: pool}.entriesAfter(ctx, id, counted)
}

// RefundedStandardShare is the audit's SQL for a payment's refunded standard fee.
var RefundedStandardShare = refundedStandardShare
