package worker

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// startBatcher returns a batcher whose batches block until release is closed, reporting each
// batch's items on started; each result is the item times ten.
func startBatcher(slots, max int) (b *batcher[int, int], started chan []int, release chan struct{}) {
	started, release = make(chan []int, 100), make(chan struct{})
	b = newBatcher(slots, max, func(_ context.Context, items []int) []int {
		started <- slices.Clone(items)
		<-release
		out := make([]int, len(items))
		for i, v := range items {
			out[i] = v * 10
		}
		return out
	}, func(error) int { return -1 })
	return b, started, release
}

// queued waits until n calls wait in b's queue.
func queued(b *batcher[int, int], n int) {
	for {
		b.mu.Lock()
		l := len(b.queue)
		b.mu.Unlock()
		if l == n {
			return
		}
		runtime.Gosched()
	}
}

// TestBatcherGroupsCallsThatWait: a call alone runs alone; calls made while every slot is busy
// go together in the next batch, at most max at a time; each gets its own result.
func TestBatcherGroupsCallsThatWait(t *testing.T) {
	b, started, release := startBatcher(1, 3)
	results := make([]int, 6)
	var wg sync.WaitGroup
	call := func(i int) {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = b.do(context.Background(), i) }()
	}
	call(0)
	if first := <-started; !slices.Equal(first, []int{0}) {
		t.Fatalf("first batch %v", first)
	}
	for i := 1; i < 6; i++ {
		call(i)
	}
	queued(b, 5)
	close(release)
	wg.Wait()
	close(started)
	var sizes []int
	var seen []int
	for batch := range started {
		sizes = append(sizes, len(batch))
		seen = append(seen, batch...)
	}
	slices.Sort(seen)
	if !slices.Equal(sizes, []int{3, 2}) || !slices.Equal(seen, []int{1, 2, 3, 4, 5}) {
		t.Fatalf("later batches of sizes %v with %v, want 3 then 2 of 1…5", sizes, seen)
	}
	if !slices.Equal(results, []int{0, 10, 20, 30, 40, 50}) {
		t.Fatalf("results %v", results)
	}
}

// TestBatcherPanicFailsItsBatch: a batch that panics answers every call in it with the failure
// result, frees its slot, and later calls still run.
func TestBatcherPanicFailsItsBatch(t *testing.T) {
	var gotErr error
	var mu sync.Mutex
	b := newBatcher(1, 10, func(_ context.Context, items []int) []int {
		if items[0] < 0 {
			panic("boom")
		}
		return items
	}, func(err error) int {
		mu.Lock()
		gotErr = err
		mu.Unlock()
		return -100
	})
	if r := b.do(context.Background(), -1); r != -100 || gotErr == nil || !strings.Contains(gotErr.Error(), "boom") {
		t.Fatalf("result %d, error %v", r, gotErr)
	}
	if r := b.do(context.Background(), 7); r != 7 {
		t.Fatalf("after the panic: %d", r)
	}
}
