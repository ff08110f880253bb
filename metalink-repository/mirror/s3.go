package mirror

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/s3store"
)

// Objects larger than partSize are uploaded in parts, partConcurrency at a
// time: an upload holds at most (partConcurrency+1)*partSize bytes.
const (
	partSize        = manager.MinUploadPartSize
	partConcurrency = 2
)

// s3Endpoint is a client and its uploader, shared by the destinations that
// use the same endpoint, bucket and credentials, so that part buffers are
// reused from one upload to the next.
type s3Endpoint struct {
	client   *s3.Client
	uploader *manager.Uploader
}

func newS3Endpoint(client *s3.Client) *s3Endpoint {
	return &s3Endpoint{client: client, uploader: manager.NewUploader(client, func(u *manager.Uploader) {
		u.PartSize = partSize
		u.Concurrency = partConcurrency
		u.RequestChecksumCalculation = client.Options().RequestChecksumCalculation
	})}
}

// s3Destination is an object in a bucket. The object's metadata records the
// file's hashes, which is how a later put recognises a copy that is already
// there without reading it back.
type s3Destination struct {
	*s3Endpoint
	loc s3store.Location
}

func (d *s3Destination) String() string { return d.loc.String() }

func (d *s3Destination) labelled() bool { return true }

func (d *s3Destination) existing(ctx context.Context) (*existing, error) {
	head, err := d.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(d.loc.Bucket), Key: aws.String(d.loc.Key)})
	if s3store.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, s3store.WrapError("head", d.loc.String(), err)
	}
	digests := head.Metadata
	return &existing{
		size: aws.ToInt64(head.ContentLength),
		digest: func(_ context.Context, hashType string) (string, error) {
			return lookupFold(digests, hashType), nil
		},
	}, nil
}

// lookupFold finds key in metadata whatever the case the server gave it.
func lookupFold(metadata map[string]string, key string) string {
	for k, v := range metadata {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return ""
}

// create streams the copy through a pipe into the SDK's uploader. The
// uploader finishes an object (PutObject, or CompleteMultipartUpload) only
// after the body ends, and the body ends only at commit, once the bytes are
// verified: a bad copy never becomes an object under the key. abort ends the
// body with an error instead, on which the uploader aborts a multipart
// upload, so no part is left behind either.
func (d *s3Destination) create(ctx context.Context, f metalink.File) (upload, error) {
	reader, writer := io.Pipe()
	u := &s3Upload{target: d.loc.String(), pipe: writer, done: make(chan struct{})}
	input := &s3.PutObjectInput{
		Bucket:      aws.String(d.loc.Bucket),
		Key:         aws.String(d.loc.Key),
		Body:        reader,
		ContentType: aws.String("application/octet-stream"),
		Metadata:    hashMetadata(f),
	}
	go func() {
		_, err := d.uploader.Upload(ctx, input)
		// A failed upload reads no more: this tells a blocked Write why.
		reader.CloseWithError(err)
		u.err = err
		close(u.done)
	}()
	return u, nil
}

// hashMetadata records f's hashes, e.g. x-amz-meta-sha-256.
func hashMetadata(f metalink.File) map[string]string {
	metadata := map[string]string{}
	for _, h := range f.Hashes {
		metadata[strings.ToLower(strings.TrimSpace(h.Type))] = strings.ToLower(strings.TrimSpace(h.Hash))
	}
	return metadata
}

type s3Upload struct {
	target string
	pipe   *io.PipeWriter
	done   chan struct{}
	err    error // the uploader's result, set before done closes
	once   sync.Once
}

func (u *s3Upload) remote() bool { return true }

func (u *s3Upload) Write(p []byte) (int, error) {
	n, err := u.pipe.Write(p)
	if err != nil {
		return n, s3store.WrapError("put", u.target, err)
	}
	return n, nil
}

func (u *s3Upload) commit() error {
	u.once.Do(func() { _ = u.pipe.Close() })
	<-u.done
	return s3store.WrapError("put", u.target, u.err)
}

func (u *s3Upload) abort(cause error) {
	if cause == nil {
		cause = errors.New("aborted")
	}
	u.once.Do(func() { _ = u.pipe.CloseWithError(cause) })
	<-u.done
}
