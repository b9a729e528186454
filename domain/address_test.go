package domain

import (
	"net/netip"
	"testing"
)

func TestPublicAddress(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		ip     string
		public bool
	}{
		{"93.184.216.34", true}, {"8.8.8.8", true}, {"2606:2800:220:1::1", true}, {"::ffff:93.184.216.34", true},
		{"100.64.0.1", false}, {"100.100.100.200", false}, {"198.18.0.1", false}, {"198.19.255.255", false},
		{"192.0.2.1", false}, {"198.51.100.7", false}, {"203.0.113.9", false}, {"240.0.0.1", false},
		{"255.255.255.255", false}, {"224.0.0.1", false}, {"0.1.2.3", false}, {"127.0.0.1", false},
		{"10.1.2.3", false}, {"172.16.0.1", false}, {"192.168.1.1", false}, {"169.254.169.254", false},
		{"192.0.0.8", false}, {"192.88.99.1", false},
		{"64:ff9b::a9fe:a9fe", false}, {"64:ff9b:1::1", false}, {"2002:a9fe:a9fe::1", false}, {"::a9fe:a9fe", false},
		{"::ffff:127.0.0.1", false}, {"::1", false}, {"::", false}, {"fc00::1", false}, {"fd12::1", false},
		{"fe80::1", false}, {"ff02::1", false}, {"2001:db8::1", false}, {"2001::1", false}, {"100::1", false},
		{"3fff::1", false}, {"5f00::1", false},
	} {
		if got := PublicAddress(netip.MustParseAddr(c.ip)); got != c.public {
			t.Errorf("%s: public %v, want %v", c.ip, got, c.public)
		}
	}
}
