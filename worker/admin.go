package worker

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// JobAdmin implements domain.JobAdmin over River's client API.
type JobAdmin struct{ Client *river.Client[pgx.Tx] }

func jobInfo(j *rivertype.JobRow) domain.JobInfo {
	info := domain.JobInfo{ID: j.ID, Kind: j.Kind, State: string(j.State), Queue: j.Queue, Attempt: j.Attempt,
		MaxAttempts: j.MaxAttempts, CreatedAt: j.CreatedAt, ScheduledAt: j.ScheduledAt, AttemptedAt: j.AttemptedAt, FinalizedAt: j.FinalizedAt}
	for _, e := range j.Errors {
		info.Errors = append(info.Errors, e.Error)
	}
	return info
}

// ListJobs lists jobs newest first, optionally by kind and state.
func (a JobAdmin) ListJobs(ctx context.Context, kind, state string, first int, after string) ([]domain.JobInfo, string, error) {
	p := river.NewJobListParams().First(first).OrderBy(river.JobListOrderByID, river.SortOrderDesc)
	if kind != "" {
		p = p.Kinds(kind)
	}
	if state != "" {
		p = p.States(rivertype.JobState(state))
	}
	if after != "" {
		var c river.JobListCursor
		if err := c.UnmarshalText([]byte(after)); err != nil {
			return nil, "", domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
		}
		p = p.After(&c)
	}
	res, err := a.Client.JobList(ctx, p)
	if err != nil {
		return nil, "", err
	}
	out := make([]domain.JobInfo, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		info := jobInfo(j)
		if b, err := river.JobListCursorFromJob(j).MarshalText(); err == nil {
			info.Cursor = string(b)
		}
		out = append(out, info)
	}
	next := ""
	if res.LastCursor != nil && len(res.Jobs) == first {
		b, _ := res.LastCursor.MarshalText()
		next = string(b)
	}
	return out, next, nil
}

// GetJob returns one job. NOT_FOUND for an unknown id.
func (a JobAdmin) GetJob(ctx context.Context, id int64) (domain.JobInfo, error) {
	j, err := a.Client.JobGet(ctx, id)
	return a.result(j, err)
}

// RetryJob makes a job available now. NOT_FOUND for an unknown id.
func (a JobAdmin) RetryJob(ctx context.Context, id int64) (domain.JobInfo, error) {
	j, err := a.Client.JobRetry(ctx, id)
	return a.result(j, err)
}

// CancelJob cancels a job that has not finished. NOT_FOUND for an unknown id.
func (a JobAdmin) CancelJob(ctx context.Context, id int64) (domain.JobInfo, error) {
	j, err := a.Client.JobCancel(ctx, id)
	return a.result(j, err)
}

func (JobAdmin) result(j *rivertype.JobRow, err error) (domain.JobInfo, error) {
	if errors.Is(err, rivertype.ErrNotFound) {
		return domain.JobInfo{}, domain.NotFound("job", domain.Field("jobId"))
	}
	if err != nil {
		return domain.JobInfo{}, err
	}
	return jobInfo(j), nil
}

// JobObserver hears about every worked job (metrics).
type JobObserver interface {
	JobWorked(kind, outcome string, wait, run time.Duration)
	// JobBatch hears how many jobs of a kind were worked together in one batch.
	JobBatch(kind string, size int)
}

// observeJobs logs one line per worked job and reports it to obs.
func observeJobs(log *slog.Logger, obs JobObserver) river.WorkerMiddlewareFunc {
	tracer := otel.Tracer("kjb/worker")
	return func(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
		ctx, span := tracer.Start(ctx, "job "+job.Kind, trace.WithAttributes(attribute.Int64("river.job_id", job.ID), attribute.Int("river.attempt", job.Attempt)))
		defer span.End()
		start := time.Now()
		err := doInner(ctx)
		if err != nil {
			span.SetStatus(codes.Error, "job failed")
		}
		run := time.Since(start)
		wait := time.Duration(0)
		if job.AttemptedAt != nil {
			wait = max(0, job.AttemptedAt.Sub(job.ScheduledAt))
		}
		outcome := "ok"
		var snooze *river.JobSnoozeError
		switch {
		case errors.As(err, &snooze):
			outcome = "snoozed"
		case err != nil:
			outcome = "error"
		}
		attrs := []any{"job_id", job.ID, "kind", job.Kind, "attempt", job.Attempt, "duration_ms", run.Milliseconds(), "outcome", outcome}
		if err != nil && outcome == "error" {
			log.WarnContext(ctx, "job", append(attrs, "error", err.Error())...)
		} else {
			log.InfoContext(ctx, "job", attrs...)
		}
		if obs != nil {
			obs.JobWorked(job.Kind, outcome, wait, run)
		}
		return err
	}
}
