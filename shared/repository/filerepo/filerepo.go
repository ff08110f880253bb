// Package filerepo is the file:// metalink repository backend: a directory
// (or a glob of directories) on the local file system, walked recursively for
// *.meta4 documents.
//
//	file:///abs/path      an absolute path
//	file://./rel/path     relative to the working directory
//	file://./             the working directory itself (file://. too)
//	file:///abs/*/path    a glob; each match is walked
//
// As in the original, any other host is ignored (file://~/x means /x). A uri
// without a path (file://) or one naming the root directory (file:///) is
// refused: walking the whole file system is never what was meant.
package filerepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/redact"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

const scheme = "file://"

// Repository is a file:// repository rooted at an absolute path or glob.
type Repository struct {
	uri  string // for messages, its userinfo redacted
	root string
}

// Configure validates uri (file repositories take no options); names are
// the front end's names of "uri". Nothing is read until List.
func Configure(uri string, names field.Names) (repository.Opener, error) {
	root, err := parseURI(uri)
	if err != nil {
		return nil, names.ValueError("uri", redact.Quote(redact.UnparsedURL(uri)), err)
	}
	repo := &Repository{uri: redact.String(uri), root: root}
	return func(context.Context, repository.Env) (repository.Repository, error) { return repo, nil }, nil
}

func parseURI(uri string) (string, error) {
	if !IsFileURI(uri) {
		return "", errors.New("expected file:///ABSOLUTE/PATH or file://./RELATIVE/PATH")
	}
	host, path, hasPath := strings.Cut(uri[len(scheme):], "/")
	path, err := url.PathUnescape(path)
	if err != nil {
		return "", fmt.Errorf("bad percent-encoding: %w", err)
	}
	var root string
	switch {
	case host == ".":
		if root, err = filepath.Abs(filepath.FromSlash(path)); err != nil {
			return "", err
		}
	case !hasPath:
		return "", errors.New("the path is empty: expected file:///ABSOLUTE/PATH or file://./RELATIVE/PATH")
	default:
		root = filepath.Clean("/" + filepath.FromSlash(path))
	}
	if filepath.Dir(root) == root {
		return "", fmt.Errorf("the path is the root directory %s: name the directory that holds the metalinks", root)
	}
	return root, nil
}

// IsFileURI reports whether uri is one this backend reads.
func IsFileURI(uri string) bool {
	return len(uri) >= len(scheme) && strings.EqualFold(uri[:len(scheme)], scheme)
}

// CheckExists refuses a uri whose path (or glob) names nothing. The
// resources read such a repository as empty, as the original ones did; the
// tools, where it is usually a typo, call this first.
func CheckExists(uri string) error {
	root, err := parseURI(uri)
	if err != nil {
		return fmt.Errorf("%s: %w", redact.Quote(redact.UnparsedURL(uri)), err)
	}
	matches, err := filepath.Glob(root)
	if err != nil {
		return fmt.Errorf("%s: bad glob: %w", redact.String(uri), err)
	}
	if len(matches) == 0 {
		return fmt.Errorf("%s: %s does not exist", redact.String(uri), root)
	}
	return nil
}

// List walks every match of the root glob. A root that does not exist is an
// empty repository.
func (r *Repository) List(ctx context.Context) ([]repository.Entry, error) {
	matches, err := filepath.Glob(r.root)
	if err != nil {
		return nil, fmt.Errorf("list %s: bad glob: %w", r.uri, err)
	}
	var entries []repository.Entry
	for _, match := range matches {
		found, err := listTree(ctx, match)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", r.uri, err)
		}
		entries = append(entries, found...)
	}
	return entries, nil
}

// listTree parses every *.meta4 under top; a top that is itself a file is
// listed by its base name.
func listTree(ctx context.Context, top string) ([]repository.Entry, error) {
	var entries []repository.Entry
	err := filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || filepath.Ext(path) != ".meta4" {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		entry, err := readEntry(top, path)
		if err != nil {
			return err
		}
		entries = append(entries, entry)
		return nil
	})
	return entries, err
}

func readEntry(top, path string) (repository.Entry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return repository.Entry{}, err
	}
	m, err := metalink.Parse(data)
	if err != nil {
		return repository.Entry{}, fmt.Errorf("parse %s: %w", path, err)
	}
	rel := filepath.Base(path)
	if path != top {
		if rel, err = filepath.Rel(top, path); err != nil {
			return repository.Entry{}, err
		}
	}
	return repository.Entry{Path: filepath.ToSlash(rel), Metalink: m}, nil
}

// CheckPut refuses an unsafe name and a repository path that is a glob.
func (r *Repository) CheckPut(name string) error {
	if err := metalink.ValidateName(name); err != nil {
		return fmt.Errorf("put into %s: %w", r.uri, err)
	}
	if strings.ContainsAny(r.root, `*?[\`) {
		return fmt.Errorf("put into %s: the path is a glob; expected one directory", r.uri)
	}
	return nil
}

// Put writes data to root/name atomically (a temporary file renamed into
// place), creating parent directories. Identical content is left untouched.
func (r *Repository) Put(_ context.Context, doc repository.Document) error {
	name, data := doc.Name, doc.Data
	if err := r.CheckPut(name); err != nil {
		return err
	}
	target := filepath.Join(r.root, filepath.FromSlash(name))
	if existing, err := os.ReadFile(target); err == nil && bytes.Equal(existing, data) {
		return nil
	}
	if err := writeAtomically(target, data); err != nil {
		return fmt.Errorf("put %s into %s: %w", name, r.uri, err)
	}
	return nil
}

func writeAtomically(target string, data []byte) (err error) {
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// The temporary name does not end in .meta4, so a concurrent List skips it.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close() // closed already when only the rename failed; err is the news
			if removeErr := os.Remove(tmp.Name()); removeErr != nil {
				err = fmt.Errorf("%w; the temporary file stays behind: %w", err, removeErr)
			}
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}
