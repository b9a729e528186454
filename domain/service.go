package domain

import (
	"context"
	"time"
)

// Config holds the rule settings the service needs, parsed by the command line.
type Config struct {
	// Sandbox enables sandbox-only behaviour (test secrets, sandbox mutations, the shipped
	// rate table as a fallback that never goes stale).
	Sandbox bool
	// QuoteTTL is how long a quote's rate is locked (default 60s).
	QuoteTTL time.Duration
	// SpreadBps is the standard FX spread; CrossBorderPaySpreadBps the one for accounts with
	// Cross-border Pay active (defaults 50 and 30).
	SpreadBps, CrossBorderPaySpreadBps Spread
	// RateMaxAge is how old a fed rate may be before it is unusable (default 15m).
	RateMaxAge time.Duration
	// SettlementInterval is the FX settlement window (default 1m).
	SettlementInterval time.Duration
	// EscrowHold is how long a payment stays in escrow before it is released without a
	// receipt confirmation (default 240h).
	EscrowHold time.Duration
	// Resolver checks webhook hosts outside sandbox mode.
	Resolver Resolver
	// LinkCodes delivers link confirmation codes to members; nil leaves the delivery to the
	// partner, which receives each code in a link.confirmation_requested webhook.
	LinkCodes LinkCodeSender
}

func (c Config) withDefaults() Config {
	if c.QuoteTTL <= 0 {
		c.QuoteTTL = 60 * time.Second
	}
	if c.SpreadBps == 0 {
		c.SpreadBps = 50
	}
	if c.CrossBorderPaySpreadBps == 0 {
		c.CrossBorderPaySpreadBps = 30
	}
	if c.EscrowHold <= 0 {
		c.EscrowHold = 240 * time.Hour
	}
	if c.SettlementInterval <= 0 {
		c.SettlementInterval = time.Minute
	}
	if c.RateMaxAge <= 0 {
		c.RateMaxAge = 15 * time.Minute
	}
	return c
}

// Service is the entry point of every business operation. Each method takes the calling
// Actor, enforces what that actor may do, and runs in one Store transaction when it writes.
type Service struct {
	store    Store
	clock    Clock
	cfg      Config
	observer Observer
	jobs     JobAdmin
}

// NewService wires the rules to a store and a clock.
func NewService(store Store, clock Clock, cfg Config) *Service {
	return &Service{store: store, clock: clock, cfg: cfg.withDefaults()}
}

// Authenticate resolves an API secret to its actor. UNAUTHENTICATED for an unknown, revoked
// or expired secret, and outside sandbox mode for a sandbox one. Every call reads the key, so
// a revocation holds at once in every process.
func (s *Service) Authenticate(ctx context.Context, secret string) (Actor, error) {
	if !s.cfg.Sandbox && IsSandboxSecret(secret) {
		return Anonymous, Unauthenticated // a sandbox key never opens production
	}
	k, err := s.store.Queries().APIKeyByHash(ctx, HashSecret(secret))
	if CodeOf(err) == CodeNotFound {
		return Anonymous, Unauthenticated
	}
	if err != nil {
		return Anonymous, err
	}
	now := s.clock.Now()
	if !k.Usable(now) {
		return Anonymous, Unauthenticated // revoked or expired: exactly like an unknown key
	}
	if now.Sub(k.LastUsedAt) >= lastUsedResolution {
		// Best effort: a failed write of lastUsedAt must not refuse a good key.
		_ = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.TouchAPIKey(ctx, k.ID, now) })
	}
	return k.Actor(), nil
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

// AuditIncremental checks the ledger invariants over what changed since the last clean audit
// (system use: the hourly audit job).
func (s *Service) AuditIncremental(ctx context.Context) ([]Violation, error) {
	return s.store.Queries().AuditIncremental(ctx)
}

// Now is the service's clock (for adapters that must agree with the rules on time).
func (s *Service) Now() time.Time { return s.clock.Now() }
