package domain

import "time"

// SummaryRollupMargin is how long after a UTC day ends it may be rolled up. It is longer than
// any transaction takes from reading the service clock to committing the rows stamped with it,
// and than the clocks of the processes differ, so no row dated inside a day commits after the
// day is rolled up (the roll-up also waits for the transactions writing when it read the clock).
const SummaryRollupMargin = time.Hour

// SummaryDayStart is the start of the UTC day holding t: partnerSummary rolls figures up by
// UTC day.
func SummaryDayStart(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// SummaryRollableBefore is the end of the last day that may be rolled up at now: every day
// ending at or before it has been over for SummaryRollupMargin.
func SummaryRollableBefore(now time.Time) time.Time {
	return SummaryDayStart(now.Add(-SummaryRollupMargin))
}

// SummaryWholeDays returns the whole UTC days [first, end) inside [from, to), the days a
// period may take from the roll-up; ok is false when there is none.
func SummaryWholeDays(from, to time.Time) (first, end time.Time, ok bool) {
	first = SummaryDayStart(from)
	if first.Before(from) {
		first = first.Add(24 * time.Hour)
	}
	end = SummaryDayStart(to)
	return first, end, first.Before(end)
}

// SummaryPeriod is an interval of time, From inclusive, To exclusive.
type SummaryPeriod struct {
	From, To time.Time
}

// SummaryGaps returns the parts of [from, to) not covered by the rolled-up days (their
// starts, ascending, each a whole day inside the period), in order: the parts read live.
func SummaryGaps(from, to time.Time, rolled []time.Time) []SummaryPeriod {
	var gaps []SummaryPeriod
	at := from
	for _, d := range rolled {
		if d.After(at) {
			gaps = append(gaps, SummaryPeriod{From: at, To: d})
		}
		at = d.Add(24 * time.Hour)
	}
	if at.Before(to) {
		gaps = append(gaps, SummaryPeriod{From: at, To: to})
	}
	return gaps
}
