package gitrepo

import (
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
)

// indexFile holds the parsed metalinks of a cache, by blob id, and the
// listing of the tip they were read at (see parsecache). The version in its
// name changes whenever its layout does, so that an old file is simply not
// read.
const indexFile = "metalinks-v3.gob"

func indexPath(cacheDir string) string { return filepath.Join(cacheDir, indexFile) }

// listingKey names what a list found: the metalinks below subPath in the
// tree of commit tip.
func listingKey(tip plumbing.Hash, subPath string) string {
	return tip.String() + "\x00" + subPath
}
