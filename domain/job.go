package domain

import "time"

// PayoutJob submits a payout to the rail.
type PayoutJob struct {
	PayoutID string `json:"payout_id"`
}

// Kind is stable forever.
func (PayoutJob) Kind() string { return "payout.submit" }

// ReleaseEscrowJob releases a payment's escrow when the hold ends (unless receipt was
// confirmed or the payment refunded first: then it does nothing).
type ReleaseEscrowJob struct {
	PaymentID string    `json:"payment_id"`
	At        time.Time `json:"at"`
}

// Kind is stable forever.
func (ReleaseEscrowJob) Kind() string { return "escrow.release" }

// Schedule runs the job when the hold ends.
func (j ReleaseEscrowJob) Schedule() (time.Time, bool) { return j.At, false }

// Job is a unit of asynchronous work. Kind is stable forever: stored jobs are found by it.
type Job interface {
	Kind() string
}

// JobOptions is implemented by jobs that need scheduling or uniqueness.
type JobOptions interface {
	Job
	// Schedule returns when the job should run (zero: now) and whether only one job with the
	// same kind and arguments may exist at once.
	Schedule() (at time.Time, unique bool)
}

// SettleFXJob settles the booked conversions of one window with the liquidity provider. Every
// conversion enqueues one for its window (so none is forgotten) and the periodic schedule adds
// one per window; the first to run settles the window, the others find nothing left.
type SettleFXJob struct {
	WindowEnd time.Time `json:"window_end"`
}

// Kind is stable forever.
func (SettleFXJob) Kind() string { return "fx.settle" }

// Schedule runs the job when its window closes.
func (j SettleFXJob) Schedule() (time.Time, bool) { return j.WindowEnd, false }

// WebhookDeliverJob delivers one event to one endpoint (retried with backoff for three days).
type WebhookDeliverJob struct {
	EventID    string `json:"event_id"`
	EndpointID string `json:"endpoint_id"`
}

// Kind is stable forever.
func (WebhookDeliverJob) Kind() string { return "webhook.deliver" }

// PruneEventsJob applies the retention policies (Service.PruneEvents): events, webhook delivery
// attempts and idempotency keys past their periods are dropped, the partitions ahead made.
type PruneEventsJob struct{}

// Kind is stable forever.
func (PruneEventsJob) Kind() string { return "events.prune" }

// CloseMonthJob closes one fee month. Unique by its month: restarts, several workers and
// re-runs close each month once.
type CloseMonthJob struct {
	Month string `json:"month"`
}

// Kind is stable forever.
func (CloseMonthJob) Kind() string { return "fees.close_month" }

// Schedule runs now, once per month.
func (CloseMonthJob) Schedule() (time.Time, bool) { return time.Time{}, true }

// AuditLedgerJob runs the ledger audit (periodic); one is queued at a time.
type AuditLedgerJob struct{}

// Kind is stable forever.
func (AuditLedgerJob) Kind() string { return "ledger.audit" }

// Schedule runs now, one at a time.
func (AuditLedgerJob) Schedule() (time.Time, bool) { return time.Time{}, true }

// RefreshRatesJob pulls the rate feed into the rate table (periodic, when a feed is set).
type RefreshRatesJob struct{}

// Kind is stable forever.
func (RefreshRatesJob) Kind() string { return "fx.refresh_rates" }

// ReconcileDayJob compares one Asia/Shanghai day (YYYY-MM-DD) of our payouts and FX
// settlements with the payout rail's and the liquidity provider's records. Unique by day;
// running a day again adds no break.
type ReconcileDayJob struct {
	Day string `json:"day"`
}

// Kind is stable forever.
func (ReconcileDayJob) Kind() string { return "reconciliation.daily" }

// Schedule runs now, once per day.
func (ReconcileDayJob) Schedule() (time.Time, bool) { return time.Time{}, true }

// SealLedgerJob seals the ledger entries committed since the last seal (periodic); one is
// queued at a time.
type SealLedgerJob struct{}

// Kind is stable forever.
func (SealLedgerJob) Kind() string { return "ledger.seal" }

// Schedule runs now, one at a time.
func (SealLedgerJob) Schedule() (time.Time, bool) { return time.Time{}, true }

// RollUpSummariesJob rolls up partnerSummary's figures of the UTC days that are over and not
// rolled up yet (periodic); one is queued at a time.
type RollUpSummariesJob struct{}

// Kind is stable forever.
func (RollUpSummariesJob) Kind() string { return "summaries.rollup" }

// Schedule runs now, one at a time.
func (RollUpSummariesJob) Schedule() (time.Time, bool) { return time.Time{}, true }

// JobKinds is every kind of job there is. A stored job is found by its kind, so a kind never
// changes once shipped (a test pins them).
var JobKinds = []string{PayoutJob{}.Kind(), ReleaseEscrowJob{}.Kind(), SettleFXJob{}.Kind(), CloseMonthJob{}.Kind(),
	WebhookDeliverJob{}.Kind(), PruneEventsJob{}.Kind(), AuditLedgerJob{}.Kind(), RefreshRatesJob{}.Kind(),
	ReconcileDayJob{}.Kind(), SealLedgerJob{}.Kind(), RollUpSummariesJob{}.Kind()}
