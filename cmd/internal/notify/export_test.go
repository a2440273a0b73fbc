package notify

import (
	"crypto/x509"
	"testing"
	"time"
)

// TrustForTest makes Dial trust roots (a test server's self-signed
// certificate) instead of the system's until the test ends.
func TrustForTest(t testing.TB, roots *x509.CertPool) {
	testRoots = roots
	t.Cleanup(func() { testRoots = nil })
}

// ClockForTest fixes the clock of the Date header until the test ends.
func ClockForTest(t testing.TB, at time.Time) {
	now = func() time.Time { return at }
	t.Cleanup(func() { now = time.Now })
}
