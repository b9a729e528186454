package domain

import (
	"slices"
	"testing"
	"time"
)

func TestSummaryWholeDaysAndGaps(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	at := func(d, h int) time.Time { return day(d).Add(time.Duration(h) * time.Hour) }
	shanghai := time.FixedZone("CST", 8*3600)
	for _, c := range []struct {
		name       string
		from, to   time.Time
		first, end time.Time
		ok         bool
		rolled     []time.Time
		gaps       []SummaryPeriod
	}{
		{"whole days, all rolled up", day(1), day(4), day(1), day(4), true, []time.Time{day(1), day(2), day(3)}, nil},
		{"edges read live", at(1, 6), at(4, 5), day(2), day(4), true, []time.Time{day(2), day(3)},
			[]SummaryPeriod{{at(1, 6), day(2)}, {day(4), at(4, 5)}}},
		{"a day not rolled up yet in the middle and at the end", day(1), at(5, 1), day(1), day(5), true, []time.Time{day(1), day(3)},
			[]SummaryPeriod{{day(2), day(3)}, {day(4), at(5, 1)}}},
		{"nothing rolled up", day(1), day(3), day(1), day(3), true, nil, []SummaryPeriod{{day(1), day(3)}}},
		{"inside one day", at(1, 1), at(1, 23), day(2), day(1), false, nil, []SummaryPeriod{{at(1, 1), at(1, 23)}}},
		{"across one midnight", at(1, 20), at(2, 3), day(2), day(2), false, nil, []SummaryPeriod{{at(1, 20), at(2, 3)}}},
		{"a Shanghai day: two UTC halves", time.Date(2026, 3, 2, 0, 0, 0, 0, shanghai), time.Date(2026, 3, 3, 0, 0, 0, 0, shanghai),
			day(2), day(2), false, nil, []SummaryPeriod{{at(1, 16), at(2, 16)}}},
		{"a nanosecond past midnight", day(1).Add(time.Nanosecond), day(3), day(2), day(3), true, []time.Time{day(2)},
			[]SummaryPeriod{{day(1).Add(time.Nanosecond), day(2)}}},
	} {
		first, end, ok := SummaryWholeDays(c.from, c.to)
		if ok != c.ok || (ok && (!first.Equal(c.first) || !end.Equal(c.end))) {
			t.Errorf("%s: whole days [%s, %s) %v, want [%s, %s) %v", c.name, first, end, ok, c.first, c.end, c.ok)
		}
		gaps := SummaryGaps(c.from, c.to, c.rolled)
		if !slices.EqualFunc(gaps, c.gaps, func(a, b SummaryPeriod) bool { return a.From.Equal(b.From) && a.To.Equal(b.To) }) {
			t.Errorf("%s: gaps %v, want %v", c.name, gaps, c.gaps)
		}
	}
}

func TestSummaryRollableBefore(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ now, want time.Time }{
		{time.Date(2026, 3, 2, 0, 59, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
	} {
		if got := SummaryRollableBefore(c.now); !got.Equal(c.want) {
			t.Errorf("at %s: days up to %s may be rolled up, want %s", c.now, got, c.want)
		}
	}
}
