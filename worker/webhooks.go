package worker

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/riverqueue/river"
)

// HTTPSender posts webhook deliveries; any answer after Timeout (10s) is a failure. With a
// Resolver (outside sandbox mode) it connects only to public addresses, checked when it dials.
type HTTPSender struct {
	Client   *http.Client
	Timeout  time.Duration
	Resolver domain.Resolver
}

// Send posts body with headers and returns the status code.
func (s HTTPSender) Send(ctx context.Context, url string, headers map[string]string, body []byte) (int, error) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	client := s.Client
	if client == nil && s.Resolver != nil {
		client = publicOnlyClient(s.Resolver)
	} else if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	return res.StatusCode, nil
}

type webhookDeliverWorker struct {
	river.WorkerDefaults[domain.WebhookDeliverJob]
	svc    *domain.Service
	sender domain.WebhookSender
	base   time.Duration
}

func (w *webhookDeliverWorker) Work(ctx context.Context, job *river.Job[domain.WebhookDeliverJob]) error {
	return w.svc.DeliverWebhook(ctx, job.Args, job.Attempt, w.sender, w.base)
}

// NextRetry follows the delivery log's next retry time.
func (w *webhookDeliverWorker) NextRetry(job *river.Job[domain.WebhookDeliverJob]) time.Time {
	return time.Now().Add(domain.WebhookBackoff(job.Attempt, w.base))
}

// Timeout leaves room for the 10s delivery timeout.
func (w *webhookDeliverWorker) Timeout(*river.Job[domain.WebhookDeliverJob]) time.Duration {
	return 20 * time.Second
}

type pruneEventsWorker struct {
	river.WorkerDefaults[domain.PruneEventsJob]
	svc *domain.Service
}

func (w *pruneEventsWorker) Work(ctx context.Context, _ *river.Job[domain.PruneEventsJob]) error {
	// The daily maintenance also keeps the ledger's monthly partitions made ahead. Each step
	// runs whatever the other's outcome: a ledger month that cannot be made today must not stop
	// retention, nor the reverse.
	_, ledgerErr := w.svc.PrepareLedgerMonths(ctx)
	_, err := w.svc.PruneEvents(ctx)
	return errors.Join(ledgerErr, err)
}
