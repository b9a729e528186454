package domain

import "time"

// LedgerMonthsAhead is how many months after the current one have their ledger partitions
// ready, so an insert never waits for a month to be created.
const LedgerMonthsAhead = 3

// LedgerMonths returns the first instant (UTC) of each month whose ledger partitions must
// exist at now: the current month and the LedgerMonthsAhead after it, in order.
func LedgerMonths(now time.Time) []time.Time {
	now = now.UTC()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	out := make([]time.Time, 0, LedgerMonthsAhead+1)
	for i := 0; i <= LedgerMonthsAhead; i++ {
		out = append(out, first.AddDate(0, i, 0))
	}
	return out
}
