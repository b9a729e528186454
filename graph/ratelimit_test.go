package graph_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/kjb/kjb/graph"
	. "github.com/kjb/kjb/internal/apitest"
)

// TestRateLimitOverWebsocket: operations over one socket count against the key's limit.
func TestRateLimitOverWebsocket(t *testing.T) {
	t.Parallel()
	e := New(t, Options{Server: func(c *graph.ServerConfig) { c.RatePerSecond, c.RateBurst = 0.5, 5 }})
	sub, err := e.Dial(e.Server, e.Operator)
	if err != nil {
		t.Fatal(err)
	}
	const n = 50
	for i := range n {
		if err := sub.Send(fmt.Sprint("q", i), `{ viewer { role } }`); err != nil {
			t.Fatal(err)
		}
	}
	ok, limited := 0, 0
	for done := 0; done < n; {
		typ, _, payload, err := sub.Read()
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case typ == "complete":
			done++
		case strings.Contains(string(payload), "RATE_LIMITED"):
			limited++
		case strings.Contains(string(payload), "OPERATOR"):
			ok++
		}
	}
	if limited == 0 || ok > 6 {
		t.Fatalf("%d answered, %d limited", ok, limited)
	}
	// The same key over HTTP shares the exhausted bucket.
	if r := e.Do(e.Operator, `{ viewer { role } }`, nil); r.Code() != "RATE_LIMITED" {
		t.Fatalf("HTTP after the socket used the budget: %s", r.Raw)
	}
}

// TestFailedAuthenticationsAreLimitedPerAddress: after a few wrong keys from one address, that
// address waits, even with a good key, over HTTP and over WebSocket.
func TestFailedAuthenticationsAreLimitedPerAddress(t *testing.T) {
	t.Parallel()
	e := New(t, Options{Server: func(c *graph.ServerConfig) { c.AuthFailuresPerMinute, c.AuthFailureBurst = 1, 3 }})
	for i := range 3 {
		if r := e.Do(fmt.Sprint("kjb_test_wrong", i), `{ viewer { role } }`, nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("wrong key %d: %d %s", i, r.Status, r.Raw)
		}
	}
	r := e.Do(e.Operator, `{ viewer { role } }`, nil)
	if r.Status != http.StatusTooManyRequests || r.Code() != "RATE_LIMITED" {
		t.Fatalf("after 3 failures: %d %s", r.Status, r.Raw)
	}
	if _, err := e.Dial(e.Server, "kjb_test_wrong"); CloseStatus(err) != 4429 {
		t.Fatalf("a socket after 3 failures: %v", err)
	}
	if r := e.Do("", `{ viewer { role } }`, nil); r.Status != http.StatusOK {
		t.Fatalf("anonymous requests were refused too: %d %s", r.Status, r.Raw)
	}
}

// TestClientAddressBehindATrustedProxy: behind a trusted load balancer each client is counted
// by its X-Forwarded-For address, so one client's failed authentications do not lock out
// another; from an untrusted peer the header is ignored.
func TestClientAddressBehindATrustedProxy(t *testing.T) {
	t.Parallel()
	for _, trusted := range []bool{true, false} {
		e := New(t, Options{Server: func(c *graph.ServerConfig) {
			c.AuthFailuresPerMinute, c.AuthFailureBurst = 1, 2
			if trusted {
				c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("10.0.0.0/8")}
			}
		}})
		do := func(key, forwardedFor string) int {
			req, _ := http.NewRequest(http.MethodPost, e.Server.URL+"/query", strings.NewReader(`{"query":"{ viewer { role } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("X-Forwarded-For", forwardedFor)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		for range 2 {
			if s := do("kjb_test_wrong", "203.0.113.7, 10.0.0.1"); s != http.StatusUnauthorized {
				t.Fatalf("trusted %v: a wrong key answered %d", trusted, s)
			}
		}
		if s := do("kjb_test_wrong", "203.0.113.7"); s != http.StatusTooManyRequests {
			t.Fatalf("trusted %v: the third wrong key answered %d", trusted, s)
		}
		want := http.StatusOK
		if !trusted {
			want = http.StatusTooManyRequests // every client is the same peer
		}
		if s := do(e.Operator, "198.51.100.9"); s != want {
			t.Fatalf("trusted %v: another client's good key answered %d, want %d", trusted, s, want)
		}
	}
}
