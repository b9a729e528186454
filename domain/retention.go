package domain

import "time"

// Retained names data kept for a fixed period and then dropped a week at a time: the store
// keeps each in week-long time partitions (plus a catch-all for rows outside them).
type Retained string

// The retained data.
const (
	RetainedEvents            Retained = "events"
	RetainedWebhookDeliveries Retained = "webhook_deliveries"
	RetainedIdempotencyKeys   Retained = "idempotency_keys"
)

// Retention of the other rows PruneEvents removes: a key can be replayed for a week, a
// delivery attempt is shown for 30 days.
const (
	IdempotencyRetention     = 7 * 24 * time.Hour
	WebhookDeliveryRetention = 30 * 24 * time.Hour
)

// PartitionSpan is the time range of one partition; PartitionLead is how far ahead of now the
// partitions exist, so a write never waits for one to be made.
const (
	PartitionSpan = 7 * 24 * time.Hour
	PartitionLead = 7 * 24 * time.Hour
)

// RetentionPolicy keeps Data for at least Keep: a partition is dropped once its newest
// possible row is older than Keep, so a row lives between Keep and Keep + PartitionSpan.
type RetentionPolicy struct {
	Data Retained
	Keep time.Duration
}

// RetentionPolicies is every retained data with its period.
var RetentionPolicies = []RetentionPolicy{
	{RetainedEvents, EventRetention},
	{RetainedWebhookDeliveries, WebhookDeliveryRetention},
	{RetainedIdempotencyKeys, IdempotencyRetention},
}

// partitionEpoch is a Monday: partitions run from Monday 00:00 UTC to the next.
var partitionEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// PartitionStart is the start of the partition holding t.
func PartitionStart(t time.Time) time.Time {
	d := t.UTC().Sub(partitionEpoch)
	n := d / PartitionSpan
	if d < 0 && d%PartitionSpan != 0 {
		n--
	}
	return partitionEpoch.Add(n * PartitionSpan)
}

// PartitionsNeeded is the starts of the partitions that must exist at now, oldest first: from
// the one holding the oldest instant still retained to the one holding now + PartitionLead.
func (p RetentionPolicy) PartitionsNeeded(now time.Time) []time.Time {
	var starts []time.Time
	for s := PartitionStart(now.Add(-p.Keep)); !s.After(now.Add(PartitionLead)); s = s.Add(PartitionSpan) {
		starts = append(starts, s)
	}
	return starts
}

// Cutoff is the instant before which rows are past retention at now.
func (p RetentionPolicy) Cutoff(now time.Time) time.Time { return now.Add(-p.Keep) }

// Expired reports whether a partition whose range ends at end (exclusive) holds only rows past
// retention at now.
func (p RetentionPolicy) Expired(end, now time.Time) bool { return !end.After(p.Cutoff(now)) }

// Partition is one time partition of retained data: rows with From <= time < To.
type Partition struct {
	Name     string
	From, To time.Time
}

// Pruned is what one retention run did.
type Pruned struct {
	Created []string // partitions made ahead
	Dropped []string // partitions dropped whole
	Deleted int      // expired rows deleted from the catch-all partitions
}
