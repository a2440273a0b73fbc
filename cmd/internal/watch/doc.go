// Package watch reports which files of a program repository changed, for
// accredit serve.
//
// In: a root folder and the folders under it to watch (programs, partners,
// content, layouts). Out: batches of changed paths, relative to the root
// and /-separated, sorted, each path once: a file written, created,
// renamed (both names) or removed, and every file already inside a folder
// that appears (its files may be written before the folder's watch is
// added). fsnotify has no recursive watch, so every folder is watched on
// its own and new folders are added as they appear; the root itself is
// watched so that a watched folder created later is picked up.
//
// Editors save in several steps (a temporary file, a rename, a chmod), so
// Chmod events, editor temporary and backup files, and any name starting
// with a dot (which the loader skips too) are ignored, and events are
// debounced with one timer: a batch goes out once the tree has been quiet
// for a moment, or at the latest a little after its first event, so that a
// long stream of events (a git checkout) still shows progress.
package watch
