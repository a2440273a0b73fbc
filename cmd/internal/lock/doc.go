// Package lock keeps two accredit processes from writing one program's
// files at once.
//
// In: a program's root. Out: a held lock, or after a short wait a
// *BusyError that names the process holding it and since when. The lock
// is a file in the program's state folder (Dir: .git/accredit in a git
// checkout, .accredit otherwise) that holds the holder's pid and start
// time for that message; on Unix the exclusion itself is an flock(2) on
// it, which the kernel drops when its holder exits or is killed, so the
// lock of a dead process is simply taken over and never has to be
// cleaned by hand.
//
// Only writers lock. Readers never do: check and serve read without it,
// and build asks only whether a killed writer left a journal to finish
// (record.Pending: three stats, no lock) before it reads, so the lock
// costs a check or a build of any size nothing measurable.
package lock
