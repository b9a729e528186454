package domain

import (
	"strings"
	"testing"
	"time"
)

func TestCheckLinkCode(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	l := MarketplaceLink{ID: "l1", CodeHash: HashLinkCode("l1", "123456"), CodeExpiresAt: now.Add(time.Minute)}
	for _, c := range []struct {
		name     string
		code     string
		attempts int
		at       time.Time
		want     ErrorCode
	}{
		{"right", "123456", 0, now, ""},
		{"right on the last try", "123456", MaxLinkCodeAttempts - 1, now, ""},
		{"wrong", "654321", 0, now, CodeInvalidInput},
		{"another link's code", "123457", 0, now, CodeInvalidInput},
		{"right but attempts used up", "123456", MaxLinkCodeAttempts, now, CodeInvalidState},
		{"right but expired", "123456", 0, now.Add(time.Minute), CodeInvalidState},
		{"empty", "", 0, now, CodeInvalidInput},
	} {
		l.CodeAttempts = c.attempts
		if err := CheckLinkCode(l, c.code, c.at); CodeOf(err) != c.want {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if HashLinkCode("l1", "123456") == HashLinkCode("l2", "123456") {
		t.Error("a code hash is not bound to its link")
	}
	seen := map[string]bool{}
	for range 200 {
		c := NewLinkCode()
		if len(c) != 6 || strings.Trim(c, "0123456789") != "" {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
	}
	if len(seen) < 190 {
		t.Fatalf("only %d distinct codes in 200", len(seen))
	}
}

func TestWebhookBodyCarriesALinkCode(t *testing.T) {
	t.Parallel()
	e := Event{ID: "e", Type: EventLinkConfirmationRequested, ObjectType: "MarketplaceLink", ObjectID: "l", PartnerID: "p", LinkCode: "042917"}
	if b := string(WebhookBody(e)); !strings.Contains(b, `"code":"042917"`) || strings.Contains(b, `"account"`) {
		t.Fatalf("body %s", b)
	}
	e.LinkCode = ""
	if b := string(WebhookBody(e)); strings.Contains(b, `"code"`) {
		t.Fatalf("body %s", b)
	}
}
