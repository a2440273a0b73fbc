package verifier

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/accredit/accredit/cmd/internal/credid"
)

// ShardIndex is where a site in shards mode ([site] verification =
// "shards") says how credential ids map to shards (package site writes
// it): {"bits": n, "credentials": "<dir>", "ob3": "<dir>"}, the shard of
// an id being <dir><credid.ShardKey(id, bits)>.json.gz.
const ShardIndex = "api/v1/credentials/shards.json"

// maxShard caps a shard, compressed and not: shards are made to hold
// about 256 credentials, a few KB each when signed.
const maxShard = 16 << 20

// SignedFromShards reads the signed credential id (canonical) of a site
// in shards mode from its shard, reading the site's files (paths below
// its root) with read.
func SignedFromShards(read func(rel string) ([]byte, error), id string) ([]byte, error) {
	b, err := read(ShardIndex)
	if err != nil {
		return nil, err
	}
	var ix struct {
		Bits int    `json:"bits"`
		OB3  string `json:"ob3"`
	}
	if err := decode(b, &ix); err != nil {
		return nil, fmt.Errorf("%s: %w", ShardIndex, err)
	}
	if ix.OB3 == "" {
		return nil, fmt.Errorf("the site publishes no signed credentials (%s names no ob3 shards: was it built with --signing-key?)", ShardIndex)
	}
	if !strings.HasPrefix(ix.OB3, "api/") || strings.Contains(ix.OB3, "..") || !strings.HasSuffix(ix.OB3, "/") {
		return nil, fmt.Errorf("%s: ob3 %q is not a folder of the site's api/", ShardIndex, ix.OB3)
	}
	key, _, ok := credid.ShardKey(id, ix.Bits)
	if !ok {
		return nil, fmt.Errorf("%s: %q is not a credential id, or bits %d is out of range", ShardIndex, id, ix.Bits)
	}
	rel := ix.OB3 + key + ".json.gz"
	gz, err := read(rel)
	if err != nil {
		return nil, err
	}
	shard, err := gunzip(gz)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	var creds map[string]json.RawMessage
	if err := json.Unmarshal(shard, &creds); err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	c, ok := creds[id]
	if !ok {
		return nil, fmt.Errorf("no signed credential %s in its shard %s", id, rel)
	}
	return c, nil
}

// gunzip decompresses b, at most maxShard bytes; bytes that are no gzip
// (a host that undid the compression) are returned as they are.
func gunzip(b []byte) ([]byte, error) {
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b, nil
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(r, maxShard+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxShard {
		return nil, fmt.Errorf("more than %d bytes uncompressed", maxShard)
	}
	return out, nil
}
