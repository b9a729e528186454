package domain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// RequestHash fingerprints an operation's input for idempotency checks.
func RequestHash(operation string, parts ...string) string {
	h := sha256.Sum256([]byte(operation + "\x00" + strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:])
}

// claimKey takes an idempotency key inside tx. It returns the original result's id when the
// key was used before with the same input (replay), IDEMPOTENCY_KEY_REUSED when it was used
// with another input, and "" when the key is now claimed by this transaction. A transaction
// that ends in user errors rolls back and so leaves the key unused. Concurrent claims of one
// key wait for each other in the store, so only one can do the work.
func claimKey(ctx context.Context, tx Tx, actor Actor, key, operation, hash string) (string, error) {
	if _, err := ValidateReference(key, Field("idempotencyKey")); err != nil {
		return "", err
	}
	prior, claimed, err := tx.ClaimIdempotencyKey(ctx, actor.Principal(), key, operation, hash)
	if err != nil || claimed {
		return "", err
	}
	if prior.Operation != operation || prior.RequestHash != hash {
		return "", Errorf(CodeIdempotencyKeyReused, Field("idempotencyKey"),
			"this idempotency key was already used for a different request")
	}
	return prior.ResultID, nil
}

// IdempotencyRecord is a used idempotency key.
type IdempotencyRecord struct {
	Operation   string
	RequestHash string
	ResultID    string
}
