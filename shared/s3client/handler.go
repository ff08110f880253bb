package s3client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

// Handler reads s3:// URLs with one set of options; it is a transfer.Handler.
// Clients are built on first use per endpoint and bucket and then reused, so
// a retried or resumed download does not resolve credentials again.
type Handler struct {
	opts    Options
	clients *Clients
}

var _ transfer.Handler = (*Handler)(nil)

// NewHandler returns a handler that signs requests per opts and sends them
// with client.
func NewHandler(opts Options, client *network.Client) *Handler {
	return &Handler{opts: opts, clients: NewClients(client)}
}

// Handles reports whether rawURL is an s3:// URL.
func (h *Handler) Handles(rawURL string) bool {
	return len(rawURL) >= len(scheme) && strings.EqualFold(rawURL[:len(scheme)], scheme)
}

// Open reads the object from offset on, with a Range request when offset > 0,
// and returns the object's total size (-1 if S3 did not say). Server errors
// and broken connections, at open or while reading, are transfer.Transient.
func (h *Handler) Open(ctx context.Context, rawURL string, offset int64) (io.ReadCloser, int64, error) {
	loc, err := ParseURL(rawURL)
	if err != nil {
		return nil, 0, err
	}
	if loc.Key == "" {
		return nil, 0, fmt.Errorf("s3 url %s names a bucket, not an object", redact.Quote(loc.String()))
	}
	client, err := h.client(ctx, loc)
	if err != nil {
		return nil, 0, fmt.Errorf("get %s: %w", loc, err)
	}
	input := &s3.GetObjectInput{Bucket: aws.String(loc.Bucket), Key: aws.String(loc.Key)}
	if offset > 0 {
		input.Range = aws.String("bytes=" + strconv.FormatInt(offset, 10) + "-")
	}
	out, err := client.GetObject(ctx, input, withoutRetries)
	if err != nil {
		return nil, 0, markTransient(WrapError("get", loc.String(), err))
	}
	size, err := totalSize(out, offset)
	if err != nil {
		_ = out.Body.Close() // unread: the size it announced is already wrong
		return nil, 0, fmt.Errorf("get %s: %w", loc, err)
	}
	return &body{ReadCloser: out.Body, url: loc.String()}, size, nil
}

// withoutRetries leaves retrying to the downloader, which resumes with a
// Range request instead of starting over.
func withoutRetries(o *s3.Options) { o.RetryMaxAttempts = 1 }

func (h *Handler) client(ctx context.Context, loc Location) (*s3.Client, error) {
	return h.clients.For(ctx, loc, h.opts)
}

// totalSize reads the object's size from Content-Length, or from the total
// in Content-Range ("bytes 5-99/100") for a ranged answer.
func totalSize(out *s3.GetObjectOutput, offset int64) (int64, error) {
	if offset == 0 {
		if out.ContentLength == nil {
			return -1, nil
		}
		return *out.ContentLength, nil
	}
	contentRange := aws.ToString(out.ContentRange)
	if contentRange == "" {
		return 0, errors.New("the server ignored the range request")
	}
	_, total, found := strings.Cut(contentRange, "/")
	size, err := strconv.ParseInt(total, 10, 64)
	if !found || err != nil {
		return -1, nil
	}
	return size, nil
}

func markTransient(err error) error {
	var s3Err *Error
	if errors.As(err, &s3Err) && s3Err.Transient() {
		return transfer.Transient(err)
	}
	return err
}

// body marks a connection that breaks mid-object as transient, so that the
// downloader resumes from the bytes it already has.
type body struct {
	io.ReadCloser
	url string
}

func (b *body) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = transfer.Transient(fmt.Errorf("read %s: %w", b.url, err))
	}
	return n, err
}
