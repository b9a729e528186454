package domain

import (
	"slices"
	"testing"
)

// TestJobKindsNeverChange pins every job kind: jobs already stored are found by it, so renaming
// one strands them.
func TestJobKindsNeverChange(t *testing.T) {
	t.Parallel()
	want := []string{"payout.submit", "escrow.release", "fx.settle", "fees.close_month", "webhook.deliver", "events.prune",
		"ledger.audit", "fx.refresh_rates", "reconciliation.daily", "ledger.seal", "summaries.rollup"}
	if !slices.Equal(JobKinds, want) {
		t.Fatalf("job kinds %v, want %v", JobKinds, want)
	}
}
