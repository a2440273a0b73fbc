// Package mapfile reads the caches a build keeps beside the decode
// cache (signatures, compressed shards): tens of megabytes at 200,000
// credentials, mapped read-only where the system can, so that they are
// neither copied nor counted in the heap the build's memory limit and
// collector watch. A mapped file must only ever be replaced by renaming
// a new one over it, as the caches are: truncating it while mapped would
// fault the process.
package mapfile
