// Package publish holds what storing a metalink in a repository means, for
// the resource's out and for meta4-repo put alike: which documents and names
// are accepted, and that the stored form is always meta4 XML.
package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// CheckDocument rejects a metalink that check and in could not use: one in
// would refuse (see CheckFiles), or one whose first file has no version
// check can report.
func CheckDocument(doc metalink.Metalink) error {
	if err := metalink.CheckDocument(doc); err != nil {
		return err
	}
	first := redact.Quote(doc.Files[0].Name)
	_, err := repository.Entry{Metalink: doc}.Version()
	switch {
	case errors.Is(err, repository.ErrNoVersion):
		return fmt.Errorf("its first file %s has no version, which is the version check reports", first)
	case err != nil:
		return fmt.Errorf("its first file %s: %w, so check could never report it", first, err)
	}
	return nil
}

// CheckName applies the rules of file names to the name a document is
// stored under, so that a repository never holds a path that leaves it.
func CheckName(name string) error {
	if err := metalink.ValidateName(name); err != nil {
		return err
	}
	if err := metalink.CheckReserved(name); err != nil {
		return fmt.Errorf("%s: %w", redact.Quote(name), err)
	}
	return nil
}

// ChangedBytesError is a put that would replace the bytes of a published
// file: a mirror keeps what it mirrored, even when upstream changes it.
type ChangedBytesError struct {
	Version, File string
	Change        error // "sha-256 was …, now …"
}

func (e *ChangedBytesError) Error() string {
	return fmt.Sprintf("upstream changed %s since it was mirrored as version %s: %v", redact.Quote(e.File), e.Version, e.Change)
}

// CheckUnchanged refuses doc, to be stored under name, when existing holds
// the same version (or a document under that name) with a file of the same
// name and other bytes. Adding URLs, mirror copies or records to a version
// changes no bytes and passes.
func CheckUnchanged(existing []repository.Entry, name string, doc metalink.Metalink) error {
	version := repository.RawVersion(doc)
	for _, entry := range existing {
		if entry.Path != name && repository.RawVersion(entry.Metalink) != version {
			continue
		}
		for _, was := range entry.Metalink.Files {
			for _, now := range doc.Files {
				if was.Name != now.Name {
					continue
				}
				if err := metalink.ChangedBytes(was, now); err != nil {
					return &ChangedBytesError{Version: repository.RawVersion(entry.Metalink), File: now.Name, Change: err}
				}
			}
		}
	}
	return nil
}

// Unchanged is CheckUnchanged for a put: a change of bytes fails it,
// saying that way ("params.allow_changed_bytes: true") publishes it
// anyway, unless allow, when it is only a warning on log.
func Unchanged(existing []repository.Entry, name string, doc metalink.Metalink, allow bool, way string, log io.Writer) error {
	err := CheckUnchanged(existing, name, doc)
	switch {
	case err == nil:
		return nil
	case !allow:
		return fmt.Errorf("%w; %s publishes it anyway", err, way)
	}
	_, _ = fmt.Fprintf(log, "warning: %v; published anyway (%s)\n", err, way)
	return nil
}

// extension ends every name that List shows.
const extension = ".meta4"

// Prepare parses data, the document to store under name, and checks both as
// out checks them; it warns on log (nil: nowhere) when List will not show
// the name. Its errors name the field at fault by names: "metalink" (the
// document, which a tool names by the file it read) or "name".
func Prepare(data []byte, name string, names field.Names, log io.Writer) (metalink.Metalink, error) {
	doc, err := metalink.Parse(data)
	if err == nil {
		err = CheckDocument(doc)
	}
	if err != nil {
		return metalink.Metalink{}, names.Errorf("metalink", "%w", err)
	}
	if err := CheckName(name); err != nil {
		return metalink.Metalink{}, names.Errorf("name", "%w", err)
	}
	if !strings.HasSuffix(name, extension) && log != nil {
		_, _ = fmt.Fprintf(log, "warning: %s is stored, but only names ending in %s are listed\n", name, extension)
	}
	return doc, nil
}

// Put stores doc under name as meta4 XML, whatever form it was read in,
// with the trailers that say where the put came from.
func Put(ctx context.Context, repo repository.Repository, name string, doc metalink.Metalink, trailers ...repository.Trailer) error {
	data, err := metalink.MarshalXML(doc)
	if err != nil {
		return err
	}
	return repo.Put(ctx, repository.Document{Name: name, Data: data, Summary: summary(name, len(doc.Files)), Trailers: trailers})
}

// summary describes a put for a git commit message: the stored name without
// its extension, its directory first ("golang.org: v1.21.1 (3 files)").
func summary(name string, files int) string {
	dir, base := path.Split(strings.TrimSuffix(name, extension))
	count := fmt.Sprintf("(%d files)", files)
	if files == 1 {
		count = "(1 file)"
	}
	if dir == "" {
		return base + " " + count
	}
	return strings.TrimSuffix(dir, "/") + ": " + base + " " + count
}
