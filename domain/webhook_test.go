package domain

import (
	"context"
	"errors"
	"net/netip"
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
	literal := hosts{"127.0.0.1": {"127.0.0.1"}, "localhost": {"127.0.0.1", "::1"}, "10.0.0.5": {"10.0.0.5"},
		"192.168.1.1": {"192.168.1.1"}, "::1": {"::1"}, "169.254.169.254": {"169.254.169.254"}}
	for _, u := range []string{"http://127.0.0.1/x", "http://localhost:8080/x", "http://10.0.0.5/x", "http://192.168.1.1/x", "http://[::1]/x", "http://169.254.169.254/latest"} {
		if _, err := ValidateWebhookURL(context.Background(), u, false, literal, Field("url")); CodeOf(err) != CodeInvalidInput {
			t.Errorf("%s accepted outside sandbox: %v", u, err)
		}
	}
	if _, err := ValidateWebhookURL(context.Background(), "http://127.0.0.1/x", true, nil, nil); err != nil {
		t.Errorf("sandbox refused a local receiver: %v", err)
	}
}

// hosts is a Resolver over a fixed table.
type hosts map[string][]string

func (h hosts) LookupHost(_ context.Context, host string) ([]netip.Addr, error) {
	addrs, ok := h[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	out := make([]netip.Addr, len(addrs))
	for i, a := range addrs {
		out[i] = netip.MustParseAddr(a)
	}
	return out, nil
}

func TestValidateWebhookURLResolvesOutsideSandbox(t *testing.T) {
	t.Parallel()
	r := hosts{"hooks.example": {"93.184.216.34"}, "mixed.example": {"93.184.216.34", "10.1.2.3"},
		"mapped.example": {"::ffff:127.0.0.1"}, "v6.example": {"2606:2800:220:1::1"}, "metadata.example": {"169.254.169.254"},
		"empty.example": {}, "cgnat.example": {"100.100.100.200"}, "bench.example": {"198.18.0.1"}, "doc.example": {"192.0.2.10"},
		"reserved.example": {"240.0.0.1"}, "broadcast.example": {"255.255.255.255"}, "nat64.example": {"64:ff9b::a9fe:a9fe"},
		"6to4.example": {"2002:7f00:1::1"}, "compat.example": {"::7f00:1"}}
	tests := []struct {
		url  string
		want ErrorCode // "" accepted
	}{
		{"https://hooks.example/kjb", ""},
		{"https://v6.example/kjb", ""},
		{"https://mixed.example/kjb", CodeInvalidInput},
		{"https://mapped.example/kjb", CodeInvalidInput},
		{"http://metadata.example/latest", CodeInvalidInput},
		{"https://unknown.example/kjb", CodeInvalidInput},
		{"https://empty.example/kjb", CodeInvalidInput},
		{"http://cgnat.example/latest", CodeInvalidInput},
		{"https://bench.example/kjb", CodeInvalidInput},
		{"https://doc.example/kjb", CodeInvalidInput},
		{"https://reserved.example/kjb", CodeInvalidInput},
		{"https://broadcast.example/kjb", CodeInvalidInput},
		{"https://nat64.example/kjb", CodeInvalidInput},
		{"https://6to4.example/kjb", CodeInvalidInput},
		{"https://compat.example/kjb", CodeInvalidInput},
		{"ftp://hooks.example/kjb", CodeInvalidInput},
	}
	for _, tc := range tests {
		_, err := ValidateWebhookURL(context.Background(), tc.url, false, r, Field("url"))
		if tc.want == "" && err != nil || tc.want != "" && CodeOf(err) != tc.want {
			t.Errorf("%s: %v, want %q", tc.url, err, tc.want)
		}
	}
	if _, err := ValidateWebhookURL(context.Background(), "https://unknown.example/kjb", true, r, nil); err != nil {
		t.Errorf("sandbox mode resolved the host: %v", err)
	}
	if _, err := ValidateWebhookURL(context.Background(), "https://hooks.example/kjb", false, nil, nil); CodeOf(err) != CodeInternal {
		t.Errorf("no resolver outside sandbox: %v", err)
	}
}
