package mirror

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/metalink-resources/metalink-resources/shared/redact"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

// destination is one place a file is copied to.
type destination interface {
	// String is the URL without credentials: for messages and, unless a url
	// template says otherwise, for the metalink.
	String() string
	// existing describes the copy the destination holds now; nil when none.
	existing(ctx context.Context) (*existing, error)
	// create starts a new copy of f that becomes visible only when committed.
	create(ctx context.Context, f metalink.File) (upload, error)
}

// existing is a copy already at a destination.
type existing struct {
	size int64
	// digest returns the copy's hex digest of hashType, "" when unknown.
	digest func(ctx context.Context, hashType string) (string, error)
}

// compare says whether the copy is f: the same size and the same digest of
// the strongest hash f carries; when it is not, why not. Without any hash
// nothing can be proved, and the copy counts as other bytes.
func (e *existing) compare(ctx context.Context, f metalink.File) (same bool, why string, err error) {
	if e.size != int64(f.Size) {
		return false, fmt.Sprintf("%d bytes, not %d", e.size, f.Size), nil
	}
	want, ok := strongest(f)
	if !ok {
		return false, "the metalink gives no hash to compare it with", nil
	}
	got, err := e.digest(ctx, want.Type)
	if err != nil {
		return false, "", err
	}
	if !strings.EqualFold(got, want.Hash) {
		return false, fmt.Sprintf("%s %s, not %s", want.Type, got, want.Hash), nil
	}
	return true, "", nil
}

// upload is a copy under way. Bytes written to it stay invisible under the
// destination's name until commit; abort leaves nothing there.
type upload interface {
	io.Writer
	commit() error
	abort(cause error)
	// remote reports whether committing needs another machine, and so may fail.
	remote() bool
}

// opener turns rendered destination URLs into destinations. S3 clients are
// shared between destinations of the same endpoint, bucket and options; ftp
// destinations share the download handler, whose connections are per session.
type opener struct {
	baseDir  string
	handlers *urlhandlers.Set
	ftp      *transfer.FTP
	clients  *s3client.Clients

	mu        sync.Mutex
	endpoints map[*s3.Client]*s3Endpoint
}

func newOpener(baseDir string, handlers *urlhandlers.Set) *opener {
	return &opener{baseDir: baseDir, handlers: handlers, ftp: transfer.NewFTP(),
		clients: s3client.NewClients(handlers.Network()), endpoints: map[*s3.Client]*s3Endpoint{}}
}

// checkDestination parses raw without connecting anywhere.
func checkDestination(raw string) error {
	switch schemeOf(raw) {
	case "s3":
		_, err := s3client.ParseURL(raw)
		return err
	case "file":
		_, err := parseFileDestination(raw, "/")
		return err
	case "ftp":
		_, err := parseFTPDestination(raw)
		return err
	}
	return fmt.Errorf("destination %s: expected an s3://, file:// or ftp:// URL", redact.Quote(redact.UnparsedURL(raw)))
}

func (o *opener) open(ctx context.Context, raw string) (destination, error) {
	switch schemeOf(raw) {
	case "file":
		path, err := parseFileDestination(raw, o.baseDir)
		if err != nil {
			return nil, err
		}
		return fileDestination{path: path}, nil
	case "s3":
		loc, err := s3client.ParseURL(raw)
		if err != nil {
			return nil, err
		}
		return o.s3Destination(ctx, loc, raw)
	case "ftp":
		target, err := parseFTPDestination(raw)
		if err != nil {
			return nil, err
		}
		return &ftpDestination{client: o.ftp, target: target}, nil
	}
	return nil, checkDestination(raw)
}

func (o *opener) s3Destination(ctx context.Context, loc s3client.Location, raw string) (destination, error) {
	endpoint, err := o.s3Endpoint(ctx, loc, raw)
	if err != nil {
		return nil, err
	}
	return &s3Destination{loc: loc, s3Endpoint: endpoint}, nil
}

func (o *opener) s3Endpoint(ctx context.Context, loc s3client.Location, raw string) (*s3Endpoint, error) {
	client, err := o.clients.For(ctx, loc, o.handlers.OptionsFor(raw))
	if err != nil {
		return nil, fmt.Errorf("destination %s: %w", loc, err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.endpoints[client] == nil {
		o.endpoints[client] = newS3Endpoint(client)
	}
	return o.endpoints[client], nil
}

func schemeOf(raw string) string {
	scheme, _, found := strings.Cut(raw, "://")
	if !found {
		return ""
	}
	return strings.ToLower(scheme)
}
