package dnsresolver_test

import (
	"context"
	"net/netip"
	"testing"

	"github.com/kjb/kjb/dnsresolver"
	"github.com/kjb/kjb/domain"
)

var _ domain.Resolver = dnsresolver.System{}

func TestSystemLookupHost(t *testing.T) {
	t.Parallel()
	ips, err := dnsresolver.System{}.LookupHost(context.Background(), "10.0.0.5")
	if err != nil || len(ips) != 1 || ips[0] != netip.MustParseAddr("10.0.0.5") {
		t.Fatalf("an IP literal resolved to %v (%v)", ips, err)
	}
	ips, err = dnsresolver.System{}.LookupHost(context.Background(), "localhost")
	if err != nil || len(ips) == 0 {
		t.Fatalf("localhost: %v (%v)", ips, err)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			t.Errorf("localhost resolved to %s", ip)
		}
	}
	if _, err := (dnsresolver.System{}).LookupHost(context.Background(), "no-such-host.invalid"); err == nil {
		t.Error("an .invalid name resolved")
	}
}
