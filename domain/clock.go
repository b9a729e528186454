package domain

import (
	"context"
	"time"
)

// SetSandboxClock moves the clock that the API and the workers read. OPERATOR only, and only
// in sandbox mode (FORBIDDEN otherwise).
func (s *Service) SetSandboxClock(ctx context.Context, actor Actor, now time.Time) (time.Time, error) {
	if err := actor.Can(ActSetSandboxClock); err != nil {
		return time.Time{}, err
	}
	sc, ok := s.clock.(SettableClock)
	if !s.cfg.Sandbox || !ok {
		return time.Time{}, Forbidden("set the clock outside sandbox mode")
	}
	if err := sc.Set(ctx, now); err != nil {
		return time.Time{}, err
	}
	return now, nil
}

// Clock tells the time. Rules never call time.Now.
type Clock interface {
	Now() time.Time
}

// SettableClock is a clock the sandbox may move (kept where every process reads it).
type SettableClock interface {
	Clock
	Set(ctx context.Context, now time.Time) error
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }
