// Package download fetches one metalink file from its candidate URLs in
// priority order, verifying it while it streams, into a temporary name that is
// renamed only once verified.
package download

import (
	"context"
	"errors"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// Options configure downloads.
type Options struct {
	Reader   transfer.Handler // usually a transfer.Router
	Verify   verify.Options
	Progress io.Writer // stderr: one progress line per file every few seconds
	Location string    // preferred location, first within a priority
}

// File downloads f to dir/f.Name (f.Name already validated), verified.
func File(ctx context.Context, f metalink.File, dir string, opts Options) error {
	return errors.New("download: File not implemented")
}
