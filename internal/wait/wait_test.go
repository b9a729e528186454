package wait

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// recorder is a testing.TB that records Fatalf instead of stopping the test.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestForReturnsOnceTheConditionHolds(t *testing.T) {
	t.Parallel()
	r := &recorder{TB: t}
	calls := 0
	For(r, time.Minute, func() error {
		if calls++; calls < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if r.failed != "" || calls != 3 {
		t.Fatalf("%d calls, failure %q; want 3 calls and no failure", calls, r.failed)
	}
}

func TestForFailsAtTheDeadlineWithTheLastReason(t *testing.T) {
	t.Parallel()
	r := &recorder{TB: t}
	calls := 0
	start := time.Now()
	For(r, 30*time.Millisecond, func() error {
		calls++
		if r.failed != "" {
			panic("polled after failing")
		}
		return fmt.Errorf("%d rows", calls)
	})
	if !strings.Contains(r.failed, fmt.Sprintf("%d rows", calls)) || time.Since(start) < 30*time.Millisecond {
		t.Fatalf("failure %q after %d calls and %s", r.failed, calls, time.Since(start))
	}
}
