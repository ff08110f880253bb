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
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/parsecache"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
)

const (
	// fetchConcurrency bounds the metalinks downloaded at once while listing.
	fetchConcurrency = 16
	// cacheRoot is the directory under $TMPDIR that holds the parsed
	// metalinks of each bucket prefix (see parsecache), the version in the
	// file's name changing with its layout.
	cacheRoot = "metalink-repository-s3"
	indexFile = "metalinks-v2.gob"
)

// Repository is the metalinks under one prefix of a bucket.
type Repository struct {
	client *s3.Client
	host   string
	bucket string
	prefix string    // "" or ending in "/"
	index  string    // the parsecache file of this prefix
	stderr io.Writer // warnings
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
		return open(ctx, loc, opts, env)
	}, nil
}

func open(ctx context.Context, loc s3client.Location, opts s3client.Options, env repository.Env) (repository.Repository, error) {
	client, err := s3client.NewClient(ctx, loc, opts, env.Client())
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", loc, err)
	}
	prefix := loc.Key
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	tempDir := env.TempDir
	if tempDir == "" {
		tempDir = os.TempDir()
	}
	key := sha256.Sum256([]byte(loc.Host + "/" + loc.Bucket + "/" + prefix))
	index := filepath.Join(tempDir, cacheRoot, hex.EncodeToString(key[:]), indexFile)
	stderr := env.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	return &Repository{client: client, host: loc.Host, bucket: loc.Bucket, prefix: prefix, index: index, stderr: stderr}, nil
}

// url is the s3:// URL of key, without credentials.
func (r *Repository) url(key string) string {
	return s3client.Location{Host: r.host, Bucket: r.bucket, Key: key}.String()
}

// List pages through the prefix and fetches the *.meta4 objects concurrently
// while later pages are still being listed. A document the cache holds
// under the same key, ETag and size is not fetched again: a warm check of
// an unchanged bucket is its listing alone.
func (r *Repository) List(ctx context.Context) ([]repository.Entry, error) {
	index := parsecache.Load(r.index)
	found, err := r.listAndFetch(ctx, index)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(found, func(a, b listed) int { return strings.Compare(a.entry.Path, b.entry.Path) })
	ids := make([]string, len(found))
	entries := make([]repository.Entry, len(found))
	cacheable := make([]bool, len(found))
	for i, f := range found {
		ids[i], entries[i], cacheable[i] = f.id, f.entry, f.cacheable
	}
	if err := index.Save(ids, entries, cacheable); err != nil {
		// The listing is right; the next check only works harder.
		_, _ = fmt.Fprintf(r.stderr, "warning: cannot save the metalink cache: %v\n", err)
	}
	return entries, nil
}

// listed is one document of the listing, and what the cache keeps of it.
type listed struct {
	entry     repository.Entry
	id        string
	cacheable bool
}

// objectID names an object's content in the cache: a new upload under the
// same key gets another ETag.
func objectID(key, etag string, size int64) string {
	return fmt.Sprintf("%s\x00%s\x00%d", key, etag, size)
}

func (r *Repository) listAndFetch(ctx context.Context, index *parsecache.Index) ([]listed, error) {
	group, groupCtx := errgroup.WithContext(ctx)
	group.SetLimit(fetchConcurrency)
	var mu sync.Mutex
	var found []listed
	add := func(l listed) {
		mu.Lock()
		defer mu.Unlock()
		found = append(found, l)
	}
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
			id := objectID(key, aws.ToString(object.ETag), aws.ToInt64(object.Size))
			if m, ok := index.Get(id); ok {
				add(listed{entry: repository.Entry{Path: strings.TrimPrefix(key, r.prefix), Metalink: m}, id: id, cacheable: true})
				continue
			}
			group.Go(func() error {
				l, err := r.fetch(groupCtx, key)
				if err == nil {
					add(l)
				}
				return err
			})
		}
	}
	return found, group.Wait()
}

// fetch gets and parses key. Its cache id comes from the answer, not the
// listing, so that an object replaced in between is fetched again next time.
func (r *Repository) fetch(ctx context.Context, key string) (listed, error) {
	out, err := r.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(r.bucket), Key: aws.String(key)})
	if err != nil {
		return listed{}, s3client.WrapError("get", r.url(key), err)
	}
	defer func() { _ = out.Body.Close() }() // a response body only reads: closing loses nothing
	data, err := io.ReadAll(io.LimitReader(out.Body, metalink.MaxDocumentSize+1))
	if err != nil {
		return listed{}, fmt.Errorf("get %s: %w", r.url(key), err)
	}
	if len(data) > metalink.MaxDocumentSize {
		return listed{}, fmt.Errorf("get %s: larger than %d MiB, not a metalink", r.url(key), metalink.MaxDocumentSize>>20)
	}
	m, err := metalink.Parse(data)
	if err != nil {
		return listed{}, fmt.Errorf("parse %s: %w", r.url(key), err)
	}
	var check parsecache.RoundTrip
	return listed{
		entry:     repository.Entry{Path: strings.TrimPrefix(key, r.prefix), Metalink: m},
		id:        objectID(key, aws.ToString(out.ETag), int64(len(data))),
		cacheable: check.Exact(m),
	}, nil
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
		Metadata:      metadataOf(doc.Trailers),
	})
	return s3client.WrapError("put", r.url(key), err)
}

// metadataOf is the put's trailers as object metadata, keys in lower case
// as S3 returns them: {"mirrored-by": URL}.
func metadataOf(trailers []repository.Trailer) map[string]string {
	if len(trailers) == 0 {
		return nil
	}
	metadata := make(map[string]string, len(trailers))
	for _, t := range trailers {
		metadata[strings.ToLower(t.Key)] = t.Value
	}
	return metadata
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
