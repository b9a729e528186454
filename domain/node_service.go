package domain

import "context"

// These read single objects by id for node(id:), each within the actor's reach: NOT_FOUND
// otherwise, exactly like a missing object.

// APIKeyByID returns an API key: operators see every key, others only the one they call with.
func (s *Service) APIKeyByID(ctx context.Context, actor Actor, id string) (APIKey, error) {
	if err := requireAuth(actor); err != nil {
		return APIKey{}, err
	}
	if !actor.IsOperator() && actor.KeyID != id {
		return APIKey{}, NotFound("API key", nil)
	}
	return s.store.Queries().APIKey(ctx, id)
}

// RefundByID returns a refund of a payment the actor may see.
func (s *Service) RefundByID(ctx context.Context, actor Actor, id string) (Refund, error) {
	if err := requireAuth(actor); err != nil {
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
	if err := requireAuth(actor); err != nil {
		return Event{}, err
	}
	e, err := s.store.Queries().Event(ctx, id)
	if err != nil || !EventVisible(actor, e) {
		return Event{}, NotFound("event", nil)
	}
	return e, nil
}

// WebhookEndpointByID returns one of the calling partner's endpoints.
func (s *Service) WebhookEndpointByID(ctx context.Context, actor Actor, id string) (WebhookEndpoint, error) {
	if err := requireAuth(actor); err != nil {
		return WebhookEndpoint{}, err
	}
	if actor.Role != RolePartner {
		return WebhookEndpoint{}, NotFound("webhook endpoint", nil)
	}
	return s.store.Queries().WebhookEndpoint(ctx, id, actor.PartnerID)
}

// FeeStatementByID returns a statement of an account the actor may see.
func (s *Service) FeeStatementByID(ctx context.Context, actor Actor, id string) (FeeStatement, error) {
	if err := requireAuth(actor); err != nil {
		return FeeStatement{}, err
	}
	return s.store.Queries().FeeStatement(ctx, id, actor.Scope())
}
