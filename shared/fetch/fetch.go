// Package fetch is the `in` both resources share: pick the files, download and
// verify each, and record .resource/metalink.meta4 and .resource/version.
package fetch

import (
	"context"
	"errors"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/protocol"
	"github.com/metalink-resources/metalink-resources/shared/selection"
)

// Request is one `in`.
type Request struct {
	Metalink     metalink.Metalink
	Version      string
	Files        selection.Filter
	SkipDownload bool
	Download     download.Options
}

// Run performs req into dest and returns the files and bytes metadata.
func Run(ctx context.Context, dest string, req Request) ([]protocol.MetadataField, error) {
	return nil, errors.New("fetch: Run not implemented")
}
