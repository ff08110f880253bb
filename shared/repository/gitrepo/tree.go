package gitrepo

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// treePathError says the file cannot go where it was asked to, because the
// tree has something else there. Retrying does not help.
type treePathError struct{ message string }

func (e *treePathError) Error() string { return e.message }

// commitFile writes a commit on top of tip (zero: a first, parentless commit)
// whose tree is tip's with data at target, without any working tree. changed
// is false when the file already holds exactly data.
func (s *store) commitFile(tip plumbing.Hash, target string, data []byte, message string) (commit plumbing.Hash, changed bool, err error) {
	baseTree := plumbing.ZeroHash
	var parents []plumbing.Hash
	if !tip.IsZero() {
		tipCommit, err := object.GetCommit(s.storage, tip)
		if err != nil {
			return plumbing.ZeroHash, false, fmt.Errorf("read tip commit %s: %w", tip, err)
		}
		baseTree, parents = tipCommit.TreeHash, []plumbing.Hash{tip}
	}
	blob := plumbing.ComputeHash(plumbing.BlobObject, data)
	tree, changed, err := treeWithFile(s.storage, baseTree, strings.Split(target, "/"), blob)
	if err != nil || !changed {
		return plumbing.ZeroHash, false, err
	}
	if _, err := storeObject(s.storage, plumbing.BlobObject, data); err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("store %s: %w", target, err)
	}
	commit, err = s.storeCommit(tree, parents, message)
	return commit, true, err
}

func (s *store) storeCommit(tree plumbing.Hash, parents []plumbing.Hash, message string) (plumbing.Hash, error) {
	settings := s.repo.settings
	now := time.Now()
	if !strings.HasSuffix(message, "\n") {
		message += "\n"
	}
	commit := &object.Commit{
		Author:       object.Signature{Name: settings.authorName, Email: settings.authorEmail, When: now},
		Committer:    object.Signature{Name: settings.committerName, Email: settings.committerEmail, When: now},
		Message:      message,
		TreeHash:     tree,
		ParentHashes: parents,
	}
	obj := s.storage.NewEncodedObject()
	if err := commit.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode commit: %w", err)
	}
	hash, err := s.storage.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store commit: %w", err)
	}
	return hash, nil
}

// storeObject writes data as a loose object of type t.
func storeObject(s storer.EncodedObjectStorer, t plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	obj := s.NewEncodedObject()
	obj.SetType(t)
	obj.SetSize(int64(len(data)))
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(obj)
}

// treeWithFile stores the tree that is base (zero: empty) with blob at the
// path segments, creating sub-trees as needed, and returns its hash. changed
// is false when base already has that exact blob there.
func treeWithFile(s storer.EncodedObjectStorer, base plumbing.Hash, segments []string, blob plumbing.Hash) (plumbing.Hash, bool, error) {
	var entries []object.TreeEntry
	if !base.IsZero() {
		tree, err := object.GetTree(s, base)
		if err != nil {
			return plumbing.ZeroHash, false, fmt.Errorf("read tree %s: %w", base, err)
		}
		entries = slices.Clone(tree.Entries)
	}
	name := segments[0]
	at := slices.IndexFunc(entries, func(e object.TreeEntry) bool { return e.Name == name })

	entry := object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: blob}
	if len(segments) == 1 {
		if at >= 0 && entries[at].Mode == filemode.Dir {
			return plumbing.ZeroHash, false, &treePathError{fmt.Sprintf("%s is a directory in the repository", redact.Quote(name))}
		}
		if at >= 0 && entries[at].Hash == blob && entries[at].Mode.IsFile() {
			return base, false, nil
		}
	} else {
		subTree := plumbing.ZeroHash
		if at >= 0 {
			if entries[at].Mode != filemode.Dir {
				return plumbing.ZeroHash, false, &treePathError{fmt.Sprintf("%s is a file in the repository, not a directory", redact.Quote(name))}
			}
			subTree = entries[at].Hash
		}
		newSubTree, changed, err := treeWithFile(s, subTree, segments[1:], blob)
		if err != nil || !changed {
			return base, false, err
		}
		entry = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: newSubTree}
	}

	if at >= 0 {
		entries[at] = entry
	} else {
		entries = append(entries, entry)
	}
	slices.SortFunc(entries, compareTreeEntries)
	obj := s.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("encode tree: %w", err)
	}
	hash, err := s.SetEncodedObject(obj)
	return hash, true, err
}

// compareTreeEntries orders entries as git does: by name, a directory
// compared as if its name ended in "/".
func compareTreeEntries(a, b object.TreeEntry) int {
	return bytes.Compare(treeSortKey(a), treeSortKey(b))
}

func treeSortKey(e object.TreeEntry) []byte {
	if e.Mode == filemode.Dir {
		return []byte(e.Name + "/")
	}
	return []byte(e.Name)
}
