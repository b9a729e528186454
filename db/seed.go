package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
	"github.com/shopspring/decimal"
)

// seeds write data a migration's tables start with, in that migration's transaction, from
// definitions that live in domain.
var seeds = map[int]func(ctx context.Context, tx pgx.Tx) error{
	5: seedFeeSchedule,
}

// firstScheduleStart is when the first fee schedule took effect.
var firstScheduleStart = time.Date(2020, 1, 1, 0, 0, 0, 0, domain.Shanghai)

// seedFeeSchedule stores domain.DefaultFeeSchedule as the schedule in force from the start.
func seedFeeSchedule(ctx context.Context, tx pgx.Tx) error {
	f := domain.DefaultFeeSchedule()
	mins, rates := make([]decimal.Decimal, len(f.ServiceTiers)), make([]decimal.Decimal, len(f.ServiceTiers))
	for i, t := range f.ServiceTiers {
		mins[i], rates[i] = t.MinAverageMonthlyVolume, t.Rate
	}
	_, err := tx.Exec(ctx, `WITH s AS (
			INSERT INTO fee_schedules (effective_from, standard_rate, card_rate, worldfirst_balance_minimum)
			VALUES ($1, $2, $3, $4) RETURNING id)
		INSERT INTO fee_tiers (schedule_id, min_average_monthly_volume, rate)
		SELECT s.id, t.min, t.rate FROM s, unnest($5::numeric[], $6::numeric[]) AS t(min, rate)`,
		firstScheduleStart, f.StandardRate, f.CardRate, f.WorldFirstBalanceMinimum.Amount, mins, rates)
	return err
}
