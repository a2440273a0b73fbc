package history

import (
	"bytes"
	"errors"
	"strconv"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

var errBadCommit = errors.New("malformed commit object")

// parseCommit reads the headers a walk needs from a commit object: its
// tree, parents and author. go-git's decoder does more (message,
// signature, encoding) and costs as much as the rest of a walk's step.
// Only the canonical layout that git writes is read ("tree", "parent"
// lines, "author", in that order); anything else is errBadCommit, and
// go-git decodes it instead.
func parseCommit(h plumbing.Hash, b []byte) (tree plumbing.Hash, parents []plumbing.Hash, who *Commit, err error) {
	line := func() []byte {
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			l := b
			b = nil
			return l
		}
		l := b[:nl]
		b = b[nl+1:]
		return l
	}
	val, ok := bytes.CutPrefix(line(), []byte("tree "))
	if !ok {
		return tree, nil, nil, errBadCommit
	}
	if tree, err = hexHash(val); err != nil {
		return
	}
	for {
		l := line()
		if val, ok := bytes.CutPrefix(l, []byte("parent ")); ok {
			var p plumbing.Hash
			if p, err = hexHash(val); err != nil {
				return
			}
			parents = append(parents, p)
			continue
		}
		val, ok := bytes.CutPrefix(l, []byte("author "))
		if !ok {
			return tree, parents, nil, errBadCommit
		}
		who, err = signature(h, val)
		return
	}
}

func hexHash(b []byte) (plumbing.Hash, error) {
	if len(b) != 40 {
		return plumbing.ZeroHash, errBadCommit
	}
	var h plumbing.Hash
	for i := 0; i < 20; i++ {
		hi, lo := unhex(b[2*i]), unhex(b[2*i+1])
		if hi > 15 || lo > 15 {
			return plumbing.ZeroHash, errBadCommit
		}
		h[i] = hi<<4 | lo
	}
	return h, nil
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 255
}

// signature reads "Name <email> 1700000000 +0100".
func signature(h plumbing.Hash, b []byte) (*Commit, error) {
	open := bytes.LastIndexByte(b, '<')
	end := bytes.LastIndexByte(b, '>')
	if open < 0 || end < open {
		return nil, errBadCommit
	}
	c := &Commit{Hash: h, Author: string(bytes.TrimSpace(b[:open])), Email: string(b[open+1 : end])}
	rest := bytes.Fields(b[end+1:])
	if len(rest) >= 1 {
		sec, err := strconv.ParseInt(string(rest[0]), 10, 64)
		if err != nil {
			return nil, errBadCommit
		}
		c.When = time.Unix(sec, 0).UTC()
	}
	return c, nil
}
