package domain_test

import (
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
)

func TestLedgerMonths(t *testing.T) {
	t.Parallel()
	shanghai := time.FixedZone("CST", 8*3600)
	for _, c := range []struct {
		name string
		now  time.Time
		want []string
	}{
		{"mid-month", time.Date(2026, 5, 17, 12, 0, 0, 0, time.UTC), []string{"2026-05", "2026-06", "2026-07", "2026-08"}},
		{"across the year", time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC), []string{"2026-11", "2026-12", "2027-01", "2027-02"}},
		{"first instant", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), []string{"2027-01", "2027-02", "2027-03", "2027-04"}},
		// Still December in UTC, already January in Shanghai: the months are UTC's, as the ids' times.
		{"months in UTC", time.Date(2027, 1, 1, 7, 0, 0, 0, shanghai), []string{"2026-12", "2027-01", "2027-02", "2027-03"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := domain.LedgerMonths(c.now)
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for i, m := range got {
				if m.Format("2006-01") != c.want[i] || m.Location() != time.UTC || !m.Equal(time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, time.UTC)) {
					t.Errorf("month %d is %v, want the first instant of %s UTC", i, m, c.want[i])
				}
			}
		})
	}
}
