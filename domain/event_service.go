package domain

import (
	"context"
	"slices"
)

// emit records events in tx, stamped with the service's clock, and enqueues one delivery job
// per (partner event, endpoint subscribed to its type) in the same transaction: an event and
// its deliveries commit or vanish together.
func (s *Service) emit(ctx context.Context, tx Tx, events ...Event) error {
	if len(events) == 0 {
		return nil
	}
	now := s.clock.Now()
	var partners []string
	for i := range events {
		events[i].OccurredAt = now
		if p := events[i].PartnerID; p != "" && !slices.Contains(partners, p) {
			partners = append(partners, p)
		}
	}
	if err := tx.RecordEvents(ctx, events); err != nil {
		return err
	}
	var deliveries []Job
	for _, partner := range partners {
		endpoints, err := tx.WebhookEndpoints(ctx, Scope{PartnerID: partner})
		if err != nil {
			return err
		}
		for _, e := range events {
			for _, w := range endpoints {
				if e.PartnerID == w.PartnerID && EventMatches(w.Types, e.Type) {
					deliveries = append(deliveries, WebhookDeliverJob{EventID: e.ID, EndpointID: w.ID})
				}
			}
		}
	}
	if len(deliveries) == 0 {
		return nil
	}
	return tx.EnqueueMany(ctx, deliveries)
}

// paymentEvent describes a payment-flow event of p.
func paymentEvent(typ, objectType, objectID string, p Payment) Event {
	return Event{Type: typ, ObjectType: objectType, ObjectID: objectID, AccountID: p.AccountID, PartnerID: p.PartnerID, PaymentID: p.ID}
}

// accountEvents describes one event of type typ per item: the object objectType with the id and
// the account that ids reads from the item.
func accountEvents[T any](typ, objectType string, items []T, ids func(T) (objectID, accountID string)) []Event {
	events := make([]Event, len(items))
	for i, item := range items {
		objectID, accountID := ids(item)
		events[i] = Event{Type: typ, ObjectType: objectType, ObjectID: objectID, AccountID: accountID}
	}
	return events
}

// Events is the cursor feed of the events the actor may see, newest first, optionally of some
// types. Operators see all, partners theirs, accounts theirs.
func (s *Service) Events(ctx context.Context, actor Actor, types []string, page Page) (Slice[Event], error) {
	if err := actor.Can(ActListEvents); err != nil {
		return Slice[Event]{}, err
	}
	if err := ValidateEventTypes(types, Field("types")); err != nil {
		return Slice[Event]{}, err
	}
	rows, err := s.store.Reports().Events(ctx, actor.Scope(), types, page)
	return Cut(rows, page), err
}

// PartnerEvents checks that the actor may follow its partner's live events and returns the
// filter a subscription applies: the partner's events, of the given types (every type when
// none). FORBIDDEN for a key that is not a PARTNER key; INVALID_INPUT for an unknown type.
func (s *Service) PartnerEvents(actor Actor, types []string) (func(Event) bool, error) {
	if err := actor.Can(ActFollowPartnerEvents); err != nil {
		return nil, err
	}
	if err := ValidateEventTypes(types, Field("types")); err != nil {
		return nil, err
	}
	return func(e Event) bool { return EventVisible(actor, e) && EventMatches(types, e.Type) }, nil
}

// EventVisible reports whether the actor may see e (subscriptions filter with it).
func EventVisible(a Actor, e Event) bool {
	return a.Scope().Sees(e.PartnerID, e.AccountID)
}

// EventByID returns an event the actor may see.
func (s *Service) EventByID(ctx context.Context, actor Actor, id string) (Event, error) {
	if err := actor.Can(ActReadEvent); err != nil {
		return Event{}, err
	}
	e, err := s.store.Queries().Event(ctx, id, actor.Scope())
	return e, notFoundAs(err, "event", nil)
}
