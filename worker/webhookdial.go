package worker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"github.com/kjb/kjb/domain"
)

// publicOnlyClient is the webhook HTTP client outside sandbox mode: it resolves hosts with r,
// refuses a host with any address that is not domain.PublicAddress, dials the checked address
// itself (no second lookup that DNS rebinding could answer differently), checks the connected
// address again, uses no proxy and follows no redirect.
func publicOnlyClient(r domain.Resolver) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: refuseNonPublic}
	transport := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			ips, err := r.LookupHost(ctx, host)
			if err != nil {
				return nil, err
			}
			if len(ips) == 0 {
				return nil, fmt.Errorf("webhook host %q does not resolve", host)
			}
			for _, ip := range ips {
				if !domain.PublicAddress(ip) {
					return nil, fmt.Errorf("webhook host %q resolves to a non-public address (%s)", host, ip)
				}
			}
			var last error
			for _, ip := range ips {
				conn, err := dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
				if err == nil {
					return conn, nil
				}
				last = err
			}
			return nil, last
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{Transport: transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var errNonPublic = errors.New("refusing to connect to a non-public address")

// refuseNonPublic runs just before each connect, with the address actually dialled.
func refuseNonPublic(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !domain.PublicAddress(ap.Addr()) {
		return fmt.Errorf("%w (%s)", errNonPublic, address)
	}
	return nil
}
