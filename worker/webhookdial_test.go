package worker_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kjb/kjb/worker"
)

// table is a resolver the test controls: what each host resolves to, now.
type table map[string][]netip.Addr

func (t table) LookupHost(_ context.Context, host string) ([]netip.Addr, error) {
	if addrs, ok := t[host]; ok {
		return addrs, nil
	}
	return nil, errors.New("no such host")
}

// TestWebhookSenderDialsOnlyPublicAddresses: a host that passed validation with a public
// address and later resolves to a local one (DNS rebinding), or to a mix, is never connected
// to; the receiver hears nothing.
func TestWebhookSenderDialsOnlyPublicAddresses(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	defer receiver.Close()
	port := receiver.URL[strings.LastIndex(receiver.URL, ":")+1:]
	ip := netip.MustParseAddr
	r := table{"rebind.example": {ip("127.0.0.1")}, "mixed.example": {ip("93.184.216.34"), ip("127.0.0.1")},
		"cgnat.example": {ip("100.100.100.200")}, "nat64.example": {ip("64:ff9b::7f00:1")}}
	sender := worker.HTTPSender{Resolver: r}
	for _, host := range []string{"rebind.example", "mixed.example", "cgnat.example", "nat64.example", "127.0.0.1", "[::1]", "unknown.example"} {
		code, err := sender.Send(context.Background(), "http://"+host+":"+port+"/hook", nil, []byte(`{}`))
		if err == nil || code != 0 {
			t.Errorf("%s: sent (%d)", host, code)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the local receiver got %d requests", n)
	}
	// Without a resolver (sandbox mode) local receivers are fine.
	if code, err := (worker.HTTPSender{}).Send(context.Background(), receiver.URL+"/hook", nil, []byte(`{}`)); err != nil || code != 200 || hits.Load() != 1 {
		t.Fatalf("sandbox delivery: %d %v", code, err)
	}
}
