package gitrepo

import "path/filepath"

// indexFile holds the parsed metalinks of a cache, by blob id (see
// parsecache). The version in its name changes whenever its layout does, so
// that an old file is simply not read.
const indexFile = "metalinks-v2.gob"

func (s *store) indexPath() string { return filepath.Join(s.dir, indexFile) }
