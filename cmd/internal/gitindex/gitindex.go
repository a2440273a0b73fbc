// Package gitindex reads git's index (.git/index) of the worktree that
// holds a program, for one question: what a file on disk holds, by its
// blob id, without reading it.
//
// In: the program root. Out: for a file of the root and its Lstat, the
// blob id the index records for it, when the index's record of the file
// (its size, times, inode, device, owner and mode) is the file's as it
// is now and the file is older than the index (Index.Blob). That is git's
// own rule (git status and git diff trust it the same way): the record
// was taken after the file was last written, and any write since would
// have given the file another time.
//
// A fresh clone or checkout (CI) has new times on every file, so the
// decode cache's own record of a file's size and time never matches
// there, and every file was read again to find its entry. git's index
// was written by that checkout and names the blob of each file: the
// cache finds the entry by that name instead (package load).
//
// The index is parsed here rather than by go-git's decoder, which takes
// 0.2-0.4 s for 110,000 entries (it reads each field through reflection)
// against a few hundredths; a differential test and a fuzz target hold
// the two to the same entries. Versions 2, 3 and 4 are read; an index
// with an extension git requires to be understood (a split index's
// "link", a sparse index's "sdir"), a trailing checksum that does not
// match (including index.skipHash's zero one) or any damage is refused:
// the files are then read, as without an index. So is an index of a
// repository where git may convert files on their way between the
// worktree and their blobs (line endings, filters such as git-crypt's
// or Git LFS's: convert.go), where a blob id does not name the bytes on
// disk.
package gitindex

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Entry is one record of the index.
type Entry struct {
	Name         string // the path from the worktree's top, with slashes
	Ctime, Mtime time.Time
	Dev, Ino     uint32
	Mode         uint32
	UID, GID     uint32
	Size         uint32
	Blob         [20]byte
	Stage        int
	AssumeValid  bool
	SkipWorktree bool
	IntentToAdd  bool
}

// Index is the entries of one index file below a folder of its worktree.
type Index struct {
	entries []Entry   // sorted by Name, then Stage; Name relative to the folder
	mtime   time.Time // the index file's modification time
}

// Flags of an entry (git's Documentation/gitformat-index.txt).
const (
	flagAssumeValid  = 0x8000
	flagExtended     = 0x4000
	flagStage        = 0x3000
	flagNameMask     = 0x0fff
	flagSkipWorktree = 0x4000 // in the extended flags
	flagIntentToAdd  = 0x2000
)

// maxSize bounds the index read: git's own for 10 million files is about
// a gigabyte.
const maxSize = 1 << 30

// Open finds the git worktree that holds root and reads its index, keeping
// the entries below root. It returns nil and no error when root is in no
// worktree, and an error for an index it cannot read or vouch for.
func Open(root string) (*Index, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	top, gitdir, err := findGitDir(abs)
	if err != nil || gitdir == "" {
		return nil, err
	}
	prefix, err := filepath.Rel(top, abs)
	if err != nil {
		return nil, err
	}
	prefix = filepath.ToSlash(prefix)
	if prefix == "." {
		prefix = ""
	} else {
		prefix += "/"
	}
	path := filepath.Join(gitdir, "index")
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // a repository with nothing added yet
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The time of the file read, not of a path that may be replaced
	// meanwhile: git writes an index whole and renames it in.
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxSize {
		return nil, fmt.Errorf("%s: not a regular file of at most 1 GiB", path)
	}
	data := make([]byte, fi.Size())
	if _, err := f.ReadAt(data, 0); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	entries, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if err := convertible(top, gitdir, strings.TrimSuffix(prefix, "/"), entries); err != nil {
		return nil, err
	}
	return &Index{entries: below(entries, prefix), mtime: fi.ModTime()}, nil
}

// findGitDir walks up from dir to the top of its worktree: the first
// folder with a .git folder, or a .git file naming the git directory
// (a linked worktree's or a submodule's). gitdir is "" when there is
// none, or when the first .git met is anything else (a link is not
// followed).
func findGitDir(dir string) (top, gitdir string, err error) {
	for {
		p := filepath.Join(dir, ".git")
		fi, err := os.Lstat(p)
		switch {
		case err == nil && fi.IsDir():
			return dir, p, nil
		case err == nil && fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return "", "", err
			}
			s, ok := strings.CutPrefix(strings.TrimRight(string(b), "\r\n"), "gitdir: ")
			if !ok || s == "" {
				return "", "", fmt.Errorf("%s: not a gitdir file", p)
			}
			if !filepath.IsAbs(s) {
				s = filepath.Join(dir, s)
			}
			return dir, s, nil
		case err == nil:
			// A link or anything else named .git: not followed, and no
			// folder above stands for this one.
			return "", "", nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", "", err
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", "", nil
		}
		dir = up
	}
}

// below keeps the entries under prefix, with it cut off their names.
func below(entries []Entry, prefix string) []Entry {
	if prefix == "" {
		return entries
	}
	i := sort.Search(len(entries), func(i int) bool { return entries[i].Name >= prefix })
	j := i
	for j < len(entries) && strings.HasPrefix(entries[j].Name, prefix) {
		entries[j].Name = entries[j].Name[len(prefix):]
		j++
	}
	return entries[i:j]
}

// Parse reads an index file: its entries in the file's order. It checks
// the trailing checksum and refuses extensions it must understand and
// does not.
func Parse(data []byte) ([]Entry, error) {
	const (
		headerLen = 12
		sumLen    = sha1.Size
		fixedLen  = 62 // an entry up to its flags
	)
	if len(data) < headerLen+sumLen || string(data[:4]) != "DIRC" {
		return nil, errors.New("not a git index")
	}
	body := data[:len(data)-sumLen]
	if sum := sha1.Sum(body); !bytes.Equal(sum[:], data[len(body):]) {
		return nil, errors.New("checksum mismatch")
	}
	version := binary.BigEndian.Uint32(data[4:])
	if version < 2 || version > 4 {
		return nil, fmt.Errorf("index version %d", version)
	}
	n := binary.BigEndian.Uint32(data[8:])
	// Each entry takes at least fixedLen+1 bytes: a count past that is
	// damage, not a reason to allocate.
	if uint64(n) > uint64(len(body)-headerLen)/(fixedLen+1) {
		return nil, errors.New("entry count past the file's end")
	}
	// One string for every name of a version 2 or 3 index: the names
	// are its substrings.
	text := string(body)
	entries := make([]Entry, 0, n)
	pos := headerLen
	prev := ""
	for range n {
		if len(body)-pos < fixedLen {
			return nil, errors.New("entry past the file's end")
		}
		b := body[pos:]
		e := Entry{
			Ctime: time.Unix(int64(binary.BigEndian.Uint32(b[0:])), int64(binary.BigEndian.Uint32(b[4:]))),
			Mtime: time.Unix(int64(binary.BigEndian.Uint32(b[8:])), int64(binary.BigEndian.Uint32(b[12:]))),
			Dev:   binary.BigEndian.Uint32(b[16:]),
			Ino:   binary.BigEndian.Uint32(b[20:]),
			Mode:  binary.BigEndian.Uint32(b[24:]),
			UID:   binary.BigEndian.Uint32(b[28:]),
			GID:   binary.BigEndian.Uint32(b[32:]),
			Size:  binary.BigEndian.Uint32(b[36:]),
		}
		copy(e.Blob[:], b[40:60])
		flags := binary.BigEndian.Uint16(b[60:])
		e.Stage = int(flags&flagStage) >> 12
		e.AssumeValid = flags&flagAssumeValid != 0
		at := pos + fixedLen
		if flags&flagExtended != 0 {
			if version < 3 {
				return nil, errors.New("extended flags in a version 2 index")
			}
			if len(body)-at < 2 {
				return nil, errors.New("entry past the file's end")
			}
			ext := binary.BigEndian.Uint16(body[at:])
			e.SkipWorktree = ext&flagSkipWorktree != 0
			e.IntentToAdd = ext&flagIntentToAdd != 0
			at += 2
		}
		if version == 4 {
			cut, w := varint(body[at:])
			if w == 0 || cut > uint64(len(prev)) {
				return nil, errors.New("bad path prefix")
			}
			at += w
			end := bytes.IndexByte(body[at:], 0)
			if end < 0 {
				return nil, errors.New("path past the file's end")
			}
			e.Name = prev[:len(prev)-int(cut)] + text[at:at+end]
			pos = at + end + 1
		} else {
			end := bytes.IndexByte(body[at:], 0)
			if end < 0 {
				return nil, errors.New("path past the file's end")
			}
			if l := int(flags & flagNameMask); l < flagNameMask && l != end {
				return nil, errors.New("path length does not match its flags")
			}
			e.Name = text[at : at+end]
			// Padded with 1 to 8 NULs to a multiple of 8 bytes from
			// the entry's start.
			size := (at - pos + end + 8) &^ 7
			if len(body)-pos < size {
				return nil, errors.New("entry past the file's end")
			}
			for _, c := range body[at+end : pos+size] {
				if c != 0 {
					return nil, errors.New("bad entry padding")
				}
			}
			pos += size
		}
		if e.Name == "" || len(entries) > 0 && !ordered(&entries[len(entries)-1], &e) {
			return nil, errors.New("entries out of order")
		}
		prev = e.Name
		entries = append(entries, e)
	}
	// Extensions: a signature, a length and that many bytes each.
	for pos < len(body) {
		if len(body)-pos < 8 {
			return nil, errors.New("extension past the file's end")
		}
		sig := body[pos : pos+4]
		size := uint64(binary.BigEndian.Uint32(body[pos+4:]))
		if size > uint64(len(body)-pos-8) {
			return nil, errors.New("extension past the file's end")
		}
		if sig[0] < 'A' || sig[0] > 'Z' {
			return nil, fmt.Errorf("extension %q is not supported", sig)
		}
		pos += 8 + int(size)
	}
	return entries, nil
}

// ordered reports whether b may follow a in an index: by name, then by
// stage.
func ordered(a, b *Entry) bool {
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c < 0
	}
	return a.Stage < b.Stage
}

// varint decodes git's offset encoding (varint.c): w is 0 when it is
// damaged.
func varint(b []byte) (v uint64, w int) {
	if len(b) == 0 {
		return 0, 0
	}
	c := b[0]
	v = uint64(c & 127)
	w = 1
	for c&128 != 0 {
		v++
		if v == 0 || v>>57 != 0 || w >= len(b) {
			return 0, 0
		}
		c = b[w]
		w++
		v = v<<7 | uint64(c&127)
	}
	return v, w
}

// Blob returns the blob id the index records for the file rel (slashed,
// relative to the root Open was given), when that record is the file's
// as fi (its Lstat) describes it now: ok is false for a file the index
// does not track at stage 0, or tracks as other than a regular file, or
// whose size, times, inode, device, owner or mode differ from the
// record, or which is not older than the index (git's racy case: a
// second write within the same clock tick would leave its times as the
// record has them).
func (x *Index) Blob(rel string, fi fs.FileInfo) (id [20]byte, ok bool) {
	if x == nil || !fi.Mode().IsRegular() {
		return id, false
	}
	i := sort.Search(len(x.entries), func(i int) bool { return x.entries[i].Name >= rel })
	if i == len(x.entries) || x.entries[i].Name != rel {
		return id, false
	}
	e := &x.entries[i]
	if e.Stage != 0 || i+1 < len(x.entries) && x.entries[i+1].Name == rel ||
		e.SkipWorktree || e.IntentToAdd || (e.Mode != 0o100644 && e.Mode != 0o100755) {
		return id, false
	}
	st, ok := statOf(fi)
	if !ok || !st.Mtime.Before(x.mtime) || !matches(e, st) {
		return id, false
	}
	return e.Blob, true
}

// stat is what the index records of a file.
type stat struct {
	Ctime, Mtime time.Time
	Dev, Ino     uint64
	Mode         uint32
	UID, GID     uint32
	Size         int64
}

// matches reports whether e records the file st describes; git keeps the
// low 32 bits of each number.
func matches(e *Entry, st stat) bool {
	exec := st.Mode&0o100 != 0
	return e.Ctime.Equal(st.Ctime) && e.Mtime.Equal(st.Mtime) &&
		e.Dev == uint32(st.Dev) && e.Ino == uint32(st.Ino) &&
		e.UID == st.UID && e.GID == st.GID &&
		e.Size == uint32(st.Size) && (e.Mode == 0o100755) == exec
}
