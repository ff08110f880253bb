package metalinkrepository_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	metalinkrepository "github.com/metalink-resources/metalink-resources/metalink-repository"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// fileRepo is a file:// metalink repository in a temporary directory.
type fileRepo struct {
	dir string
}

func newFileRepo() fileRepo {
	return fileRepo{dir: GinkgoT().TempDir()}
}

func (r fileRepo) uri() string {
	return "file://" + filepath.ToSlash(r.dir)
}

// add stores m as XML under the repository-relative path.
func (r fileRepo) add(path string, m metalink.Metalink) {
	data, err := metalink.MarshalXML(m)
	Expect(err).NotTo(HaveOccurred())
	r.addRaw(path, string(data))
}

func (r fileRepo) addRaw(path, content string) {
	target := filepath.Join(r.dir, filepath.FromSlash(path))
	Expect(os.MkdirAll(filepath.Dir(target), 0o755)).To(Succeed())
	Expect(os.WriteFile(target, []byte(content), 0o644)).To(Succeed())
}

// release is a metalink whose files all carry version.
func release(version string, files ...metalink.File) metalink.Metalink {
	if len(files) == 0 {
		files = []metalink.File{{Name: "app-" + version + ".tgz"}}
	}
	for i := range files {
		files[i].Version = version
	}
	return metalink.Metalink{Files: files}
}

// blob describes content served at urls, with its size and sha-256.
func blob(name string, content []byte, urls ...string) metalink.File {
	sum := sha256.Sum256(content)
	f := metalink.File{
		Name:   name,
		Size:   uint64(len(content)),
		Hashes: []metalink.Hash{{Type: "sha-256", Hash: hex.EncodeToString(sum[:])}},
	}
	for _, u := range urls {
		f.URLs = append(f.URLs, metalink.URL{URL: u})
	}
	return f
}

// result is what a command run left behind.
type result struct {
	code   int
	stdout string
	stderr string
}

// lines are the non-empty lines of stderr.
func (r result) lines() []string {
	return strings.FieldsFunc(r.stderr, func(c rune) bool { return c == '\n' })
}

func (r result) versions() []string {
	var answer []map[string]string
	Expect(json.Unmarshal([]byte(r.stdout), &answer)).To(Succeed(), "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	versions := make([]string, 0, len(answer))
	for _, v := range answer {
		versions = append(versions, v["version"])
	}
	return versions
}

func asJSON(request any) string {
	data, err := json.Marshal(request)
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}

func runCheck(stdin string) result {
	var stdout, stderr bytes.Buffer
	code := metalinkrepository.NewCheck(strings.NewReader(stdin), &stdout, &stderr, []string{"check"}).Execute(context.Background())
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

func runIn(stdin string, args ...string) result {
	var stdout, stderr bytes.Buffer
	argv := append([]string{"in"}, args...)
	code := metalinkrepository.NewIn(strings.NewReader(stdin), &stdout, &stderr, argv).Execute(context.Background())
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}
