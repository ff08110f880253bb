package gitrepo

import (
	"context"
	"fmt"
	"io"
	"path"
	"runtime"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"golang.org/x/sync/errgroup"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/parsecache"
)

const metalinkExtension = ".meta4"

// list reads the metalinks at the branch tip, and names the state it read
// (see listingKey; "" for an empty remote).
func (r *repo) list(ctx context.Context) ([]repository.Entry, string, error) {
	branch, err := r.resolveBranch(ctx, r.loc.branch)
	if err != nil {
		return nil, "", err
	}
	if branch.remoteEmpty {
		return nil, "", nil // nothing published yet
	}
	if branch.tip.IsZero() {
		return nil, "", r.missingBranch(branch)
	}
	// Read without the lock: the file is replaced atomically, and whatever
	// run wrote it, each record is right for its blob id.
	index := parsecache.Load(indexPath(cacheDir(r, branch.name)))
	if entries, ok := index.Listed(listingKey(branch.tip, r.loc.subPath)); ok {
		return entries, listingKey(branch.tip, r.loc.subPath), nil // the branch has not moved since a run listed it
	}
	s, err := openStore(ctx, r, branch.name)
	if err != nil {
		return nil, "", err
	}
	defer s.close()
	tip, err := s.sync(ctx, branch.tip)
	if err != nil {
		return nil, "", err
	}
	refs, err := findMetalinks(s.storage, tip, r.loc.subPath)
	if err != nil {
		return nil, "", fmt.Errorf("read tree of %s at %s: %w", r.loc.remote, tip, err)
	}
	entries, cacheable, err := parseMetalinks(ctx, s.storage, refs, index)
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, len(refs))
	for i, ref := range refs {
		ids[i] = ref.blob.String()
	}
	state := listingKey(tip, r.loc.subPath)
	if err := index.SaveListed(state, ids, entries, cacheable); err != nil {
		_, _ = fmt.Fprintf(r.stderr, "warning: cannot save the metalink cache: %v\n", err)
	}
	return entries, state, nil
}

func (r *repo) missingBranch(branch remoteBranch) error {
	return fmt.Errorf("branch %s does not exist in %s", redact.Quote(branch.name), r.loc.remote)
}

// metalinkRef is one *.meta4 blob found in the tree.
type metalinkRef struct {
	treePath string // from the repository root, for messages
	path     string // relative to the sub-path match, for Entry.Path
	blob     plumbing.Hash
}

// findMetalinks walks the tree of commit and returns every *.meta4 blob
// under a directory (or file) that matches subPath.
func findMetalinks(s storer.EncodedObjectStorer, commit plumbing.Hash, subPath string) ([]metalinkRef, error) {
	c, err := object.GetCommit(s, commit)
	if err != nil {
		return nil, err
	}
	w := &treeWalker{storer: s, pattern: newSubPathPattern(subPath)}
	if subPath == "" {
		err = w.collect(c.TreeHash, "", "")
	} else {
		err = w.search(c.TreeHash, "")
	}
	return w.found, err
}

type treeWalker struct {
	storer  storer.EncodedObjectStorer
	pattern subPathPattern
	found   []metalinkRef
}

// search descends towards paths that may match the pattern.
func (w *treeWalker) search(treeHash plumbing.Hash, dir string) error {
	tree, err := object.GetTree(w.storer, treeHash)
	if err != nil {
		return err
	}
	for _, entry := range tree.Entries {
		entryPath := path.Join(dir, entry.Name)
		isDir := entry.Mode == filemode.Dir
		switch {
		case w.pattern.matches(entryPath) && isDir:
			if err := w.collect(entry.Hash, entryPath, entryPath); err != nil {
				return err
			}
		case w.pattern.matches(entryPath):
			w.add(entry, entryPath, entry.Name)
		case isDir && w.pattern.mayMatchBelow(entryPath):
			if err := w.search(entry.Hash, entryPath); err != nil {
				return err
			}
		}
	}
	return nil
}

// collect gathers every *.meta4 blob below dir, with paths relative to base.
func (w *treeWalker) collect(treeHash plumbing.Hash, dir, base string) error {
	tree, err := object.GetTree(w.storer, treeHash)
	if err != nil {
		return err
	}
	for _, entry := range tree.Entries {
		entryPath := path.Join(dir, entry.Name)
		if entry.Mode == filemode.Dir {
			if err := w.collect(entry.Hash, entryPath, base); err != nil {
				return err
			}
			continue
		}
		relative := strings.TrimPrefix(strings.TrimPrefix(entryPath, base), "/")
		w.add(entry, entryPath, relative)
	}
	return nil
}

// add records entry when it is a regular file named *.meta4; symlinks and
// submodules are not metalinks.
func (w *treeWalker) add(entry object.TreeEntry, treePath, relative string) {
	if entry.Mode.IsFile() && entry.Mode != filemode.Symlink && strings.HasSuffix(entry.Name, metalinkExtension) {
		w.found = append(w.found, metalinkRef{treePath: treePath, path: relative, blob: entry.Hash})
	}
}

// subPathPattern is the uri's //sub/path, a doublestar glob.
type subPathPattern struct {
	glob     string
	segments []string
}

func newSubPathPattern(glob string) subPathPattern {
	return subPathPattern{glob: glob, segments: strings.Split(glob, "/")}
}

func (p subPathPattern) matches(treePath string) bool {
	ok, _ := doublestar.Match(p.glob, treePath)
	return ok
}

// mayMatchBelow tells whether some path below dir could match, so that the
// walk skips subtrees the glob cannot reach.
func (p subPathPattern) mayMatchBelow(dir string) bool {
	if strings.ContainsAny(p.glob, "{") {
		return true // alternatives may hold "/": do not guess segment by segment
	}
	dirSegments := strings.Split(dir, "/")
	for i, segment := range dirSegments {
		if i >= len(p.segments) {
			return false
		}
		if p.segments[i] == "**" {
			return true
		}
		if ok, _ := doublestar.Match(p.segments[i], segment); !ok {
			return false
		}
	}
	return len(dirSegments) < len(p.segments)
}

// parseMetalinks returns an Entry for each ref, taking parsed documents from
// index and parsing the rest: blobs are read one after the other (go-git's
// storage is not safe for concurrent use) and parsed on every core.
// cacheable tells which entries the index may keep (see
// parsecache.RoundTrip).
func parseMetalinks(ctx context.Context, s storer.EncodedObjectStorer, refs []metalinkRef, index *parsecache.Index) (entries []repository.Entry, cacheable []bool, err error) {
	entries = make([]repository.Entry, len(refs))
	cacheable = make([]bool, len(refs))
	var missing []int
	for i, ref := range refs {
		if m, ok := index.Get(ref.blob.String()); ok {
			entries[i] = repository.Entry{Path: ref.path, Metalink: m}
			cacheable[i] = true
			continue
		}
		missing = append(missing, i)
	}
	if len(missing) == 0 {
		return entries, cacheable, nil
	}

	type blob struct {
		at   int
		data []byte
	}
	group, ctx := errgroup.WithContext(ctx)
	blobs := make(chan blob, runtime.GOMAXPROCS(0))
	group.Go(func() error {
		defer close(blobs)
		for _, at := range missing {
			data, err := readBlob(s, refs[at].blob)
			if err != nil {
				return fmt.Errorf("read %s: %w", refs[at].treePath, err)
			}
			select {
			case blobs <- blob{at: at, data: data}:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	for range runtime.GOMAXPROCS(0) {
		group.Go(func() error {
			var check parsecache.RoundTrip
			for b := range blobs {
				m, err := metalink.Parse(b.data)
				if err != nil {
					return fmt.Errorf("parse %s: %w", refs[b.at].treePath, err)
				}
				entries[b.at] = repository.Entry{Path: refs[b.at].path, Metalink: m}
				cacheable[b.at] = check.Exact(m)
			}
			return nil
		})
	}
	if err := group.Wait(); err != nil {
		return nil, nil, err
	}
	return entries, cacheable, nil
}

func readBlob(s storer.EncodedObjectStorer, hash plumbing.Hash) ([]byte, error) {
	obj, err := s.EncodedObject(plumbing.BlobObject, hash)
	if err != nil {
		return nil, err
	}
	if obj.Size() > metalink.MaxDocumentSize {
		return nil, fmt.Errorf("%d bytes is too large for a metalink", obj.Size())
	}
	reader, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer func() { _ = reader.Close() }() // it only reads: closing cannot lose data
	return io.ReadAll(reader)
}
