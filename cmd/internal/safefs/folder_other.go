//go:build !linux

package safefs

import (
	"errors"
	"io/fs"
)

// Elsewhere than Linux a Folder is always the portable os.Root: fd is -1
// and these are never called.

func (d *Dir) openFolderFast(string) (int, bool) { return -1, false }

func closeFD(int) error { return nil }

func (f *Folder) lstatFast(string) (fs.FileInfo, error) { return nil, errors.ErrUnsupported }

func (f *Folder) createFast(string, []byte, fs.FileMode) error { return errors.ErrUnsupported }

func (f *Folder) readFast(string, int64) ([]byte, bool, error) { return nil, false, nil }

func (f *Folder) renameFast(string, string) error { return errors.ErrUnsupported }

func (f *Folder) removeFast(string) error { return errors.ErrUnsupported }
