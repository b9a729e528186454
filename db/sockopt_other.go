//go:build !linux

package db

import (
	"syscall"
	"time"
)

// setUserTimeout does nothing where TCP_USER_TIMEOUT does not exist; keepalives still apply.
func setUserTimeout(time.Duration) func(network, address string, c syscall.RawConn) error {
	return nil
}
