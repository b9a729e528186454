package domain

import (
	"context"
	"strconv"
	"time"
)

// CreateWebhookEndpoint registers an endpoint for the calling partner and returns its signing
// secret (shown once). INVALID_INPUT for a URL that is not http(s) (or, outside sandbox mode,
// resolves to a private address) or an unknown event type.
func (s *Service) CreateWebhookEndpoint(ctx context.Context, actor Actor, rawURL string, types []string) (WebhookEndpoint, error) {
	if err := actor.Can(ActCreateWebhookEndpoint); err != nil {
		return WebhookEndpoint{}, err
	}
	u, err := ValidateWebhookURL(ctx, rawURL, s.cfg.Sandbox, s.cfg.Resolver, Field("url"))
	if err != nil {
		return WebhookEndpoint{}, err
	}
	if err := ValidateEventTypes(types, Field("types")); err != nil {
		return WebhookEndpoint{}, err
	}
	w := WebhookEndpoint{PartnerID: actor.PartnerID, URL: u, Types: types, Secret: NewWebhookSecret(), CreatedAt: s.clock.Now()}
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.InsertWebhookEndpoint(ctx, &w) })
	return w, err
}

// WebhookEndpoints lists the calling partner's endpoints.
func (s *Service) WebhookEndpoints(ctx context.Context, actor Actor) ([]WebhookEndpoint, error) {
	if err := actor.Can(ActListWebhookEndpoints); err != nil {
		return nil, err
	}
	return s.store.Queries().WebhookEndpoints(ctx, actor.Scope())
}

// DeleteWebhookEndpoint stops deliveries to an endpoint. NOT_FOUND for another partner's.
func (s *Service) DeleteWebhookEndpoint(ctx context.Context, actor Actor, id string) (WebhookEndpoint, error) {
	return s.changeEndpoint(ctx, actor, ActDeleteWebhookEndpoint, id, func(ctx context.Context, tx Tx, w *WebhookEndpoint) error {
		return tx.DeleteWebhookEndpoint(ctx, w.ID, s.clock.Now())
	})
}

// RotateWebhookSecret issues a new signing secret; the old one keeps signing for 24 hours.
func (s *Service) RotateWebhookSecret(ctx context.Context, actor Actor, id string) (WebhookEndpoint, error) {
	return s.changeEndpoint(ctx, actor, ActRotateWebhookSecret, id, func(ctx context.Context, tx Tx, w *WebhookEndpoint) error {
		until := s.clock.Now().Add(24 * time.Hour)
		w.PreviousSecret, w.PreviousExpiresAt, w.Secret = w.Secret, &until, NewWebhookSecret()
		return tx.UpdateWebhookSecrets(ctx, *w)
	})
}

// changeEndpoint checks act, reads an endpoint within the actor's scope and applies change in
// one transaction. NOT_FOUND outside the actor's scope.
func (s *Service) changeEndpoint(ctx context.Context, actor Actor, act Action, id string, change func(context.Context, Tx, *WebhookEndpoint) error) (WebhookEndpoint, error) {
	if err := actor.Can(act); err != nil {
		return WebhookEndpoint{}, err
	}
	var w WebhookEndpoint
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		var err error
		if w, err = tx.WebhookEndpoint(ctx, id, actor.Scope()); err != nil {
			return notFoundAs(err, "webhook endpoint", Field("endpointId"))
		}
		return change(ctx, tx, &w)
	})
	return w, err
}

// WebhookDeliveries lists an endpoint's attempts (the calling partner's endpoints only).
func (s *Service) WebhookDeliveries(ctx context.Context, actor Actor, endpointID string, page Page) (Slice[WebhookDelivery], error) {
	if err := actor.Can(ActListWebhookDeliveries); err != nil {
		return Slice[WebhookDelivery]{}, err
	}
	if _, err := s.store.Queries().WebhookEndpoint(ctx, endpointID, actor.Scope()); err != nil {
		return Slice[WebhookDelivery]{}, err
	}
	rows, err := s.store.Queries().WebhookDeliveries(ctx, endpointID, page)
	return Cut(rows, page), err
}

// WebhookDelivery returns one delivery attempt to an endpoint within the actor's scope, for
// the roles that may read deliveries (FORBIDDEN otherwise); NOT_FOUND otherwise.
func (s *Service) WebhookDelivery(ctx context.Context, actor Actor, id string) (WebhookDelivery, error) {
	if err := actor.Can(ActListWebhookDeliveries); err != nil {
		return WebhookDelivery{}, err
	}
	return s.store.Queries().WebhookDelivery(ctx, id, actor.Scope())
}

// RedeliverEvent sends one of the partner's events to one of its endpoints again and returns
// both. NOT_FOUND naming eventId or endpointId.
func (s *Service) RedeliverEvent(ctx context.Context, actor Actor, eventID, endpointID string) (Event, WebhookEndpoint, error) {
	if err := actor.Can(ActRedeliverEvent); err != nil {
		return Event{}, WebhookEndpoint{}, err
	}
	var e Event
	var w WebhookEndpoint
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		var err error
		if e, err = tx.Event(ctx, eventID, actor.Scope()); err != nil {
			return notFoundAs(err, "event", Field("eventId"))
		}
		if w, err = tx.WebhookEndpoint(ctx, endpointID, actor.Scope()); err != nil {
			return notFoundAs(err, "webhook endpoint", Field("endpointId"))
		}
		return tx.Enqueue(ctx, WebhookDeliverJob{EventID: eventID, EndpointID: endpointID})
	})
	return e, w, err
}

// DeliverWebhook posts one event to one endpoint, signed at the wall clock's time, and records
// the attempt. A non-2xx answer or a transport error is returned so the job retries with
// WebhookBackoff; a deleted endpoint is dropped.
func (s *Service) DeliverWebhook(ctx context.Context, j WebhookDeliverJob, attempt int, sender WebhookSender, backoffBase time.Duration) error {
	q := s.store.Queries()
	e, err := q.Event(ctx, j.EventID, Scope{All: true})
	if err != nil {
		return err
	}
	w, err := q.WebhookEndpoint(ctx, j.EndpointID, Scope{All: true})
	if CodeOf(err) == CodeNotFound {
		return nil
	} else if err != nil {
		return err
	}
	body := WebhookBody(e)
	now := s.clock.Now()
	// The signature's timestamp is the wall clock even when the sandbox clock has moved:
	// receivers check it against their own clock (occurredAt in the body keeps the service's).
	signedAt := SystemClock{}.Now()
	headers := map[string]string{"Content-Type": "application/json", "KJB-Event-Id": GlobalID("Event", e.ID),
		"KJB-Signature": SignWebhook(body, signedAt, w.SigningSecrets(now)), "User-Agent": "KJB-Webhooks/1"}
	start := time.Now()
	status, sendErr := sender.Send(ctx, w.URL, headers, body)
	d := WebhookDelivery{EndpointID: w.ID, EventID: e.ID, EventType: e.Type, Attempt: attempt, StatusCode: status,
		Duration: time.Since(start), CreatedAt: now}
	if sendErr != nil {
		d.Error = sendErr.Error()
	} else if !d.Succeeded() {
		d.Error = "answered " + httpStatus(status)
	}
	if d.Error != "" && attempt < MaxWebhookAttempts {
		next := now.Add(WebhookBackoff(attempt, backoffBase))
		d.NextRetryAt = &next
	}
	if err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.InsertWebhookDelivery(ctx, &d) }); err != nil {
		return err
	}
	if d.Error != "" {
		return Errorf(CodeInternal, nil, "webhook delivery failed: %s", d.Error)
	}
	return nil
}

func httpStatus(code int) string { return "HTTP " + strconv.Itoa(code) }

// WebhookEndpointByID returns one of the calling partner's endpoints.
func (s *Service) WebhookEndpointByID(ctx context.Context, actor Actor, id string) (WebhookEndpoint, error) {
	if err := actor.Can(ActReadWebhookEndpoint); err != nil {
		return WebhookEndpoint{}, err
	}
	return s.store.Queries().WebhookEndpoint(ctx, id, actor.Scope())
}
