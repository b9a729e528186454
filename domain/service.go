package domain

import "context"

// Config holds the rule settings the service needs, parsed by the command line.
type Config struct {
	// Sandbox enables sandbox-only behaviour (test secrets, sandbox mutations).
	Sandbox bool
}

// Service is the entry point of every business operation. Each method takes the calling
// Actor, enforces what that actor may do, and runs in one Store transaction when it writes.
type Service struct {
	store Store
	clock Clock
	cfg   Config
}

// NewService wires the rules to a store and a clock.
func NewService(store Store, clock Clock, cfg Config) *Service {
	return &Service{store: store, clock: clock, cfg: cfg}
}

// Authenticate resolves an API secret to its actor. UNAUTHENTICATED for an unknown secret.
func (s *Service) Authenticate(ctx context.Context, secret string) (Actor, error) {
	k, err := s.store.Queries().APIKeyByHash(ctx, HashSecret(secret))
	if CodeOf(err) == CodeNotFound {
		return Anonymous, Unauthenticated
	}
	if err != nil {
		return Anonymous, err
	}
	return k.Actor(), nil
}

// requireAuth returns UNAUTHENTICATED for the anonymous caller.
func requireAuth(a Actor) error {
	if a.IsAnonymous() {
		return Unauthenticated
	}
	return nil
}

// notFoundAs rewrites a store's NOT_FOUND to name the input field the id came from.
func notFoundAs(err error, what string, field []string) error {
	if CodeOf(err) == CodeNotFound {
		return NotFound(what, field)
	}
	return err
}

// Audit checks the ledger invariants (system use: the audit command and job).
func (s *Service) Audit(ctx context.Context) ([]Violation, error) {
	return s.store.Queries().Audit(ctx)
}
