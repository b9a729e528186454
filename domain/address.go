package domain

import "net/netip"

// specialPurpose are the IANA special-purpose address blocks (the IPv4 and IPv6
// Special-Purpose Address Registries) and multicast: none is a place to send a webhook.
// IPv6 outside global unicast (2000::/3) is refused as a whole, which covers the loopback,
// the unspecified address, IPv4-mapped and IPv4-compatible addresses, unique-local,
// link-local and multicast.
var specialPurpose = func() []netip.Prefix {
	var out []netip.Prefix
	for _, p := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24",
		"192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
		"224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
		"64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "2001::/23", "2001:db8::/32",
		"2002::/16", "2620:4f:8000::/48", "3fff::/20", "5f00::/16",
	} {
		out = append(out, netip.MustParsePrefix(p))
	}
	return out
}()

var globalUnicast6 = netip.MustParsePrefix("2000::/3")

// PublicAddress reports whether ip is an ordinary public unicast address: outside every
// special-purpose block, IPv4-mapped addresses judged as the IPv4 address they carry.
func PublicAddress(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.Zone() != "" || ip.Is6() && !globalUnicast6.Contains(ip) {
		return false
	}
	for _, p := range specialPurpose {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}
