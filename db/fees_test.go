package db_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/internal/testdb"
	"github.com/shopspring/decimal"
)

// TestMigratedFeeScheduleIsTheDomainDefault: the schedule a database migrated from empty starts
// with is domain.DefaultFeeSchedule, tier by tier. (It migrates again itself, as test
// templates are kept per set of migration files.)
func TestMigratedFeeScheduleIsTheDomainDefault(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t).Pool
	if _, err := pool.Exec(ctx, `DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	got, err := db.NewStore(pool, nil).Queries().FeeSchedule(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := domain.DefaultFeeSchedule()
	same := got.StandardRate.Equal(want.StandardRate) && got.CardRate.Equal(want.CardRate) &&
		got.WorldFirstBalanceMinimum.Amount.Equal(want.WorldFirstBalanceMinimum.Amount) &&
		got.WorldFirstBalanceMinimum.Currency == want.WorldFirstBalanceMinimum.Currency && len(got.ServiceTiers) == len(want.ServiceTiers)
	for i := 0; same && i < len(want.ServiceTiers); i++ {
		same = got.ServiceTiers[i].MinAverageMonthlyVolume.Equal(want.ServiceTiers[i].MinAverageMonthlyVolume) &&
			got.ServiceTiers[i].Rate.Equal(want.ServiceTiers[i].Rate)
	}
	if !same {
		t.Fatalf("migrated schedule %+v, want %+v", got, want)
	}
}

// TestRefundedStandardMatchesPostgres: the domain's split of refunded fees gives, on random
// fees, exactly what Postgres' numeric arithmetic gives for round(refunded × standard /
// (standard + service), 2), the formula statements were computed with in SQL.
func TestRefundedStandardMatchesPostgres(t *testing.T) {
	t.Parallel()
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(uint64(seed), 0))
	// Amounts in fen of random magnitude, so small fees (where halves are common) come up often.
	fen := func() decimal.Decimal { return decimal.New(rnd.Int64N([]int64{10, 1_000, 1_000_000}[rnd.IntN(3)]), -2) }
	const n = 5000
	std, svc, refunded := make([]decimal.Decimal, n), make([]decimal.Decimal, n), make([]decimal.Decimal, n)
	for i := range n {
		std[i], svc[i] = fen(), fen()
		if std[i].Add(svc[i]).IsZero() {
			std[i] = decimal.New(1, -2)
		}
		refunded[i] = decimal.New(1+rnd.Int64N(std[i].Add(svc[i]).Shift(2).IntPart()), -2)
	}
	rows, err := testdb.New(t).Pool.Query(context.Background(), `SELECT round(r * s / (s + v), 2)
		FROM unnest($1::numeric[], $2::numeric[], $3::numeric[]) WITH ORDINALITY AS t(s, v, r, i) ORDER BY i`, std, svc, refunded)
	if err != nil {
		t.Fatal(err)
	}
	want, err := pgx.CollectRows(rows, pgx.RowTo[decimal.Decimal])
	if err != nil || len(want) != n {
		t.Fatalf("%d rows, %v", len(want), err)
	}
	for i := range n {
		got := domain.RefundedFees{Standard: std[i], Service: svc[i], Refunded: refunded[i]}.RefundedStandard()
		if !got.Equal(want[i]) {
			t.Fatalf("standard %s, service %s, refunded %s: domain %s, Postgres %s", std[i], svc[i], refunded[i], got, want[i])
		}
	}
}
