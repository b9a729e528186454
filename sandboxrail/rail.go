// Package sandboxrail is the shipped payout rail: an adapter that implements
// domain.BatchPayoutRail. It keeps its transfers in Postgres (table sandbox_rail_transfers),
// one per payout, and fails on purpose for test accounts (see Attempt).
//
// A real rail's adapter has the same shape: it sends each transfer with the payout id as its
// idempotency key and maps the rail's answer to a domain.RailResult, or to an error when the
// rail could not answer for now (the payout is then retried).
package sandboxrail

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/domain"
	"github.com/shopspring/decimal"
)

// ErrTimeout is the sandbox rail's transient failure.
var ErrTimeout = errors.New("sandbox rail: timed out, retry later")

// Transfer states kept by the rail.
const (
	StatusNew    = "NEW" // not paid yet: never tried, or timed out
	StatusPaid   = "PAID"
	StatusFailed = "FAILED"
)

// Transfer is the rail's record of one payout.
type Transfer struct {
	PayoutID      string
	Account       string
	Status        string
	Attempts      int
	Reference     string
	FailureReason string
}

// Attempt is the rail's answer to asking for t again: a paid transfer stays as it is;
// otherwise the attempt counts, and by the account's test suffix
//   - "0002" is refused for good (FAILED, the reason names the masked account),
//   - "0003" times out on its first two attempts (stays NEW) and pays on the third,
//   - any other account pays at once.
//
// A paid transfer's reference is "RAIL-" and the payout id's first 8 characters.
func Attempt(prev Transfer, t domain.RailTransfer) Transfer {
	if prev.Status == StatusPaid {
		return prev
	}
	next := Transfer{PayoutID: t.PayoutID, Account: t.Account, Status: StatusPaid, Attempts: prev.Attempts + 1}
	switch {
	case strings.HasSuffix(t.Account, "0002"):
		next.Status, next.FailureReason = StatusFailed, "beneficiary account "+domain.MaskAccount(t.Account)+" is closed"
	case strings.HasSuffix(t.Account, "0003") && next.Attempts <= 2:
		next.Status = StatusNew
	}
	if next.Status == StatusPaid {
		next.Reference = "RAIL-" + t.PayoutID[:min(8, len(t.PayoutID))]
	}
	return next
}

// Result is what the rail answers for a transfer in state tr.
func Result(tr Transfer) (domain.RailResult, error) {
	switch tr.Status {
	case StatusPaid:
		return domain.RailResult{Paid: true, Reference: tr.Reference}, nil
	case StatusFailed:
		return domain.RailResult{FailureReason: tr.FailureReason}, nil
	}
	return domain.RailResult{}, ErrTimeout
}

// Rail is the sandbox payout rail.
type Rail struct{ Pool *pgxpool.Pool }

// Transfer pays t unless the rail already paid this payout, in which case it returns that
// transfer again.
func (r Rail) Transfer(ctx context.Context, t domain.RailTransfer) (domain.RailResult, error) {
	results, errs := r.TransferBatch(ctx, []domain.RailTransfer{t})
	return results[0], errs[0]
}

// TransferBatch answers each transfer as Transfer does, in one transaction: it locks the
// payouts' transfers (creating the missing ones), applies Attempt to each in order (a payout
// asked twice is attempted twice) and stores the new states.
func (r Rail) TransferBatch(ctx context.Context, ts []domain.RailTransfer) ([]domain.RailResult, []error) {
	results, errs := make([]domain.RailResult, len(ts)), make([]error, len(ts))
	err := pgx.BeginFunc(ctx, r.Pool, func(tx pgx.Tx) error {
		state, err := lockTransfers(ctx, tx, ts)
		if err != nil {
			return err
		}
		for i, t := range ts {
			state[t.PayoutID] = Attempt(state[t.PayoutID], t)
			results[i], errs[i] = Result(state[t.PayoutID])
		}
		return storeTransfers(ctx, tx, state)
	})
	if err != nil {
		for i := range ts {
			results[i], errs[i] = domain.RailResult{}, err
		}
	}
	return results, errs
}

// lockTransfers creates the transfers not yet known (NEW, no attempts) and locks and reads
// every transfer of ts.
func lockTransfers(ctx context.Context, tx pgx.Tx, ts []domain.RailTransfer) (map[string]Transfer, error) {
	var ids, accounts []string
	var amounts []decimal.Decimal
	seen := make(map[string]bool, len(ts))
	for _, t := range ts {
		if !seen[t.PayoutID] { // one upsert cannot touch a row twice
			seen[t.PayoutID] = true
			ids, accounts, amounts = append(ids, t.PayoutID), append(accounts, t.Account), append(amounts, t.Amount.Amount)
		}
	}
	rows, err := tx.Query(ctx, `INSERT INTO sandbox_rail_transfers AS t (payout_id, account, amount, status, attempts)
		SELECT payout_id, account, amount, 'NEW', 0 FROM unnest($1::uuid[], $2::text[], $3::numeric[]) AS i(payout_id, account, amount)
		ON CONFLICT (payout_id) DO UPDATE SET attempts = t.attempts
		RETURNING payout_id::text, account, status, attempts, reference, failure_reason`, ids, accounts, amounts)
	if err != nil {
		return nil, err
	}
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Transfer, error) {
		var t Transfer
		err := r.Scan(&t.PayoutID, &t.Account, &t.Status, &t.Attempts, &t.Reference, &t.FailureReason)
		return t, err
	})
	if err != nil {
		return nil, err
	}
	state := make(map[string]Transfer, len(all))
	for _, t := range all {
		state[t.PayoutID] = t
	}
	return state, nil
}

// storeTransfers writes the transfers' states in one statement.
func storeTransfers(ctx context.Context, tx pgx.Tx, state map[string]Transfer) error {
	var ids, accounts, statuses, references, reasons []string
	var attempts []int
	for _, t := range state {
		ids, accounts, statuses = append(ids, t.PayoutID), append(accounts, t.Account), append(statuses, t.Status)
		references, reasons, attempts = append(references, t.Reference), append(reasons, t.FailureReason), append(attempts, t.Attempts)
	}
	_, err := tx.Exec(ctx, `UPDATE sandbox_rail_transfers t SET account = u.account, status = u.status, attempts = u.attempts,
			reference = u.reference, failure_reason = u.reason, updated_at = now()
		FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[]) AS u(payout_id, account, status, attempts, reference, reason)
		WHERE t.payout_id = u.payout_id`, ids, accounts, statuses, attempts, references, reasons)
	return err
}
