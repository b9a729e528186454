package domain

import "context"

// These read single objects by id for node(id:), each within the actor's reach: NOT_FOUND
// otherwise, exactly like a missing object.

// APIKeyByID returns an API key: operators see every key, others only the one they call with.
func (s *Service) APIKeyByID(ctx context.Context, actor Actor, id string) (APIKey, error) {
	if err := actor.Can(ActReadAPIKey); err != nil {
		return APIKey{}, err
	}
	if !actor.Scope().All && actor.KeyID != id {
		return APIKey{}, NotFound("API key", nil)
	}
	return s.store.Queries().APIKey(ctx, id)
}

// RefundByID returns a refund of a payment the actor may see.
func (s *Service) RefundByID(ctx context.Context, actor Actor, id string) (Refund, error) {
	if err := actor.Can(ActReadPayment); err != nil {
		return Refund{}, err
	}
	r, err := s.store.Queries().Refund(ctx, id)
	if err != nil {
		return Refund{}, err
	}
	if _, err := s.Payment(ctx, actor, r.PaymentID); err != nil {
		return Refund{}, err
	}
	return r, nil
}

// EventByID returns an event the actor may see.
func (s *Service) EventByID(ctx context.Context, actor Actor, id string) (Event, error) {
	if err := actor.Can(ActReadEvent); err != nil {
		return Event{}, err
	}
	e, err := s.store.Queries().Event(ctx, id, actor.Scope())
	return e, notFoundAs(err, "event", nil)
}

// WebhookEndpointByID returns one of the calling partner's endpoints.
func (s *Service) WebhookEndpointByID(ctx context.Context, actor Actor, id string) (WebhookEndpoint, error) {
	if err := actor.Can(ActReadWebhookEndpoint); err != nil {
		return WebhookEndpoint{}, err
	}
	return s.store.Queries().WebhookEndpoint(ctx, id, actor.Scope())
}

// FeeStatementByID returns a statement of an account the actor may see.
func (s *Service) FeeStatementByID(ctx context.Context, actor Actor, id string) (FeeStatement, error) {
	if err := actor.Can(ActReadFeeStatement); err != nil {
		return FeeStatement{}, err
	}
	return s.store.Queries().FeeStatement(ctx, id, actor.Scope())
}
