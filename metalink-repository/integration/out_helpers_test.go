package integration_test

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
)

// outCounter makes names unique within this parallel process, whose servers
// are its own.
var outCounter atomic.Int64

func outUnique(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, outCounter.Add(1))
}

// outRepo is a git repository on the shared git server with one commit, so
// that its default branch exists.
type outRepo struct {
	*gitserver.Repo
}

func newOutRepo() outRepo {
	repo := gitserver.NewRepo(GinkgoT(), world.gitRoot, outUnique("out")+".git")
	repo.WriteFiles(GinkgoT(), "start", map[string]string{"README": "metalinks live in metalinks/\n"})
	return outRepo{Repo: repo}
}

// httpURI reaches the repository over HTTP with basic auth.
func (r outRepo) httpURI() string {
	address := strings.TrimPrefix(world.gitHTTP.URL, "http://")
	return fmt.Sprintf("git+http://%s:%s@%s/%s//metalinks", gitUser, gitPassword, address, r.Name)
}

func (r outRepo) metalinkAt(version string) metalink.Metalink {
	m, err := metalink.Parse([]byte(r.Show(GinkgoT(), "metalinks/v"+version+".meta4")))
	Expect(err).NotTo(HaveOccurred())
	return m
}

// outBucket is a new bucket on the shared S3 server.
type outBucket string

func newOutBucket() outBucket {
	name := outUnique("out")
	world.createBucket(name)
	return outBucket(name)
}

func (b outBucket) url(key string) string { return world.s3.URL(string(b), key) }

// object returns the content and metadata of key; ok is false when it does not exist.
func (b outBucket) object(key string) (content []byte, metadata map[string]string, ok bool) {
	out, err := world.s3.Client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(string(b)), Key: aws.String(key)})
	if err != nil {
		Expect(err.Error()).To(ContainSubstring("NoSuchKey"))
		return nil, nil, false
	}
	var buf bytes.Buffer
	_, err = buf.ReadFrom(out.Body)
	Expect(err).NotTo(HaveOccurred())
	Expect(out.Body.Close()).To(Succeed())
	return buf.Bytes(), out.Metadata, true
}

// isEmpty reports whether the bucket holds no object and no unfinished upload.
func (b outBucket) isEmpty() bool {
	uploads, err := world.s3.Client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(string(b))})
	Expect(err).NotTo(HaveOccurred())
	return len(b.keys()) == 0 && len(uploads.Uploads) == 0
}

// keys lists every object in the bucket.
func (b outBucket) keys() []string {
	objects, err := world.s3.Client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(string(b))})
	Expect(err).NotTo(HaveOccurred())
	var keys []string
	for _, o := range objects.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys
}

// outBuild is the build directory handed to out.
type outBuild string

func newOutBuild() outBuild { return outBuild(GinkgoT().TempDir()) }

func (b outBuild) write(path string, content []byte) {
	target := filepath.Join(string(b), filepath.FromSlash(path))
	Expect(os.MkdirAll(filepath.Dir(target), 0o755)).To(Succeed())
	Expect(os.WriteFile(target, content, 0o644)).To(Succeed())
}

func outRandom(n int, seed byte) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{seed}).Read(b)
	return b
}

// outAnswer is what out prints on success.
type outAnswer struct {
	Version  map[string]string   `json:"version"`
	Metadata []map[string]string `json:"metadata"`
}

func decodeOutAnswer(r result) outAnswer {
	var answer outAnswer
	Expect(json.Unmarshal(r.stdout, &answer)).To(Succeed(), "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	return answer
}

// expectFailure checks the contract of a failed out: exit 1, nothing on
// stdout, and a last stderr line "out: ..." that says want.
func expectFailure(r result, want string) {
	GinkgoHelper()
	Expect(r.code).To(Equal(1), "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	Expect(r.stdout).To(BeEmpty())
	lines := r.lines()
	Expect(lines).NotTo(BeEmpty())
	Expect(lines[len(lines)-1]).To(And(HavePrefix("out: "), ContainSubstring(want)))
}

// releaseSite serves release files over HTTP; /corrupt/NAME serves NAME
// with one bit flipped.
type releaseSite struct {
	*httptest.Server
	files map[string][]byte
}

func startReleaseSite(files map[string][]byte) releaseSite {
	site := releaseSite{files: files}
	site.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dir, name, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		content, ok := files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if dir == "corrupt" {
			content = bytes.Clone(content)
			content[len(content)-1] ^= 1
		}
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(content))
	}))
	DeferCleanup(site.Close)
	return site
}

// metalinkFor describes name as the site serves it under dir.
func (s releaseSite) metalinkFor(version, dir, name string) metalink.Metalink {
	content := s.files[name]
	return metalink.Metalink{Files: []metalink.File{{
		Name: name, Version: version, Size: uint64(len(content)),
		Hashes: []metalink.Hash{{Type: "sha-512", Hash: sha512Hex(content)}},
		URLs:   []metalink.URL{{URL: s.URL + "/" + dir + "/" + name}},
	}}}
}

func sha512Hex(content []byte) string {
	sum := sha512.Sum512(content)
	return hex.EncodeToString(sum[:])
}
