package worker

import (
	"context"

	"github.com/kjb/kjb/domain"
)

// prepareLedgerMonths keeps the ledger's monthly partitions created ahead; it runs with the
// daily maintenance (the events.prune job), so a failure is retried with it.
func prepareLedgerMonths(ctx context.Context, svc *domain.Service) error {
	_, err := svc.PrepareLedgerMonths(ctx)
	return err
}
