package domain

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// CreatePartner registers a marketplace partner. OPERATOR only. INVALID_INPUT for a code
// that is not 1–32 lower-case letters, digits, "-" or "_"; ALREADY_EXISTS for a taken code.
func (s *Service) CreatePartner(ctx context.Context, actor Actor, code, name string) (Partner, error) {
	if err := actor.Can(ActCreatePartner); err != nil {
		return Partner{}, err
	}
	var errs Errors
	if !partnerCode.MatchString(code) {
		errs = append(errs, Errorf(CodeInvalidInput, Field("code"), "must be 1 to 32 lower-case letters, digits, '-' or '_'"))
	}
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n == 0 || n > 200 {
		errs = append(errs, Errorf(CodeInvalidInput, Field("name"), "must be 1 to 200 characters"))
	}
	if err := errs.Err(); err != nil {
		return Partner{}, err
	}
	p := Partner{Code: code, Name: name, CreatedAt: s.clock.Now()}
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.InsertPartner(ctx, &p) })
	return p, err
}

// Partner returns a partner the actor may see: operators see all, a partner itself.
func (s *Service) Partner(ctx context.Context, actor Actor, id string) (Partner, error) {
	if err := actor.Can(ActReadPartner); err != nil {
		return Partner{}, err
	}
	return s.store.Queries().Partner(ctx, id, actor.Scope())
}

// CreateAPIKey issues a key and returns it with its secret, which is never shown again.
// OPERATOR only. An ACCOUNT key needs accountId, a PARTNER key partnerId (or a partner
// code), an OPERATOR key neither, and an expiry must be in the future (INVALID_INPUT);
// NOT_FOUND for an unknown account or partner.
func (s *Service) CreateAPIKey(ctx context.Context, actor Actor, in CreateAPIKeyInput) (APIKey, string, error) {
	if err := actor.Can(ActCreateAPIKey); err != nil {
		return APIKey{}, "", err
	}
	label, err := validateLabel(in.Label)
	if err != nil {
		return APIKey{}, "", err
	}
	hasPartner := in.PartnerID != "" || in.PartnerCode != ""
	var errs Errors
	switch in.Role {
	case RoleOperator:
		if in.AccountID != "" || hasPartner {
			errs = append(errs, Errorf(CodeInvalidInput, Field("role"), "an OPERATOR key is bound to no account or partner"))
		}
	case RoleAccount:
		if in.AccountID == "" || hasPartner {
			errs = append(errs, Errorf(CodeInvalidInput, Field("accountId"), "an ACCOUNT key needs accountId and no partner"))
		}
	case RolePartner:
		if !hasPartner || in.AccountID != "" {
			errs = append(errs, Errorf(CodeInvalidInput, Field("partnerId"), "a PARTNER key needs partnerId and no account"))
		}
	default:
		errs = append(errs, Errorf(CodeInvalidInput, Field("role"), "must be OPERATOR, PARTNER or ACCOUNT"))
	}
	now := s.clock.Now()
	if !in.ExpiresAt.IsZero() && !in.ExpiresAt.After(now) {
		errs = append(errs, Errorf(CodeInvalidInput, Field("expiresAt"), "must be in the future"))
	}
	if err := errs.Err(); err != nil {
		return APIKey{}, "", err
	}
	secret, hash := NewSecret(s.cfg.Sandbox)
	k := APIKey{Role: in.Role, AccountID: in.AccountID, PartnerID: in.PartnerID, Label: label,
		SecretHash: hash, Hint: secret[len(secret)-4:], CreatedAt: now, ExpiresAt: in.ExpiresAt}
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		if k.AccountID != "" {
			if _, err := tx.Account(ctx, k.AccountID, Scope{All: true}); err != nil {
				return notFoundAs(err, "account", Field("accountId"))
			}
		}
		if in.PartnerCode != "" {
			p, err := tx.PartnerByCode(ctx, in.PartnerCode, Scope{All: true})
			if err != nil {
				return notFoundAs(err, "partner", Field("partnerId"))
			}
			k.PartnerID = p.ID
		} else if k.PartnerID != "" {
			if _, err := tx.Partner(ctx, k.PartnerID, Scope{All: true}); err != nil {
				return notFoundAs(err, "partner", Field("partnerId"))
			}
		}
		return tx.InsertAPIKey(ctx, &k)
	})
	if err != nil {
		return APIKey{}, "", err
	}
	return k, secret, nil
}

// PartnerByCode returns a partner by its code; operators see all, a partner itself.
func (s *Service) PartnerByCode(ctx context.Context, actor Actor, code string) (Partner, error) {
	if err := actor.Can(ActReadPartner); err != nil {
		return Partner{}, err
	}
	p, err := s.store.Queries().PartnerByCode(ctx, code, actor.Scope())
	return p, notFoundAs(err, "partner", Field("code"))
}

// PartnerSummary is a partner dashboard's first screen for a period.
type PartnerSummary struct {
	PaymentCount     int
	PaymentVolume    Money // CNY
	Fees             Money // CNH
	Refunds          Money // CNY
	PayoutsPaid      Money // CNY
	PayoutsPending   int
	PayoutsFailed    int
	ConversionVolume []Money // sold, by currency, for the period's payments paid from a balance
}

// PartnerSummary summarises [from, to) for the calling partner (operators: every partner).
// INVALID_INPUT when to is not after from.
func (s *Service) PartnerSummary(ctx context.Context, actor Actor, from, to time.Time) (PartnerSummary, error) {
	if err := actor.Can(ActPartnerSummary); err != nil {
		return PartnerSummary{}, err
	}
	if !to.After(from) {
		return PartnerSummary{}, Errorf(CodeInvalidInput, Field("to"), "must be after from")
	}
	return s.store.Reports().PartnerSummary(ctx, actor.Scope(), from, to)
}

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

// APIKeys lists every API key, newest first; secrets are never stored, so never listed.
// OPERATOR only.
func (s *Service) APIKeys(ctx context.Context, actor Actor, page Page) (Slice[APIKey], error) {
	if err := actor.Can(ActListAPIKeys); err != nil {
		return Slice[APIKey]{}, err
	}
	rows, err := s.store.Queries().APIKeys(ctx, page)
	return Cut(rows, page), err
}

// RevokeAPIKey ends a key now: from the next request on, in every API process, it answers
// like an unknown key. Revoking a revoked key changes nothing. OPERATOR only; NOT_FOUND
// naming apiKeyId for an unknown key.
func (s *Service) RevokeAPIKey(ctx context.Context, actor Actor, id string) (APIKey, error) {
	if err := actor.Can(ActRevokeAPIKey); err != nil {
		return APIKey{}, err
	}
	var k APIKey
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		var err error
		if k, err = tx.LockAPIKey(ctx, id); err != nil {
			return notFoundAs(err, "API key", Field("apiKeyId"))
		}
		if !k.RevokedAt.IsZero() {
			return nil
		}
		k.RevokedAt = s.clock.Now()
		return tx.SetAPIKeyEnd(ctx, k.ID, k.RevokedAt, k.ExpiresAt)
	})
	return k, err
}

// RotateAPIKey issues a replacement for a usable key (same role, account or partner, and
// label) and lets the old one work for the overlap only, so clients can switch without
// downtime. It returns the new key with its secret, shown once, and the old key. OPERATOR
// only; NOT_FOUND naming apiKeyId for an unknown key, INVALID_STATE for a revoked or expired
// one, INVALID_INPUT naming overlapSeconds outside 0 to MaxKeyOverlap.
func (s *Service) RotateAPIKey(ctx context.Context, actor Actor, in RotateAPIKeyInput) (APIKey, string, APIKey, error) {
	if err := actor.Can(ActRotateAPIKey); err != nil {
		return APIKey{}, "", APIKey{}, err
	}
	overlap := DefaultKeyOverlap
	if in.Overlap != nil {
		overlap = *in.Overlap
	}
	if overlap < 0 || overlap > MaxKeyOverlap {
		return APIKey{}, "", APIKey{}, Errorf(CodeInvalidInput, Field("overlapSeconds"), "must be between 0 and %d", int(MaxKeyOverlap.Seconds()))
	}
	secret, hash := NewSecret(s.cfg.Sandbox)
	var old, k APIKey
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		var err error
		if old, err = tx.LockAPIKey(ctx, in.ID); err != nil {
			return notFoundAs(err, "API key", Field("apiKeyId"))
		}
		now := s.clock.Now()
		if !old.Usable(now) {
			return Errorf(CodeInvalidState, Field("apiKeyId"), "the key is revoked or expired: create a new one")
		}
		if end := now.Add(overlap); old.ExpiresAt.IsZero() || end.Before(old.ExpiresAt) {
			old.ExpiresAt = end
		}
		if err := tx.SetAPIKeyEnd(ctx, old.ID, old.RevokedAt, old.ExpiresAt); err != nil {
			return err
		}
		k = APIKey{Role: old.Role, AccountID: old.AccountID, PartnerID: old.PartnerID, Label: old.Label,
			SecretHash: hash, Hint: secret[len(secret)-4:], CreatedAt: now}
		return tx.InsertAPIKey(ctx, &k)
	})
	if err != nil {
		return APIKey{}, "", APIKey{}, err
	}
	return k, secret, old, nil
}
