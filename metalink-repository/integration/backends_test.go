package integration_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
)

// backend is one kind of repository the acceptance table runs against.
type backend struct {
	name string
	// seed stores docs in a new repository and returns the source uri and
	// options that reach it.
	seed func(docs []document) (uri string, options map[string]any)
}

// decoy is a metalink stored beside, not inside, the repository path: it
// must never show up.
var decoy = document{path: "v9.9.9.meta4", metalink: release("9.9.9", described("app-9.9.9.tgz", "decoy"))}

var backends = []backend{
	{name: "a file:// directory", seed: seedDirectory},
	{name: "a git+file:// repository", seed: seedGitFile},
	{name: "a git+http:// repository with a sub-path and a branch", seed: seedGitHTTP},
	{name: "a git+ssh:// repository", seed: seedGitSSH},
	{name: "an s3:// prefix on versitygw", seed: seedS3},
	{name: "an http:// repository index", seed: seedHTTPIndex},
}

func seedDirectory(docs []document) (string, map[string]any) {
	root := GinkgoT().TempDir()
	write := func(path string, doc document) {
		target := filepath.Join(root, filepath.FromSlash(path))
		Expect(os.MkdirAll(filepath.Dir(target), 0o755)).To(Succeed())
		Expect(os.WriteFile(target, []byte(marshal(doc.metalink)), 0o644)).To(Succeed())
	}
	for _, doc := range docs {
		write("releases/"+doc.path, doc)
	}
	write("elsewhere/"+decoy.path, decoy)
	return "file://" + filepath.ToSlash(filepath.Join(root, "releases")), nil
}

// gitTree lays docs out under dir inside a git tree.
func gitTree(dir string, docs []document) map[string]string {
	files := map[string]string{}
	for _, doc := range docs {
		files[strings.TrimPrefix(dir+"/"+doc.path, "/")] = marshal(doc.metalink)
	}
	return files
}

// withDecoy adds the decoy outside the sub-path the repository URI names.
func withDecoy(files map[string]string) map[string]string {
	files["elsewhere/"+decoy.path] = marshal(decoy.metalink)
	return files
}

func newGitRepo(name string, files map[string]string) *gitserver.Repo {
	repo := gitserver.NewRepo(GinkgoT(), world.gitRoot, name)
	repo.WriteFiles(GinkgoT(), "publish releases", files)
	return repo
}

func seedGitFile(docs []document) (string, map[string]any) {
	// Without a sub-path the whole tree is the repository: no room for a decoy.
	repo := newGitRepo("file/releases.git", gitTree("", docs))
	return "git+" + repo.FileURL(), nil
}

func seedGitHTTP(docs []document) (string, map[string]any) {
	repo := newGitRepo("http/releases.git", withDecoy(gitTree("metalinks", docs)))
	address := strings.TrimPrefix(world.gitHTTP.URL, "http://")
	return fmt.Sprintf("git+http://%s:%s@%s/%s//metalinks#%s", gitUser, gitPassword, address, repo.Name, gitserver.DefaultBranch), nil
}

func seedGitSSH(docs []document) (string, map[string]any) {
	repo := newGitRepo("ssh/releases.git", withDecoy(gitTree("metalinks", docs)))
	uri := fmt.Sprintf("git+ssh://git@%s/%s//metalinks", world.gitSSH.Addr(), repo.Name)
	return uri, map[string]any{"private_key": world.sshKey.PrivatePEM, "known_hosts": world.gitSSH.KnownHosts()}
}

func seedS3(docs []document) (string, map[string]any) {
	const bucket = "repository"
	world.createBucket(bucket)
	put := func(key string, doc document) {
		Expect(world.s3.Put(context.Background(), bucket, key, []byte(marshal(doc.metalink)))).To(Succeed())
	}
	for _, doc := range docs {
		put("metalinks/"+doc.path, doc)
	}
	put("elsewhere/"+decoy.path, decoy)
	return world.s3.URL(bucket, "metalinks/"), world.s3.Options()
}

func seedHTTPIndex(docs []document) (string, map[string]any) {
	index := repositoryIndex(docs)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/releases/index.xml" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write([]byte(index)) // a failed answer fails the client, where the test looks
	}))
	DeferCleanup(server.Close)
	return server.URL + "/releases/index.xml", nil
}

const indexNamespace = "https://dpb587.github.io/metalink-repository/schema-0.1.0.xsd"

// repositoryIndex is the XML document an http(s) repository serves: every
// metalink with a repository-reference naming its path.
func repositoryIndex(docs []document) string {
	var index strings.Builder
	fmt.Fprintf(&index, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<repository xmlns=%q>\n", indexNamespace)
	for _, doc := range docs {
		xml := marshal(doc.metalink)
		start := strings.Index(xml, "<metalink")
		Expect(start).To(BeNumerically(">=", 0))
		endOfTag := start + strings.Index(xml[start:], ">") + 1
		fmt.Fprintf(&index, "%s\n<repository-reference xmlns=%q><repository>releases</repository><path>%s</path></repository-reference>%s",
			xml[start:endOfTag], indexNamespace, doc.path, xml[endOfTag:])
	}
	index.WriteString("</repository>\n")
	return index.String()
}
