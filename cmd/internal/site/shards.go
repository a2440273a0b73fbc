package site

import (
	"bytes"
	"encoding/json"
	"math/bits"

	"github.com/accredit/accredit/cmd/internal/credid"
	"github.com/accredit/accredit/cmd/internal/program"
)

// The files of shards mode ([site] verification = "shards"), below the
// site root. Each shard is gzip-compressed JSON: one object, every
// credential of the shard by id.
const (
	// ShardDir holds the credentials' JSON, the same objects as
	// api/v1/credentials/<ID>.json of pages mode but for status and
	// as_of, which the page computes from the dates (so a shard changes
	// only when one of its records does, not with the days).
	ShardDir = "api/v1/credentials/shards/"
	// OB3ShardDir holds the signed Open Badges 3.0 credentials, when the
	// build signs.
	OB3ShardDir = "api/v1/credentials/ob3/"
	// ShardIndex says how ids map to shards, for programs (accredit
	// verify) that read them: {"bits": n, "credentials": "<dir>",
	// "ob3": "<dir>"}.
	ShardIndex = "api/v1/credentials/shards.json"
)

// shardTarget is the mean number of credentials a shard is made to
// hold (between half of it and all of it, bits being whole). A
// credential's JSON is about 450 bytes, about 50 gzipped among its
// neighbours: measured at 1,006,115 credentials (12 bits, 4,096 shards),
// 9.5 to 14 KB a shard, well under the 30 KB budget of a lookup.
const shardTarget = 256

// ShardBits returns the number of id bits that key the shards of n
// credentials: at least 1, so that an example program has two.
func ShardBits(n int) int {
	if n <= shardTarget {
		return 1
	}
	return max(1, bits.Len(uint((n-1)/shardTarget)))
}

// ShardOf returns the key and index of c's shard.
func (st *Site) ShardOf(c *program.Credential) (string, int) {
	key, index, _ := credid.ShardKey(c.ID, st.Info.Shards.Bits)
	return key, index
}

// ShardRecord appends to buf the shard member of the credential page
// cp: "<ID>":<its JSON>, which in shards mode has no status and as_of.
func ShardRecord(buf []byte, cp *Credential) []byte {
	buf = append(buf, '"')
	buf = append(buf, cp.ID...)
	buf = append(buf, `":`...)
	return append(buf, bytes.TrimSpace(cp.JSON)...)
}

// ShardIndexJSON is the content of ShardIndex; signed says whether the
// build writes the signed credentials' shards.
func (st *Site) ShardIndexJSON(signed bool) []byte {
	b, _ := json.Marshal(struct {
		Bits        int    `json:"bits"`
		Credentials string `json:"credentials"`
		OB3         string `json:"ob3,omitempty"`
	}{st.Info.Shards.Bits, ShardDir, map[bool]string{true: OB3ShardDir}[signed]})
	return append(b, '\n')
}
