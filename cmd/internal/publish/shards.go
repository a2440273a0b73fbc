package publish

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/klauspost/compress/gzip"

	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/site"
)

// Shards mode ([site] verification = "shards"): instead of a folder,
// page and JSON file per credential, the credentials' JSON (and signed
// credentials) go into gzip-compressed shards keyed by id prefix, which
// the one verification page (verify/index.html) reads. A million
// credentials are then some 8,000 files instead of three million.

// shardsPerTask is the number of shards a task writes: enough to keep
// a worker busy for a while, few enough to spread over the cores.
const shardsPerTask = 32

// buckets returns the site's credentials by shard index.
func buckets(st *site.Site) [][]*program.Credential {
	bs := make([][]*program.Credential, 1<<st.Info.Shards.Bits)
	for _, c := range st.P.Credentials {
		_, i := st.ShardOf(c)
		bs[i] = append(bs[i], c)
	}
	return bs
}

// shardTasks writes every shard that holds a credential (an empty one
// is no file: its ids are not found) and the shard index; of a part of
// a build (Part), the shards it owns, and the index in job 0.
func (w *writer) shardTasks(st *site.Site) []task {
	all := buckets(st)
	var bs [][]*program.Credential
	for i, b := range all {
		if w.part.owns(i) {
			bs = append(bs, b)
		}
	}
	var tasks []task
	if w.part.site() {
		tasks = append(tasks, func(*bytes.Buffer) error { return w.file(site.ShardIndex, st.ShardIndexJSON(w.signed != nil), true) })
	}
	for i := 0; i < len(bs); i += shardsPerTask {
		group := bs[i:min(len(bs), i+shardsPerTask)]
		tasks = append(tasks, func(buf *bytes.Buffer) error {
			sc := scratch.Get().(*site.Scratch)
			defer scratch.Put(sc)
			var sb shardBufs // reused from shard to shard of the task
			for _, creds := range group {
				if len(creds) == 0 {
					continue
				}
				key, _ := st.ShardOf(creds[0])
				json, ob3, err := w.shard(st, creds, sc, &sb)
				if err != nil {
					return err
				}
				if err := w.file(site.ShardDir+key+".json.gz", json, true); err != nil {
					return err
				}
				if ob3 != nil {
					if err := w.file(site.OB3ShardDir+key+".json.gz", ob3, true); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	return tasks
}

// shardBufs hold a shard's uncompressed JSON: a few hundred KB each,
// which a task reuses rather than allocating (and the collector
// clearing) anew for every shard.
type shardBufs struct{ rec, sig []byte }

// shard returns the gzipped JSON shard of creds, and when the build
// signs, the shard of their signed credentials (through the cache of
// those, which a rebuild mostly finds unchanged).
func (w *writer) shard(st *site.Site, creds []*program.Credential, sc *site.Scratch, sb *shardBufs) (json, ob3 []byte, err error) {
	rec := append(sb.rec[:0], '{')
	var sig []byte
	if w.signed != nil {
		sig = append(sb.sig[:0], '{')
	}
	defer func() { sb.rec, sb.sig = rec, sig }()
	for j, c := range creds {
		cp, err := st.CredentialIn(c, sc)
		if err != nil {
			return nil, nil, fmt.Errorf("credential %s: %w", c.ID, err)
		}
		if j > 0 {
			rec = append(rec, ',')
		}
		rec = site.ShardRecord(rec, cp)
		if w.signed != nil {
			if j > 0 {
				sig = append(sig, ',')
			}
			sig = append(append(append(sig, '"'), c.ID...), `":`...)
			n := len(sig)
			if sig, err = w.signed(sig, c, cp); err != nil {
				return nil, nil, fmt.Errorf("credential %s: signing: %w", c.ID, err)
			}
			for len(sig) > n && isSpace(sig[len(sig)-1]) {
				sig = sig[:len(sig)-1] // the document's newline
			}
		}
	}
	rec = append(rec, "}\n"...)
	if json, err = gzipped(rec); err != nil || w.signed == nil {
		return json, nil, err
	}
	sig = append(sig, "}\n"...)
	ob3, err = w.signedShards.gzip(sig)
	return json, ob3, err
}

func isSpace(b byte) bool { return b == ' ' || b == '\n' || b == '\r' || b == '\t' }

// gzips compress shards with klauspost/compress at its default level:
// a fifth of the time of the standard library's best, for about 3% more
// bytes. A build compresses every shard to compare it with the last
// build's (a million credentials are 4,096 shards, and signed ones as
// many again), so this is most of what shards cost a rebuild.
var gzips = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return w
}}

// gzipped compresses b. The output depends on b alone (no name, no
// time in the header): the same shard gives the same bytes every build.
func gzipped(b []byte) ([]byte, error) {
	var out bytes.Buffer
	zw := gzips.Get().(*gzip.Writer)
	defer gzips.Put(zw)
	zw.Reset(&out)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// redirects is Netlify's and Cloudflare Pages' _redirects in shards
// mode: /verify/<ID>/, which is no file, is served the verification
// page (a 200 rewrite: the address stays, and the page reads the id
// from it). Files take precedence over the rule on both hosts, so
// /verify/ itself is served as it is.
func redirects(st *site.Site) []byte {
	b := st.Info.Base
	return []byte("# Written by accredit build ([site] verification = \"shards\"): every\n" +
		"# credential's address is served by the one verification page.\n" +
		b + "verify/* " + b + "verify/index.html 200\n")
}
