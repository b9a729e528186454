package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/riverqueue/river"
)

// sealWorker extends the ledger's hash chain over the entries committed since the last seal.
type sealWorker struct {
	river.WorkerDefaults[domain.SealLedgerJob]
	svc *domain.Service
	log *slog.Logger
}

// maxSealEntries bounds one seal (and the memory of building it).
const maxSealEntries = 50000

func (w *sealWorker) Work(ctx context.Context, _ *river.Job[domain.SealLedgerJob]) error {
	seals, err := w.svc.SealLedger(ctx, maxSealEntries, 10*time.Second)
	if err != nil {
		return err
	}
	if n := len(seals); n > 0 {
		w.log.InfoContext(ctx, "ledger sealed", "seals", n, "last_entry", seals[n-1].Last, "hash", seals[n-1].HashHex())
	}
	return nil
}
