package mirror

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
)

// Objects of partSize bytes or more are uploaded in parts, partConcurrency at
// a time; smaller ones in one PutObject. partSize is the smallest part S3
// takes, 5 MiB, and with at most 10,000 parts a streamed upload, whose size
// the uploader is not told, holds up to 48.8 GiB. An upload holds about
// (partConcurrency+2)*partSize bytes: the first part, which decides between
// PutObject and a multipart upload, and a pool of partConcurrency+1 parts.
// One part in flight, not two, since Sigstore verification made every
// binary 9 MB larger: out with an S3 mirror peaked at 62–64 MiB against its
// 64 MiB bound with two (57 MiB with one, for a 15% slower upload on
// loopback, where hashing, not the upload, is most of the time).
const (
	partSize        = 5 << 20
	partConcurrency = 1
)

// abortTimeout bounds the AbortMultipartUpload of a failed upload, which runs
// on a context of its own: stored parts cost money, so they are removed even
// when the run is being cancelled.
const abortTimeout = time.Minute

// S3 copies an object of up to maxCopySize in one request; a larger one is
// copied in parts of copyPartSize, which with at most 10,000 parts covers the
// largest object S3 stores (5 TiB).
const (
	maxCopySize  = 5 << 30
	copyPartSize = 1 << 30
)

// s3Endpoint is a client and its transfer manager, shared by the
// destinations that use the same endpoint, bucket and credentials, so that
// their uploads share connections.
type s3Endpoint struct {
	client   *s3.Client
	uploader *transfermanager.Client
	// maxCopySize and copyPartSize are the package's constants, lowered by
	// tests that copy in parts without copying gigabytes.
	maxCopySize, copyPartSize int64
}

func newS3Endpoint(client *s3.Client) *s3Endpoint {
	uploader := transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = partSize
		o.MultipartUploadThreshold = partSize
		o.Concurrency = partConcurrency
		// The client's choice, which for S3-compatible servers is to send
		// only the checksums an operation requires: the transfer manager
		// would otherwise add CRC32 to every request.
		o.RequestChecksumCalculation = client.Options().RequestChecksumCalculation
		o.FailTimeout = abortTimeout
	})
	return &s3Endpoint{client: client, uploader: uploader, maxCopySize: maxCopySize, copyPartSize: copyPartSize}
}

// s3Destination is an object in a bucket. The object's metadata records the
// file's hashes, which is how a later put recognises a copy that is already
// there without reading it back.
type s3Destination struct {
	*s3Endpoint
	loc s3client.Location
}

func (d *s3Destination) String() string { return d.loc.String() }

func (d *s3Destination) existing(ctx context.Context) (*existing, error) {
	head, err := d.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(d.loc.Bucket), Key: aws.String(d.loc.Key)})
	if s3client.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, s3client.WrapError("head", d.loc.String(), err)
	}
	digests := head.Metadata
	return &existing{
		size: aws.ToInt64(head.ContentLength),
		digest: func(ctx context.Context, hashType string) (string, error) {
			if recorded := lookupFold(digests, hashType); recorded != "" {
				return recorded, nil
			}
			return d.readBack(ctx, hashType)
		},
	}, nil
}

// readBack hashes the object's bytes: one whose hashes were never recorded
// (another tool put it, or S3 refused the copy that records them) is proved
// the file, or other bytes, only by reading it.
func (d *s3Destination) readBack(ctx context.Context, hashType string) (string, error) {
	out, err := d.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(d.loc.Bucket), Key: aws.String(d.loc.Key)})
	if err != nil {
		return "", s3client.WrapError("read", d.loc.String(), err)
	}
	sum, err := hashFile(out.Body, hashType)
	if err = errors.Join(err, out.Body.Close()); err != nil {
		return "", fmt.Errorf("read %s: %w", d.loc, err)
	}
	return sum, nil
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

// create streams the copy through a pipe into the SDK's transfer manager.
// UploadObject finishes an object (PutObject, or CompleteMultipartUpload)
// only once its body ends with io.EOF, and only commit ends it so, once the
// bytes are verified: a bad copy never becomes an object under the key.
// abort ends the body with an error instead (see abortError): before the
// first part is read whole, UploadObject then sends nothing; after it,
// UploadObject sends no further part, aborts the multipart upload (on a
// context of its own, see abortTimeout) and never completes it, so no part is
// left behind either.
func (d *s3Destination) create(ctx context.Context, f metalink.File) (upload, error) {
	return d.put(ctx, hashMetadata(f)), nil
}

func (d *s3Destination) put(ctx context.Context, metadata map[string]string) *s3Upload {
	reader, writer := io.Pipe()
	u := &s3Upload{target: d.loc.String(), pipe: writer, done: make(chan struct{})}
	input := &transfermanager.UploadObjectInput{
		Bucket:      aws.String(d.loc.Bucket),
		Key:         aws.String(d.loc.Key),
		Body:        reader,
		ContentType: aws.String(contentType),
		Metadata:    metadata,
	}
	go func() {
		_, err := d.uploader.UploadObject(ctx, input)
		// A failed upload reads no more: this tells a blocked Write why
		// (CloseWithError itself always returns nil).
		_ = reader.CloseWithError(err)
		u.err = err
		close(u.done)
	}()
	return u
}

const contentType = "application/octet-stream"

// copyFrom makes the object a server-side copy of source, which holds size
// bytes, recording metadata instead of source's.
func (d *s3Destination) copyFrom(ctx context.Context, source s3client.Location, size int64, metadata map[string]string) error {
	var err error
	if size <= d.maxCopySize {
		_, err = d.client.CopyObject(ctx, &s3.CopyObjectInput{
			Bucket:            aws.String(d.loc.Bucket),
			Key:               aws.String(d.loc.Key),
			CopySource:        aws.String(copySource(source)),
			MetadataDirective: types.MetadataDirectiveReplace,
			Metadata:          metadata,
			ContentType:       aws.String(contentType),
		})
	} else {
		err = d.copyInParts(ctx, source, size, metadata)
	}
	return s3client.WrapError("copy "+source.String()+" to", d.loc.String(), err)
}

// copyInParts copies an object too large for one CopyObject through a
// multipart upload, which is aborted if any part fails.
func (d *s3Destination) copyInParts(ctx context.Context, source s3client.Location, size int64, metadata map[string]string) error {
	created, err := d.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket:      aws.String(d.loc.Bucket),
		Key:         aws.String(d.loc.Key),
		Metadata:    metadata,
		ContentType: aws.String(contentType),
	})
	if err != nil {
		return err
	}
	parts, err := d.copyParts(ctx, source, size, created.UploadId)
	if err == nil {
		_, err = d.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
			Bucket:          aws.String(d.loc.Bucket),
			Key:             aws.String(d.loc.Key),
			UploadId:        created.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		})
	}
	if err != nil {
		// Even when the run is being cancelled: stored parts cost money.
		_, _ = d.client.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{
			Bucket: aws.String(d.loc.Bucket), Key: aws.String(d.loc.Key), UploadId: created.UploadId,
		})
	}
	return err
}

func (d *s3Destination) copyParts(ctx context.Context, source s3client.Location, size int64, uploadID *string) ([]types.CompletedPart, error) {
	var parts []types.CompletedPart
	for start, number := int64(0), int32(1); start < size; start, number = start+d.copyPartSize, number+1 {
		end := min(start+d.copyPartSize, size) - 1
		out, err := d.client.UploadPartCopy(ctx, &s3.UploadPartCopyInput{
			Bucket:          aws.String(d.loc.Bucket),
			Key:             aws.String(d.loc.Key),
			UploadId:        uploadID,
			PartNumber:      aws.Int32(number),
			CopySource:      aws.String(copySource(source)),
			CopySourceRange: aws.String(fmt.Sprintf("bytes=%d-%d", start, end)),
		})
		if err != nil {
			return nil, err
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(number), ETag: out.CopyPartResult.ETag})
	}
	return parts, nil
}

// copySource is BUCKET/KEY percent-encoded, as x-amz-copy-source wants it;
// '+' too, which S3 would read as a space.
func copySource(loc s3client.Location) string {
	segments := strings.Split(loc.Key, "/")
	for i, segment := range segments {
		segments[i] = strings.ReplaceAll(url.PathEscape(segment), "+", "%2B")
	}
	return loc.Bucket + "/" + strings.Join(segments, "/")
}

// remove deletes the object, even when the run is being cancelled: it is
// called to clean up.
func (d *s3Destination) remove(ctx context.Context) error {
	_, err := d.client.DeleteObject(context.WithoutCancel(ctx), &s3.DeleteObjectInput{
		Bucket: aws.String(d.loc.Bucket), Key: aws.String(d.loc.Key),
	})
	return s3client.WrapError("delete", d.loc.String(), err)
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
	err    error // UploadObject's result, set before done closes
	once   sync.Once
}

func (u *s3Upload) remote() bool { return true }

func (u *s3Upload) Write(p []byte) (int, error) {
	n, err := u.pipe.Write(p)
	if err != nil {
		return n, s3client.WrapError("put", u.target, err)
	}
	return n, nil
}

// commit ends the body, on which the transfer manager sends the last part
// and completes the object, and waits for it. (*io.PipeWriter).Close always
// returns nil: what the upload made of the body is u.err.
func (u *s3Upload) commit() error {
	u.once.Do(func() { _ = u.pipe.Close() })
	<-u.done
	return s3client.WrapError("put", u.target, u.err)
}

// abort waits for the transfer manager to give up, which is what abort
// promises (nothing is left under the key); why it gave up is cause, which
// the caller already has, so the upload's own error is not returned.
func (u *s3Upload) abort(cause error) {
	// CloseWithError always returns nil.
	u.once.Do(func() { _ = u.pipe.CloseWithError(abortError{cause}) })
	<-u.done
}

// abortError ends an aborted upload's body. It is never io.EOF, whatever the
// cause, since the transfer manager would read io.EOF as the body's end and
// complete the object.
type abortError struct{ cause error }

func (e abortError) Error() string {
	if e.cause == nil {
		return "aborted"
	}
	return "aborted: " + e.cause.Error()
}

func (e abortError) Unwrap() error { return e.cause }
