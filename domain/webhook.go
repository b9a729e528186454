package domain

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// WebhookEndpoint is where a partner receives events.
type WebhookEndpoint struct {
	ID                string
	PartnerID         string
	URL               string
	Types             []string // empty: every type
	Secret            string   // signs deliveries; shown once
	PreviousSecret    string   // still signs for 24h after a rotation
	PreviousExpiresAt *time.Time
	CreatedAt         time.Time
}

// SigningSecrets are the secrets valid at now (the current one first).
func (w WebhookEndpoint) SigningSecrets(now time.Time) []string {
	out := []string{w.Secret}
	if w.PreviousSecret != "" && w.PreviousExpiresAt != nil && now.Before(*w.PreviousExpiresAt) {
		out = append(out, w.PreviousSecret)
	}
	return out
}

// WebhookDelivery is one attempt to deliver an event.
type WebhookDelivery struct {
	ID          string
	EndpointID  string
	EventID     string
	EventType   string
	Attempt     int
	StatusCode  int
	Duration    time.Duration
	Error       string
	NextRetryAt *time.Time
	CreatedAt   time.Time
}

// Succeeded reports a 2xx answer.
func (d WebhookDelivery) Succeeded() bool { return d.StatusCode >= 200 && d.StatusCode < 300 }

// WebhookSender posts a signed delivery (an adapter: net/http in the worker).
type WebhookSender interface {
	Send(ctx context.Context, url string, headers map[string]string, body []byte) (status int, err error)
}

// NewWebhookSecret returns a fresh signing secret.
func NewWebhookSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

// SignWebhook returns the KJB-Signature header: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">,
// one v1 per valid secret.
func SignWebhook(body []byte, at time.Time, secrets []string) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	parts := []string{"t=" + ts}
	for _, s := range secrets {
		m := hmac.New(sha256.New, []byte(s))
		m.Write([]byte(ts + "."))
		m.Write(body)
		parts = append(parts, "v1="+hex.EncodeToString(m.Sum(nil)))
	}
	return strings.Join(parts, ",")
}

// VerifyWebhook checks a KJB-Signature header against a secret, refusing timestamps older than
// tolerance. Receivers use the same rule (documented in the README).
func VerifyWebhook(header string, body []byte, secret string, now time.Time, tolerance time.Duration) bool {
	var ts string
	var sigs []string
	for _, p := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return false
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(sec, 0)).Abs() > tolerance {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	want := hex.EncodeToString(m.Sum(nil))
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			return true
		}
	}
	return false
}

// WebhookBackoff is the wait before retrying a failed delivery: 10s doubling to 6h, so the
// MaxWebhookAttempts span about three days.
func WebhookBackoff(attempt int, base time.Duration) time.Duration {
	if base <= 0 {
		base = 10 * time.Second
	}
	d := base
	for i := 1; i < attempt && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// MaxWebhookAttempts bounds retries (about three days with WebhookBackoff).
const MaxWebhookAttempts = 22

// ValidateWebhookURL accepts http(s) URLs; outside sandbox mode a host that does not resolve
// (with r) or resolves to any address that is not PublicAddress is refused (the sender checks
// the address it dials again, so a name that resolves differently later gains nothing).
// INVALID_INPUT naming field; INTERNAL when outside sandbox mode no resolver is configured.
func ValidateWebhookURL(ctx context.Context, raw string, sandbox bool, r Resolver, field []string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > 2000 || u.User != nil {
		return "", Errorf(CodeInvalidInput, field, "must be an http or https URL without credentials")
	}
	if sandbox {
		return u.String(), nil
	}
	if r == nil {
		return "", Errorf(CodeInternal, nil, "no resolver configured to check webhook hosts")
	}
	ips, err := r.LookupHost(ctx, u.Hostname())
	if err != nil || len(ips) == 0 {
		return "", Errorf(CodeInvalidInput, field, "host %q does not resolve", clip(u.Hostname()))
	}
	for _, ip := range ips {
		if !PublicAddress(ip) {
			return "", Errorf(CodeInvalidInput, field, "resolves to a non-public address (%s)", ip)
		}
	}
	return u.String(), nil
}

// WebhookBody is the JSON posted for an event.
func WebhookBody(e Event) []byte {
	code := ""
	if e.LinkCode != "" {
		code = fmt.Sprintf(`,"code":%q`, e.LinkCode)
	}
	return []byte(fmt.Sprintf(`{"id":%q,"type":%q,"occurredAt":%q,"data":{"object":{"type":%q,"id":%q}%s%s%s%s}}`,
		GlobalID("Event", e.ID), e.Type, e.OccurredAt.UTC().Format(time.RFC3339Nano), e.ObjectType, GlobalID(e.ObjectType, e.ObjectID),
		optionalField("account", "Account", e.AccountID), optionalField("partner", "Partner", e.PartnerID), optionalField("payment", "Payment", e.PaymentID), code))
}

func optionalField(name, typ, id string) string {
	if id == "" {
		return ""
	}
	return fmt.Sprintf(`,%q:%q`, name, GlobalID(typ, id))
}
