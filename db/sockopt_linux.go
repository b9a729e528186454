package db

import (
	"syscall"
	"time"
)

// tcpUserTimeoutOpt is TCP_USER_TIMEOUT (linux/tcp.h), which package syscall does not name.
const tcpUserTimeoutOpt = 0x12

// setUserTimeout makes the kernel fail a connection whose sent data stays unacknowledged for d.
func setUserTimeout(d time.Duration) func(network, address string, c syscall.RawConn) error {
	return func(network, _ string, c syscall.RawConn) error {
		if network != "tcp" && network != "tcp4" && network != "tcp6" {
			return nil
		}
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, tcpUserTimeoutOpt, int(d.Milliseconds()))
		})
		if err != nil {
			return err
		}
		return serr
	}
}
