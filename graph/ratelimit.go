package graph

import (
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rateLimiter is a token bucket per key, in process memory: with N API processes behind a
// load balancer a key gets up to N times the rate, which is the usual trade for not putting a
// shared store in every request's path.
type rateLimiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

const maxBuckets = 100_000

func newRateLimiter(perSecond float64, burst int) *rateLimiter {
	return &rateLimiter{rate: perSecond, burst: float64(burst), buckets: map[string]*bucket{}, now: time.Now}
}

// allow takes a token for key; when none is left it returns the seconds to wait.
func (l *rateLimiter) allow(key string) (retryAfter string, ok bool) {
	if l == nil || l.rate <= 0 {
		return "", true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.buckets = map[string]*bucket{} // bounded memory; forgetting is generous, never unfair
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return "", true
	}
	wait := math.Ceil((1 - b.tokens) / l.rate)
	return strconv.Itoa(int(math.Max(1, wait))), false
}

// exhausted reports whether key has no token left, without taking one; the seconds to wait
// when so.
func (l *rateLimiter) exhausted(key string) (retryAfter string, empty bool) {
	if l == nil || l.rate <= 0 {
		return "", false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		return "", false
	}
	tokens := math.Min(l.burst, b.tokens+l.now().Sub(b.last).Seconds()*l.rate)
	if tokens >= 1 {
		return "", false
	}
	return strconv.Itoa(int(math.Max(1, math.Ceil((1-tokens)/l.rate)))), true
}

// clientAddr is the address a request came from: the connection's peer, or, when that peer
// is a trusted proxy (a load balancer), the nearest address in X-Forwarded-For that is not
// one, so that clients behind one balancer are told apart.
func clientAddr(r *http.Request, trusted []netip.Prefix) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	addr := peer.Addr().Unmap()
	if !trustedProxy(addr, trusted) {
		return addr.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: trust nothing further left
		}
		if addr = hop.Unmap(); !trustedProxy(addr, trusted) {
			break
		}
	}
	return addr.String()
}

func trustedProxy(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
