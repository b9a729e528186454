package worker

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// batcher coalesces concurrent calls into batches, the way a database commits a group: a call
// queues its item, and when one of the batch slots is free it takes the queue (up to max items)
// and runs it for everyone in it. While every slot is busy, calls gather in the queue and go
// together next. Nothing waits on a timer: a call alone runs alone, at once; under load the
// batches grow by themselves.
type batcher[T, R any] struct {
	run   func(ctx context.Context, items []T) []R
	fail  func(error) R // the result of every call in a batch that panicked
	max   int
	slots chan struct{}

	mu    sync.Mutex
	queue []*batchCall[T, R]
}

type batchCall[T, R any] struct {
	item T
	res  R
	done chan struct{}
}

func newBatcher[T, R any](slots, max int, run func(context.Context, []T) []R, fail func(error) R) *batcher[T, R] {
	return &batcher[T, R]{run: run, fail: fail, max: max, slots: make(chan struct{}, slots)}
}

// do runs item in a batch and returns its result. The batch runs on the context of the call
// that took it.
func (b *batcher[T, R]) do(ctx context.Context, item T) R {
	c := &batchCall[T, R]{item: item, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, c)
	b.mu.Unlock()
	for {
		select {
		case <-c.done:
			return c.res
		case b.slots <- struct{}{}:
			b.mu.Lock()
			n := min(len(b.queue), b.max)
			calls := slices.Clone(b.queue[:n])
			b.queue = slices.Delete(b.queue, 0, n)
			b.mu.Unlock()
			if n == 0 { // another call took this one: it is running
				<-b.slots
				<-c.done
				return c.res
			}
			b.runBatch(ctx, calls)
			<-b.slots
		}
	}
}

func (b *batcher[T, R]) runBatch(ctx context.Context, calls []*batchCall[T, R]) {
	finished := false
	defer func() {
		if finished {
			return
		}
		p := recover()
		for _, c := range calls {
			c.res = b.fail(fmt.Errorf("batch of %d panicked: %v", len(calls), p))
			close(c.done)
		}
	}()
	items := make([]T, len(calls))
	for i, c := range calls {
		items[i] = c.item
	}
	results := b.run(ctx, items)
	finished = true
	for i, c := range calls {
		c.res = results[i]
		close(c.done)
	}
}
