package search

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/accredit/accredit/cmd/internal/site"
)

// Client is the JavaScript module that queries the exported index,
// written as search/accredit-search.js beside it: clientSource without
// its comments, which are a third of its bytes over the wire (the API is
// described in content/docs/search.md). It is made on first use: every
// command links this package, and only a build writes the module.
var Client = sync.OnceValue(func() []byte { return stripComments(clientSource) })

//go:embed client/accredit-search.js
var clientSource []byte

// stripComments removes the lines of a JavaScript source that are only a
// comment: // lines, and /* */ blocks that begin and end a line. The
// client has no template literal over several lines, so every such line
// is a comment in JavaScript too. The first line stays, to say what the
// file is.
func stripComments(src []byte) []byte {
	lines := bytes.SplitAfter(src, []byte("\n"))
	out := make([]byte, 0, len(src))
	block := false
	for i, l := range lines {
		t := bytes.TrimSpace(l)
		switch {
		case i == 0:
		case block:
			block = !bytes.HasSuffix(t, []byte("*/"))
			continue
		case bytes.HasPrefix(t, []byte("//")):
			continue
		case bytes.HasPrefix(t, []byte("/*")):
			block = !bytes.HasSuffix(t, []byte("*/")) || len(t) < 4
			continue
		}
		out = append(out, l...)
	}
	return out
}

// ClientFile is the client's name in the search folder.
const ClientFile = "accredit-search.js"

// Files builds the index of docs and returns every file of build/search/,
// the client included, keyed by path below search/.
func Files(docs []*Doc, labels Labels) (map[string][]byte, error) {
	ix, err := New(docs, labels)
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	return ix.Files()
}

// Files returns every file of build/search/ for the index, the client
// included, keyed by path below search/.
func (ix *Index) Files() (map[string][]byte, error) {
	files, err := ix.Export()
	if err != nil {
		return nil, err
	}
	files[ClientFile] = Client()
	return files, nil
}

// Dir is the search index's folder in the site.
const Dir = "search/"

// SiteFiles builds the search index of a site and returns its files keyed
// by path below the site's root (search/...), for publish.Options.Extra.
func SiteFiles(st *site.Site) (map[string][]byte, error) {
	files, err := Files(Docs(st))
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	out := make(map[string][]byte, len(files))
	for name, data := range files {
		out[Dir+name] = data
	}
	return out, nil
}
