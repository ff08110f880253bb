package meta4ops

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// Download downloads f from its URLs through get, verified as get.Verify
// says, to path, or into path under f's own name when path is a directory
// or ends in a slash (created when missing). The bytes go to a stage inside
// that directory and are moved to their name only once verified, through
// an os.Root of it: nothing is ever written outside it, nor left
// half-written, whatever f's name and the symlinks on the way.
func Download(ctx context.Context, f metalink.File, path string, get download.Options) error {
	dest := destinationOf(path, f.Name)
	root, err := dest.open()
	if err != nil {
		return err
	}
	defer func() { _ = root.Close() }()
	if err := dest.check(root); err != nil {
		return err
	}
	stage, remove, err := dest.stage()
	if err != nil {
		return err
	}
	defer remove()
	// download.File writes stage/name; the destination's own name stands in.
	f.Name = filepath.Base(dest.name)
	if err := download.File(ctx, f, stage, get); err != nil {
		return err
	}
	return dest.place(root, filepath.Join(filepath.Base(stage), f.Name))
}

// DownloadAll downloads every file of a release into the directory dir
// (created when missing), each under its own name, several at once within
// get's per-host budget (download.Files), with Download's guards: every
// name is checked first, the bytes go to one stage inside dir, and no file
// is moved to its name before every one verified.
func DownloadAll(ctx context.Context, files []metalink.File, dir string, get download.Options) error {
	if !hasTrailingSlash(dir) {
		dir += string(filepath.Separator)
	}
	dests := make([]destination, len(files))
	for i, f := range files {
		dests[i] = destinationOf(dir, f.Name)
	}
	root, err := dests[0].open()
	if err != nil {
		return err
	}
	defer func() { _ = root.Close() }()
	for _, dest := range dests {
		if err := dest.check(root); err != nil {
			return err
		}
	}
	stage, remove, err := dests[0].stage()
	if err != nil {
		return err
	}
	defer remove()
	if err := download.Files(ctx, files, stage, get); err != nil {
		return err
	}
	for i, dest := range dests {
		if err := dest.place(root, filepath.Join(filepath.Base(stage), filepath.FromSlash(files[i].Name))); err != nil {
			return err
		}
	}
	return nil
}

// Verify checks the local file path against f's size, hashes, pieces and
// signature, as get.Verify says, with the same verified read as a
// download, and returns the verification report.
func Verify(ctx context.Context, f metalink.File, path string, get download.Options) ([]string, error) {
	if f.Size == 0 && (get.Verify.SkipHash || (len(f.Hashes) == 0 && len(f.Pieces) == 0)) {
		return nil, fmt.Errorf("nothing to verify: %s has neither a size nor a hash to check", f.Name)
	}
	local, err := fileURL(path)
	if err != nil {
		return nil, err
	}
	target := f
	target.URLs, target.MetaURLs = []metalink.URL{{URL: local}}, nil
	report, err := download.Stream(ctx, target, discard{}, get)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", f.Name, err)
	}
	return report, nil
}

// discard is a sink that keeps nothing: Verify only checks.
type discard struct{}

func (discard) Rewind() error        { return nil }
func (discard) Writers() []io.Writer { return nil }
