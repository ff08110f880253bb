package mirror

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
)

// stagingPrefix starts the name of every temporary copy of a generated
// file. The rest of the name is 128 random bits, so that it collides with
// no other copy, of this run or of another one writing to the same place.
const stagingPrefix = ".metalink-upload-"

// stagingArea is where the copies of a generated file for one target are
// written while the file is read and hashed, before the hashes name their
// destination. It lies in the deepest directory, or under the longest key
// prefix, that the target's destination has whatever the hashes: on the same
// file system or FTP server as the destination, so that a rename moves the
// copy there, or in the same bucket, so that S3 copies it there, and where
// whoever may write the destination may write.
type stagingArea interface {
	start(ctx context.Context) (stagedUpload, error)
}

// stagedUpload is a copy to a temporary name. Before commit, place says
// where it goes once the hashes are known: commit then moves it to final,
// or, when final is nil (the destination holds the file already), only
// removes the temporary copy.
type stagedUpload interface {
	upload
	place(key string, final destination, f metalink.File)
}

// placement is what place tells a staged copy, for its commit.
type placement struct {
	key   string      // the mirror_files key, for errors
	final destination // nil: the destination holds the file already
	file  metalink.File
}

func (p *placement) place(key string, final destination, f metalink.File) {
	p.key, p.final, p.file = key, final, f
}

// stagingArea finds where the copies for a target go while the hashes are
// computed, from two renderings of its destination with different hashes.
func (o *opener) stagingArea(ctx context.Context, first, second string) (stagingArea, error) {
	for _, raw := range []string{first, second} {
		if err := checkDestination(raw); err != nil {
			return nil, err
		}
	}
	if schemeOf(first) != schemeOf(second) {
		return nil, fmt.Errorf("destination %s: its scheme may not depend on the hashes", redact.Quote(redact.String(first)))
	}
	switch schemeOf(first) {
	case "file":
		return o.fileStaging(first, second)
	case "ftp":
		return o.ftpStaging(first, second)
	}
	return o.s3Staging(ctx, first, second)
}

func (o *opener) fileStaging(first, second string) (stagingArea, error) {
	a, err := parseFileDestination(first, o.baseDir)
	if err != nil {
		return nil, err
	}
	b, err := parseFileDestination(second, o.baseDir)
	if err != nil {
		return nil, err
	}
	dir, ok := commonDir(filepath.Dir(a), filepath.Dir(b))
	if !ok {
		return nil, fmt.Errorf("destination %s: whether it is absolute may not depend on the hashes", redact.Quote(first))
	}
	return fileStaging{dir: dir}, nil
}

func (o *opener) s3Staging(ctx context.Context, first, second string) (stagingArea, error) {
	a, err := s3client.ParseURL(first)
	if err != nil {
		return nil, err
	}
	b, err := s3client.ParseURL(second)
	if err != nil {
		return nil, err
	}
	if a.Host != b.Host || a.Bucket != b.Bucket || a.AccessKey != b.AccessKey || a.SecretKey != b.SecretKey {
		return nil, fmt.Errorf("destination %s: its endpoint and bucket may not depend on the hashes", a)
	}
	endpoint, err := o.s3Endpoint(ctx, a, first)
	if err != nil {
		return nil, err
	}
	if first == second {
		return s3InPlace{object: &s3Destination{s3Endpoint: endpoint, loc: a}}, nil
	}
	a.Key = commonKeyPrefix(a.Key, b.Key)
	return s3Staging{endpoint: endpoint, prefix: a}, nil
}

func (o *opener) ftpStaging(first, second string) (stagingArea, error) {
	a, err := parseFTPDestination(first)
	if err != nil {
		return nil, err
	}
	b, err := parseFTPDestination(second)
	if err != nil {
		return nil, err
	}
	dir := &ftpDestination{client: o.ftp, target: a}
	if !dir.sameServer(&ftpDestination{target: b}) {
		return nil, fmt.Errorf("destination %s: its server and login may not depend on the hashes", dir)
	}
	// Both paths start with '/', so they share at least the root.
	return ftpStaging{dir: dir.at(commonKeyPrefix(a.Path, b.Path))}, nil
}

// commonDir is the deepest directory that holds both a and b; ok is false
// when there is none, one being absolute and the other relative.
func commonDir(a, b string) (dir string, ok bool) {
	for a != b {
		if len(a) < len(b) {
			a, b = b, a
		}
		parent := filepath.Dir(a)
		if parent == a {
			return "", false
		}
		a = parent
	}
	return a, true
}

// commonKeyPrefix is the longest prefix ending in '/' (or "") that a and b share.
func commonKeyPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return a[:strings.LastIndex(a[:n], "/")+1]
}

// fileStaging writes a temporary file in dir.
type fileStaging struct {
	dir string
}

func (s fileStaging) start(context.Context) (stagedUpload, error) {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, err
	}
	temp, err := os.CreateTemp(s.dir, stagingPrefix+"*")
	if err != nil {
		return nil, err
	}
	return &stagedFile{fileUpload: &fileUpload{temp: temp}}, nil
}

// stagedFile is a temporary file that commit renames to its destination,
// or removes when the destination already holds the file.
type stagedFile struct {
	*fileUpload
	placement
}

func (s *stagedFile) commit() error {
	err := s.moveIntoPlace()
	// A temporary file that was not renamed is removed (abort is the
	// embedded fileUpload's: stagedFile replaces only commit).
	s.abort(err)
	return err
}

func (s *stagedFile) moveIntoPlace() error {
	if s.final == nil {
		return nil
	}
	final, ok := s.final.(fileDestination)
	if !ok {
		return fmt.Errorf("%s: expected a file:// destination, as the sample rendering was", s.key)
	}
	if err := os.MkdirAll(filepath.Dir(final.path), 0o755); err != nil {
		return err
	}
	s.target = final.path
	return s.fileUpload.commit()
}

// s3Staging uploads to a temporary key under prefix.
type s3Staging struct {
	endpoint *s3Endpoint
	prefix   s3client.Location
}

func (s s3Staging) start(ctx context.Context) (stagedUpload, error) {
	temp := s.prefix
	temp.Key += stagingPrefix + rand.Text()
	object := &s3Destination{s3Endpoint: s.endpoint, loc: temp}
	return &stagedObject{s3Upload: object.put(s3client.ForTemporaryObject(ctx), nil), temp: object, ctx: ctx}, nil
}

// stagedObject is an upload to a temporary key that commit copies, on the
// server, to the destination with the hashes as metadata. commit removes the
// temporary object whatever happens; abort leaves none to remove.
type stagedObject struct {
	*s3Upload
	placement
	temp *s3Destination
	ctx  context.Context
}

func (s *stagedObject) commit() error {
	if err := s.s3Upload.commit(); err != nil {
		// The uploader gave up and aborted: there should be no object, unless
		// only the answer to its last request was lost.
		_ = s.temp.remove(s.ctx)
		return err
	}
	if s.final == nil {
		return s.temp.remove(s.ctx)
	}
	final, ok := s.final.(*s3Destination)
	if !ok {
		return errors.Join(fmt.Errorf("%s: expected an s3:// destination, as the sample rendering was", s.key), s.temp.remove(s.ctx))
	}
	err := final.copyFrom(s.ctx, s.temp.loc, int64(s.file.Size), hashMetadata(s.file))
	return errors.Join(err, s.temp.remove(s.ctx))
}

// s3InPlace uploads straight to a destination whose key does not depend on
// the hashes. A multipart upload (or the PutObject of a small file, sent only
// at the body's end) becomes visible only when completed, so no temporary key
// is needed; only the metadata waits for the hashes, and a copy of the object
// onto itself records it. S3, versitygw and MinIO change only the metadata
// then; a staged copy would copy every byte again.
type s3InPlace struct {
	object *s3Destination
}

func (s s3InPlace) start(ctx context.Context) (stagedUpload, error) {
	// In the default storage class until the copy onto itself, which sets
	// storage_class: an archived object could not be copied.
	return &inPlaceObject{s3Upload: s.object.put(s3client.ForTemporaryObject(ctx), nil), object: s.object, ctx: ctx}, nil
}

// inPlaceObject is an upload to its final key. When the destination holds
// the file already, commit abandons it unfinished, which leaves that object
// as it was.
type inPlaceObject struct {
	*s3Upload
	placement
	object *s3Destination
	ctx    context.Context
}

func (s *inPlaceObject) commit() error {
	if s.final == nil {
		s.abort(nil)
		return nil
	}
	if s.final.String() != s.object.String() {
		err := fmt.Errorf("%s: rendered as %s, not as its sample %s", s.key, s.final, s.object)
		s.abort(err)
		return err
	}
	if err := s.s3Upload.commit(); err != nil {
		return err
	}
	// Should this fail, the object holds the right bytes but no record of
	// its hashes, so the next put uploads it again rather than trust it.
	return s.object.copyFrom(s.ctx, s.object.loc, int64(s.file.Size), hashMetadata(s.file))
}
