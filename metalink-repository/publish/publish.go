// Package publish holds what storing a metalink in a repository means, for
// the resource's out and for meta4-repo put alike: which documents and names
// are accepted, and that the stored form is always meta4 XML.
package publish

import (
	"context"
	"fmt"

	"github.com/metalink-resources/metalink-resources/metalink-repository/repository"
	"github.com/metalink-resources/metalink-resources/shared/getstep"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// CheckDocument rejects a metalink that check and in could not use: an
// invalid one, or one whose first file has no version, since that is the
// version check reports.
func CheckDocument(doc metalink.Metalink) error {
	if err := doc.Validate(); err != nil {
		return err
	}
	if doc.Files[0].Version == "" {
		return fmt.Errorf("its first file %q has no version, which is the version check reports", doc.Files[0].Name)
	}
	return nil
}

// CheckName applies the rules of file names to the name a document is
// stored under, so that a repository never holds a path that leaves it.
func CheckName(name string) error {
	if err := metalink.ValidateName(name); err != nil {
		return err
	}
	if err := getstep.CheckReserved(name); err != nil {
		return fmt.Errorf("%s: %w", redact.Quote(name), err)
	}
	return nil
}

// Put stores doc under name as meta4 XML, whatever form it was read in.
func Put(ctx context.Context, repo repository.Repository, name string, doc metalink.Metalink) error {
	data, err := metalink.MarshalXML(doc)
	if err != nil {
		return err
	}
	return repo.Put(ctx, name, data)
}
