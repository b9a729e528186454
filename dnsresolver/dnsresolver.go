// Package dnsresolver is the DNS adapter: it implements domain.Resolver with the system
// resolver (net.DefaultResolver), which reads /etc/hosts and the configured name servers.
package dnsresolver

import (
	"context"
	"net"
	"net/netip"
)

// System resolves with the operating system's configuration.
type System struct{}

// LookupHost returns the addresses host resolves to; an IP literal resolves to itself.
func (System) LookupHost(ctx context.Context, host string) ([]netip.Addr, error) {
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	for i, ip := range ips {
		ips[i] = ip.Unmap()
	}
	return ips, nil
}
