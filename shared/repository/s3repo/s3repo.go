// Package s3repo is the s3:// metalink repository backend: every *.meta4
// object under a prefix of a bucket.
//
//	s3://HOST[:PORT]/BUCKET/PREFIX   (PREFIX may be empty: s3://HOST/BUCKET/)
//
// The prefix is a directory: s3://host/bucket/prod lists prod/… but not
// production/… (the original matched any key starting with "prod"), and
// Put stores NAME at prod/NAME.
package s3repo

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
)

// fetchConcurrency bounds the metalinks downloaded at once while listing.
const fetchConcurrency = 16

// Repository is the metalinks under one prefix of a bucket.
type Repository struct {
	client *s3.Client
	host   string
	bucket string
	prefix string // "" or ending in "/"
}

// Configure validates uri and opts; names are the front end's names of
// "uri" and "options". Opening builds the client.
func Configure(uri string, opts s3client.Options, names field.Names) (repository.Opener, error) {
	loc, err := s3client.ParseURL(uri)
	if err != nil {
		return nil, names.Errorf("uri", "%w", err)
	}
	// The fields are keys under the options the wrapping names.
	if err := opts.Validate(nil); err != nil {
		return nil, names.Errorf("options", "%w", err)
	}
	return func(ctx context.Context, env repository.Env) (repository.Repository, error) {
		return open(ctx, loc, opts, env.Client())
	}, nil
}

func open(ctx context.Context, loc s3client.Location, opts s3client.Options, netClient *network.Client) (repository.Repository, error) {
	client, err := s3client.NewClient(ctx, loc, opts, netClient)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", loc, err)
	}
	prefix := loc.Key
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return &Repository{client: client, host: loc.Host, bucket: loc.Bucket, prefix: prefix}, nil
}

// url is the s3:// URL of key, without credentials.
func (r *Repository) url(key string) string {
	return s3client.Location{Host: r.host, Bucket: r.bucket, Key: key}.String()
}

// List pages through the prefix and fetches the *.meta4 objects concurrently
// while later pages are still being listed.
func (r *Repository) List(ctx context.Context) ([]repository.Entry, error) {
	group, groupCtx := errgroup.WithContext(ctx)
	group.SetLimit(fetchConcurrency)
	var mu sync.Mutex
	var entries []repository.Entry
	pages := s3.NewListObjectsV2Paginator(r.client, &s3.ListObjectsV2Input{
		Bucket: aws.String(r.bucket),
		Prefix: aws.String(r.prefix),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(groupCtx)
		if err != nil {
			// A failed fetch cancels the listing; report the fetch, not the cancellation.
			if fetchErr := group.Wait(); fetchErr != nil {
				return nil, fetchErr
			}
			return nil, s3client.WrapError("list", r.url(r.prefix), err)
		}
		for _, object := range page.Contents {
			key := aws.ToString(object.Key)
			if !strings.HasSuffix(key, ".meta4") {
				continue
			}
			group.Go(func() error {
				entry, err := r.fetch(groupCtx, key)
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				entries = append(entries, entry)
				return nil
			})
		}
	}
	if err := group.Wait(); err != nil {
		return nil, err
	}
	slices.SortFunc(entries, func(a, b repository.Entry) int { return strings.Compare(a.Path, b.Path) })
	return entries, nil
}

func (r *Repository) fetch(ctx context.Context, key string) (repository.Entry, error) {
	out, err := r.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(r.bucket), Key: aws.String(key)})
	if err != nil {
		return repository.Entry{}, s3client.WrapError("get", r.url(key), err)
	}
	defer func() { _ = out.Body.Close() }() // a response body only reads: closing loses nothing
	data, err := io.ReadAll(io.LimitReader(out.Body, metalink.MaxDocumentSize+1))
	if err != nil {
		return repository.Entry{}, fmt.Errorf("get %s: %w", r.url(key), err)
	}
	if len(data) > metalink.MaxDocumentSize {
		return repository.Entry{}, fmt.Errorf("get %s: larger than %d MiB, not a metalink", r.url(key), metalink.MaxDocumentSize>>20)
	}
	m, err := metalink.Parse(data)
	if err != nil {
		return repository.Entry{}, fmt.Errorf("parse %s: %w", r.url(key), err)
	}
	return repository.Entry{Path: strings.TrimPrefix(key, r.prefix), Metalink: m}, nil
}

// CheckPut refuses an unsafe name.
func (r *Repository) CheckPut(name string) error {
	if err := metalink.ValidateName(name); err != nil {
		return fmt.Errorf("put into %s: %w", r.url(r.prefix), err)
	}
	return nil
}

// Put stores data at PREFIX/name, unless an object with the same size and
// MD5 ETag is already there.
func (r *Repository) Put(ctx context.Context, doc repository.Document) error {
	name, data := doc.Name, doc.Data
	if err := r.CheckPut(name); err != nil {
		return err
	}
	key := r.prefix + name
	if r.holds(ctx, key, data) {
		return nil
	}
	_, err := r.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(r.bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
		ContentType:   aws.String(contentType(data)),
	})
	return s3client.WrapError("put", r.url(key), err)
}

// holds reports whether key already has exactly data. Any doubt (no such
// key, no permission to look, a multipart ETag) means no: putting again is
// always correct, only slower.
func (r *Repository) holds(ctx context.Context, key string, data []byte) bool {
	head, err := r.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(r.bucket), Key: aws.String(key)})
	if err != nil {
		return false
	}
	sum := md5.Sum(data)
	return aws.ToInt64(head.ContentLength) == int64(len(data)) &&
		strings.Trim(aws.ToString(head.ETag), `"`) == hex.EncodeToString(sum[:])
}

// contentType tells JSON metalinks from meta4 XML, as metalink.Parse does.
func contentType(data []byte) string {
	body := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), " \t\r\n")
	if len(body) > 0 && body[0] == '{' {
		return "application/json"
	}
	return "application/metalink4+xml"
}

var _ repository.Repository = (*Repository)(nil)
