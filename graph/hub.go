package graph

import (
	"context"
	"sync"

	"github.com/kjb/kjb/domain"
)

// Hub fans committed events out to this process's subscriptions. It is fed by a Postgres
// LISTEN loop (db.ListenEvents), so a subscriber receives events committed by any API process
// or worker, in commit order.
type Hub struct {
	mu   sync.RWMutex
	next uint64
	subs map[uint64]*subscriber
}

type subscriber struct {
	match func(domain.Event) bool
	ch    chan domain.Event
	done  bool
}

// subscriberBuffer is how far a subscriber may lag before it is dropped (its subscription
// ends; the client resubscribes and catches up from the events feed).
const subscriberBuffer = 1024

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[uint64]*subscriber{}} }

// Publish hands e to every matching subscriber without ever blocking the listener.
func (h *Hub) Publish(e domain.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, s := range h.subs {
		if !s.match(e) {
			continue
		}
		select {
		case s.ch <- e:
		default:
			close(s.ch)
			s.done = true
			delete(h.subs, id)
		}
	}
}

// Subscribe returns the events matching match until ctx ends.
func (h *Hub) Subscribe(ctx context.Context, match func(domain.Event) bool) <-chan domain.Event {
	s := &subscriber{match: match, ch: make(chan domain.Event, subscriberBuffer)}
	h.mu.Lock()
	id := h.next
	h.next++
	h.subs[id] = s
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		defer h.mu.Unlock()
		if !s.done {
			delete(h.subs, id)
			close(s.ch)
		}
	}()
	return s.ch
}

// Subscribers counts live subscriptions (for metrics and tests).
func (h *Hub) Subscribers() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs)
}

// relay maps each event to a value and sends it until ctx ends or events close.
func relay[T any](ctx context.Context, events <-chan domain.Event, convert func(domain.Event) (T, bool)) <-chan T {
	out := make(chan T, 16)
	go func() {
		defer close(out)
		for e := range events {
			v, ok := convert(e)
			if !ok {
				return
			}
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
