package sandboxrail_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/internal/testdb"
	"github.com/kjb/kjb/sandboxrail"
	"github.com/shopspring/decimal"
)

const payout = "0b5c3f4e-0000-4000-8000-000000000001"

func transfer(account string) domain.RailTransfer {
	return domain.RailTransfer{PayoutID: payout, Account: account, Amount: domain.Money{Amount: decimal.RequireFromString("100.00"), Currency: domain.CNY}}
}

func TestAttempt(t *testing.T) {
	t.Parallel()
	paid := sandboxrail.Transfer{PayoutID: payout, Account: "62220001", Status: sandboxrail.StatusPaid, Attempts: 1, Reference: "RAIL-0b5c3f4e"}
	tests := []struct {
		name    string
		prev    sandboxrail.Transfer
		account string
		want    sandboxrail.Transfer
	}{
		{"an ordinary account pays at once", sandboxrail.Transfer{}, "62220001", paid},
		{"0002 is refused for good", sandboxrail.Transfer{}, "62220002", sandboxrail.Transfer{PayoutID: payout, Account: "62220002",
			Status: sandboxrail.StatusFailed, Attempts: 1, FailureReason: "beneficiary account " + domain.MaskAccount("62220002") + " is closed"}},
		{"0003 times out on its first attempt", sandboxrail.Transfer{}, "62220003",
			sandboxrail.Transfer{PayoutID: payout, Account: "62220003", Status: sandboxrail.StatusNew, Attempts: 1}},
		{"0003 times out on its second attempt", sandboxrail.Transfer{Status: sandboxrail.StatusNew, Attempts: 1}, "62220003",
			sandboxrail.Transfer{PayoutID: payout, Account: "62220003", Status: sandboxrail.StatusNew, Attempts: 2}},
		{"0003 pays on its third attempt", sandboxrail.Transfer{Status: sandboxrail.StatusNew, Attempts: 2}, "62220003",
			sandboxrail.Transfer{PayoutID: payout, Account: "62220003", Status: sandboxrail.StatusPaid, Attempts: 3, Reference: "RAIL-0b5c3f4e"}},
		{"a refused payout asked with a good account pays", sandboxrail.Transfer{Status: sandboxrail.StatusFailed, Attempts: 1}, "62220001",
			sandboxrail.Transfer{PayoutID: payout, Account: "62220001", Status: sandboxrail.StatusPaid, Attempts: 2, Reference: "RAIL-0b5c3f4e"}},
		{"a paid payout is never paid again", paid, "62220002", paid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := sandboxrail.Attempt(tc.prev, transfer(tc.account)); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestTransferBatchAttemptsAPayoutAskedTwiceTwice: one batch naming the flaky account's payout
// twice counts two attempts, as two calls would; the next call pays.
func TestTransferBatchAttemptsAPayoutAskedTwiceTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t).Pool
	rail := sandboxrail.Rail{Pool: pool}
	_, errs := rail.TransferBatch(ctx, []domain.RailTransfer{transfer("62220003"), transfer("62220003")})
	for i, err := range errs {
		if !errors.Is(err, sandboxrail.ErrTimeout) {
			t.Fatalf("attempt %d: %v, want a timeout", i+1, err)
		}
	}
	res, err := rail.Transfer(ctx, transfer("62220003"))
	if err != nil || !res.Paid || res.Reference != "RAIL-0b5c3f4e" {
		t.Fatalf("third attempt: %+v %v", res, err)
	}
	var attempts int
	if err := pool.QueryRow(ctx, `SELECT attempts FROM sandbox_rail_transfers WHERE payout_id = $1`, payout).Scan(&attempts); err != nil || attempts != 3 {
		t.Fatalf("%d attempts stored (%v), want 3", attempts, err)
	}
}
