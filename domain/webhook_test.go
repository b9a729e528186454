package domain

import (
	"strings"
	"testing"
	"time"
)

// FuzzVerifyWebhook: a genuine signature always verifies, and a header verifies only if it
// carries the genuine HMAC of this body with this secret.
func FuzzVerifyWebhook(f *testing.F) {
	f.Add("t=1700000000,v1=00", []byte("{}"), "whsec_x")
	f.Add("", []byte(""), "")
	f.Add("t=,v1=", []byte("x"), "s")
	now := time.Unix(1700000000, 0)
	f.Fuzz(func(t *testing.T, header string, body []byte, secret string) {
		genuine := SignWebhook(body, now, []string{secret})
		if !VerifyWebhook(genuine, body, secret, now, 0) {
			t.Fatalf("a genuine signature failed: %q", genuine)
		}
		if VerifyWebhook(header, body, secret, now, 0) {
			_, mac, _ := strings.Cut(genuine, "v1=")
			if !strings.Contains(header, "v1="+mac) {
				t.Fatalf("%q verified without the genuine signature", header)
			}
		}
	})
}
