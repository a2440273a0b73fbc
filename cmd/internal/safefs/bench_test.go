//go:build unix

package safefs

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkTree reads every file of a program as the loader does (list a
// folder, read each regular file in it, go down into each folder),
// through safefs and through plain os.ReadDir and os.ReadFile: the
// boundary's own cost, without decoding. The program is
// $ACCREDIT_BENCH_ROOT (e.g. /tmp/big, written by cmd/genprogram), or
// this repository's example.
//
//	ACCREDIT_BENCH_ROOT=/tmp/big go test ./cmd/internal/safefs -run X -bench Tree -benchtime 3x -count 5
func BenchmarkTree(b *testing.B) {
	root := os.Getenv("ACCREDIT_BENCH_ROOT")
	if root == "" {
		root = "../../.."
	}
	files, bytes := 0, 0
	walkOS(root, ".", func(data []byte) { files++; bytes += len(data) })
	b.Logf("%s: %d files, %d bytes", root, files, bytes)
	b.Run("os", func(b *testing.B) {
		defer cpu(b)()
		for b.Loop() {
			walkOS(root, ".", func([]byte) {})
		}
	})
	b.Run("safefs", func(b *testing.B) {
		defer cpu(b)()
		for b.Loop() {
			d, err := Open(root)
			if err != nil {
				b.Fatal(err)
			}
			walkDir(b, d, ".")
			d.Close()
		}
	})
	b.Run("safefs-portable", func(b *testing.B) {
		defer cpu(b)()
		for b.Loop() {
			d, err := Open(root)
			if err != nil {
				b.Fatal(err)
			}
			d.closeFast()
			walkDir(b, d, ".")
			d.Close()
		}
	})
}

// cpu reports the process's CPU time (user+sys) per op, which moves
// less than wall time on a machine shared with other work.
func cpu(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkList is BenchmarkTree without the reads: what a warm check,
// whose decode cache spares it the reads, pays for its listings. Each
// regular file is described (Lstat) as the cache asks.
func BenchmarkList(b *testing.B) {
	root := os.Getenv("ACCREDIT_BENCH_ROOT")
	if root == "" {
		root = "../../.."
	}
	b.Run("os", func(b *testing.B) {
		defer cpu(b)()
		for b.Loop() {
			listOS(b, root, ".")
		}
	})
	b.Run("safefs", func(b *testing.B) {
		defer cpu(b)()
		for b.Loop() {
			d, err := Open(root)
			if err != nil {
				b.Fatal(err)
			}
			listDir(b, d, ".")
			d.Close()
		}
	})
}

func listOS(b *testing.B, root, dir string) {
	es, _ := os.ReadDir(filepath.Join(root, dir))
	for _, e := range es {
		switch rel := relPath(dir, e.Name()); {
		case strings.HasPrefix(e.Name(), "."):
		case e.IsDir():
			listOS(b, root, rel)
		case e.Type().IsRegular():
			if _, err := os.Lstat(filepath.Join(root, rel)); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func listDir(b *testing.B, d *Dir, dir string) {
	es, err := d.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range es {
		switch rel := relPath(dir, e.Name()); {
		case strings.HasPrefix(e.Name(), "."):
		case e.IsDir():
			listDir(b, d, rel)
		case e.Type().IsRegular():
			if _, err := e.Info(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func walkOS(root, dir string, read func([]byte)) {
	es, _ := os.ReadDir(filepath.Join(root, dir))
	for _, e := range es {
		switch rel := relPath(dir, e.Name()); {
		case strings.HasPrefix(e.Name(), "."):
		case e.IsDir():
			walkOS(root, rel, read)
		case e.Type().IsRegular():
			data, err := os.ReadFile(filepath.Join(root, rel))
			if err == nil {
				read(data)
			}
		}
	}
}

func walkDir(b *testing.B, d *Dir, dir string) {
	es, err := d.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range es {
		switch rel := relPath(dir, e.Name()); {
		case strings.HasPrefix(e.Name(), "."):
		case e.IsDir():
			walkDir(b, d, rel)
		case e.Type().IsRegular():
			if _, _, err := ReadListed(d, rel, e, DefaultLimit); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func relPath(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}

var _ fs.ReadDirFS = (*Dir)(nil)
