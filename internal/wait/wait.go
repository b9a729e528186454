// Package wait lets tests wait for asynchronous work (jobs, deliveries, listeners) by polling
// a condition with a deadline instead of sleeping for a guessed time.
package wait

import (
	"testing"
	"time"
)

// For polls cond until it returns nil and fails t when timeout passes first, with the last
// error cond returned (which should say what was still missing). The first check is immediate;
// polls then back off from 5ms to 100ms. Call it from the test's goroutine.
func For(t testing.TB, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	interval := 5 * time.Millisecond
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after %s: %v", timeout, err)
			return
		}
		time.Sleep(interval)
		interval = min(2*interval, 100*time.Millisecond)
	}
}
