package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/internal/testdb"
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
