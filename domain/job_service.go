package domain

import (
	"context"
	"time"
)

// JobInfo is a background job as operators see it.
type JobInfo struct {
	ID          int64
	Kind        string
	State       string
	Queue       string
	Attempt     int
	MaxAttempts int
	Errors      []string
	CreatedAt   time.Time
	ScheduledAt time.Time
	AttemptedAt *time.Time
	FinalizedAt *time.Time
	Cursor      string // its position in the listing
}

// JobAdmin lists and steers background jobs (implemented over River's client).
type JobAdmin interface {
	ListJobs(ctx context.Context, kind, state string, first int, after string) (jobs []JobInfo, next string, err error)
	RetryJob(ctx context.Context, id int64) (JobInfo, error)
	CancelJob(ctx context.Context, id int64) (JobInfo, error)
	GetJob(ctx context.Context, id int64) (JobInfo, error)
}

// JobStates are the states a job can be listed by.
var JobStates = []string{"available", "cancelled", "completed", "discarded", "pending", "retryable", "running", "scheduled"}

// ManageJobs sets the job administration port.
func (s *Service) ManageJobs(a JobAdmin) { s.jobs = a }

// Jobs lists background jobs. OPERATOR only. INVALID_INPUT for an unknown state.
func (s *Service) Jobs(ctx context.Context, actor Actor, kind, state string, page Page) (Slice[JobInfo], error) {
	if err := actor.Can(ActListJobs); err != nil {
		return Slice[JobInfo]{}, err
	}
	if state != "" && !contains(JobStates, state) {
		return Slice[JobInfo]{}, Errorf(CodeInvalidInput, Field("state"), "must be one of %v", JobStates)
	}
	if s.jobs == nil {
		return Slice[JobInfo]{}, Errorf(CodeInvalidState, nil, "job administration is not available in this process")
	}
	jobs, next, err := s.jobs.ListJobs(ctx, kind, state, page.First, page.After)
	return Slice[JobInfo]{Items: jobs, HasNext: next != "", HasPrevious: page.After != ""}, err
}

// Job returns one background job. OPERATOR only.
func (s *Service) Job(ctx context.Context, actor Actor, id int64) (JobInfo, error) {
	if err := actor.Can(ActReadJob); err != nil {
		return JobInfo{}, err
	}
	if s.jobs == nil {
		return JobInfo{}, NotFound("job", nil)
	}
	return s.jobs.GetJob(ctx, id)
}

// RetryJob makes a job available to run again now. OPERATOR only.
func (s *Service) RetryJob(ctx context.Context, actor Actor, id int64) (JobInfo, error) {
	if err := actor.Can(ActRetryJob); err != nil {
		return JobInfo{}, err
	}
	if s.jobs == nil {
		return JobInfo{}, Errorf(CodeInvalidState, nil, "job administration is not available in this process")
	}
	return s.jobs.RetryJob(ctx, id)
}

// CancelJob cancels a job that has not finished. OPERATOR only.
func (s *Service) CancelJob(ctx context.Context, actor Actor, id int64) (JobInfo, error) {
	if err := actor.Can(ActCancelJob); err != nil {
		return JobInfo{}, err
	}
	if s.jobs == nil {
		return JobInfo{}, Errorf(CodeInvalidState, nil, "job administration is not available in this process")
	}
	return s.jobs.CancelJob(ctx, id)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
