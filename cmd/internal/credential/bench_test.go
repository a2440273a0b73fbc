package credential

import (
	"crypto/ed25519"
	"strconv"
	"testing"
	"time"
)

// reportCPU adds the process's CPU time per operation since start (run
// with -cpu 1, or other goroutines count too).
func reportCPU(b *testing.B, start time.Duration) {
	if c := cpuTime(); c > 0 && b.N > 0 {
		b.ReportMetric(float64(c-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkSignCold is a credential canonicalized and signed: what a
// build pays per credential with an empty signature cache.
func BenchmarkSignCold(b *testing.B) {
	s := &Signer{Key: testKey, VerificationMethod: testVM}
	bg := testBadge()
	start := cpuTime()
	defer func() { reportCPU(b, start) }()
	for i := 0; b.Loop(); i++ {
		bg.Holder = "Holder " + strconv.Itoa(i)
		u, err := bg.Unsigned()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Sign(u, bg.ValidFrom.Time()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignWarm is the same credential found in the cache: the JSON
// made, its hash looked up, the proof added.
func BenchmarkSignWarm(b *testing.B) {
	s := &Signer{Key: testKey, VerificationMethod: testVM, Cache: OpenCache("")}
	bg := testBadge()
	u, _ := bg.Unsigned()
	s.Sign(u, bg.ValidFrom.Time())
	start := cpuTime()
	defer func() { reportCPU(b, start) }()
	for b.Loop() {
		u, err := bg.Unsigned()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Sign(u, bg.ValidFrom.Time()); err != nil {
			b.Fatal(err)
		}
	}
	if h, _ := s.Stats(); h == 0 {
		b.Fatal("no cache hit")
	}
}

// BenchmarkEd25519Verify is what checking each cached signature would
// cost (see Cache).
func BenchmarkEd25519Verify(b *testing.B) {
	msg := make([]byte, 64)
	sig := ed25519.Sign(testKey, msg)
	pub := testKey.Public().(ed25519.PublicKey)
	start := cpuTime()
	defer func() { reportCPU(b, start) }()
	for b.Loop() {
		ed25519.Verify(pub, msg, sig)
	}
}
