package gitindex

import (
	"strconv"

	"github.com/pjbgf/sha1cd"
)

// HashBlob returns the blob id git gives data: the SHA-1 of "blob
// <size>\x00" and data, computed with git's collision detection
// (go-git's sha1cd, as git's sha1dc); ok is false for data that is part
// of a SHA-1 collision attack, whose id names nothing.
func HashBlob(data []byte) (id [20]byte, ok bool) {
	d := sha1cd.New()
	var head [32]byte
	d.Write(append(strconv.AppendInt(append(head[:0], "blob "...), int64(len(data)), 10), 0))
	d.Write(data)
	s, collision := d.(sha1cd.CollisionResistantHash).CollisionResistantSum(id[:0])
	copy(id[:], s)
	return id, !collision
}
