package domain

import (
	"context"
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

func TestWebhookURLsOutsideSandbox(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://127.0.0.1/x", "http://localhost:8080/x", "http://10.0.0.5/x", "http://192.168.1.1/x", "http://[::1]/x", "http://169.254.169.254/latest"} {
		if _, err := ValidateWebhookURL(context.Background(), u, false, Field("url")); CodeOf(err) != CodeInvalidInput {
			t.Errorf("%s accepted outside sandbox: %v", u, err)
		}
	}
	if _, err := ValidateWebhookURL(context.Background(), "http://127.0.0.1/x", true, nil); err != nil {
		t.Errorf("sandbox refused a local receiver: %v", err)
	}
}
