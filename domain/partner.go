package domain

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Partner is a marketplace KJB serves, such as 1688.
type Partner struct {
	ID        string
	Code      string
	Name      string
	CreatedAt time.Time
}

var partnerCode = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// APIKey is a credential. Only the SHA-256 of its secret is stored; Hint keeps its last four
// characters so people can tell keys apart.
type APIKey struct {
	ID         string
	Role       Role
	AccountID  string
	PartnerID  string
	Label      string
	SecretHash string
	Hint       string
	CreatedAt  time.Time
	// ExpiresAt, RevokedAt and LastUsedAt are zero when not set (LastUsedAt is kept to within
	// a minute).
	ExpiresAt, RevokedAt, LastUsedAt time.Time
}

// Usable reports whether the key authenticates at now: not revoked and not expired.
func (k APIKey) Usable(now time.Time) bool {
	return k.RevokedAt.IsZero() && (k.ExpiresAt.IsZero() || now.Before(k.ExpiresAt))
}

// RotateAPIKeyInput is what rotateApiKey accepts: the key to replace and how long it keeps
// working beside its replacement (Overlap; default DefaultKeyOverlap, at most MaxKeyOverlap).
type RotateAPIKeyInput struct {
	ID      string
	Overlap *time.Duration
}

const (
	DefaultKeyOverlap = 24 * time.Hour
	MaxKeyOverlap     = 30 * 24 * time.Hour
	// lastUsedResolution is how stale lastUsedAt may be: it is written at most once a minute.
	lastUsedResolution = time.Minute
)

// Actor returns the principal this key authenticates.
func (k APIKey) Actor() Actor {
	return Actor{KeyID: k.ID, Role: k.Role, AccountID: k.AccountID, PartnerID: k.PartnerID}
}

// CreateAPIKeyInput is what createApiKey accepts.
type CreateAPIKeyInput struct {
	Role        Role
	AccountID   string
	PartnerID   string
	PartnerCode string // alternative to PartnerID, used by the command line
	Label       string
	ExpiresAt   time.Time // zero: the key does not expire
}

// NewSecret returns a fresh 256-bit API secret and its storage hash.
func NewSecret(sandbox bool) (secret, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	prefix := liveSecretPrefix
	if sandbox {
		prefix = sandboxSecretPrefix
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret)
}

const (
	liveSecretPrefix    = "kjb_live_"
	sandboxSecretPrefix = "kjb_test_"
)

// IsSandboxSecret reports whether a secret was minted in sandbox mode; outside sandbox mode
// such a secret never authenticates, whatever the database holds.
func IsSandboxSecret(secret string) bool { return strings.HasPrefix(secret, sandboxSecretPrefix) }

// HashSecret is how secrets are stored and looked up.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func validateLabel(label string) (string, error) {
	label = strings.TrimSpace(label)
	if utf8.RuneCountInString(label) > 100 {
		return "", Errorf(CodeInvalidInput, Field("label"), "must be at most 100 characters")
	}
	return label, nil
}
