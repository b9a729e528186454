package domain

import (
	"testing"
	"time"
)

func TestPartitionStart(t *testing.T) {
	t.Parallel()
	utc := func(s string) time.Time {
		at, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	for _, c := range []struct{ at, want string }{
		{"2026-12-01T18:30:00Z", "2026-11-30T00:00:00Z"},        // a Tuesday: its Monday
		{"2026-11-30T00:00:00Z", "2026-11-30T00:00:00Z"},        // a Monday's first instant starts it
		{"2026-11-29T23:59:59.999Z", "2026-11-23T00:00:00Z"},    // a Sunday's last instant: the week before
		{"2026-11-30T07:00:00+08:00", "2026-11-23T00:00:00Z"},   // Monday in Shanghai, still Sunday in UTC
		{"2023-12-31T12:00:00Z", "2023-12-25T00:00:00Z"},        // before the epoch
		{"2023-12-25T00:00:00Z", "2023-12-25T00:00:00Z"},        // a Monday before the epoch
		{"2024-01-01T00:00:00.000001Z", "2024-01-01T00:00:00Z"}, // the epoch
	} {
		if got := PartitionStart(utc(c.at)); !got.Equal(utc(c.want)) {
			t.Errorf("PartitionStart(%s) = %s, want %s", c.at, got, c.want)
		}
	}
}

func TestRetentionPolicyPartitions(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 18, 30, 0, 0, time.UTC) // a Tuesday
	day := 24 * time.Hour
	week := PartitionSpan
	for _, c := range []struct {
		keep        time.Duration
		first, last string // the partitions needed
		count       int
	}{
		// now - 7 days is Tuesday 24 November: from that week to the one holding now + 7 days.
		{IdempotencyRetention, "2026-11-23", "2026-12-07", 3},
		{WebhookDeliveryRetention, "2026-10-26", "2026-12-07", 7},
		{EventRetention, "2026-08-31", "2026-12-07", 15}, // now - 90 days is Wednesday 2 September
	} {
		p := RetentionPolicy{Keep: c.keep}
		got := p.PartitionsNeeded(now)
		if len(got) != c.count || got[0].Format(time.DateOnly) != c.first || got[len(got)-1].Format(time.DateOnly) != c.last {
			t.Errorf("keep %s: partitions %v, want %d from %s to %s", c.keep, got, c.count, c.first, c.last)
		}
		for i, s := range got {
			if !PartitionStart(s).Equal(s) || (i > 0 && !s.Equal(got[i-1].Add(week))) {
				t.Errorf("keep %s: partition starts %v are not consecutive weeks", c.keep, got)
			}
		}
		// The first needed partition still holds a retained row; the one before it holds none.
		if end := got[0].Add(week); p.Expired(end, now) {
			t.Errorf("keep %s: the partition ending %s counts as expired", c.keep, end)
		}
		if end := got[0]; !p.Expired(end, now) {
			t.Errorf("keep %s: the partition ending %s does not count as expired", c.keep, end)
		}
	}
	p := RetentionPolicy{Keep: 7 * day}
	for _, c := range []struct {
		end     time.Time
		expired bool
	}{
		{now.Add(-7 * day), true},                   // ends at the cutoff: every row is older
		{now.Add(-7*day + time.Microsecond), false}, // holds a row at the cutoff
		{now.Add(-30 * day), true},
		{now, false},
	} {
		if got := p.Expired(c.end, now); got != c.expired {
			t.Errorf("Expired(end %s) = %v, want %v", c.end, got, c.expired)
		}
	}
}
