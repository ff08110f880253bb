package meta4repocmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/cli/clitest"
	"github.com/metalink-resources/metalink-resources/shared/cli/meta4repocmd"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/lockedbuffer"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// upstreamPassword is in the userinfo of an upstream URL: never printed.
const upstreamPassword = "upstream-pw-5678"

// audited is what one run of verify printed.
type audited struct {
	code           int
	stdout, stderr string
}

// verifyInProcess runs meta4-repo verify args in this process, with the
// S3 server's credentials in the environment as the SDK's chain reads them.
func verifyInProcess(args ...string) audited {
	GinkgoHelper()
	for _, kv := range append(clitest.IsolatedEnv(),
		"AWS_ACCESS_KEY_ID="+s3server.AccessKey, "AWS_SECRET_ACCESS_KEY="+s3server.SecretKey, "AWS_REGION="+s3server.Region) {
		k, v, _ := strings.Cut(kv, "=")
		GinkgoT().Setenv(k, v)
	}
	var stdout bytes.Buffer
	stderr := &lockedbuffer.Buffer{}
	root, console := meta4repocmd.New(cli.Streams{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: stderr, Getenv: os.Getenv})
	code := cli.Run(context.Background(), root, append([]string{"verify"}, args...), console)
	return audited{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

var _ = Describe("meta4-repo verify", Ordered, func() {
	var (
		s3Srv              *s3server.Server
		site               *httptest.Server
		good, bad, corrupt []byte
		copies             string // directory of the file:// copies
		goodDoc            string // a document whose copies and upstream are fine
		badDocs            map[string]string
	)

	BeforeAll(func() {
		good, bad, corrupt = fixtures.RandomBytes(70_000, 1), fixtures.RandomBytes(50_000, 2), fixtures.RandomBytes(30_000, 3)
		s3Srv = s3server.Start(GinkgoT(), "mirror")
		Expect(s3Srv.Put(context.Background(), "mirror", "app/app-1.0.tgz", good)).To(Succeed())
		// bad's S3 copy was deleted: it is never put.
		copies = GinkgoT().TempDir()
		filetree.Write(filepath.Join(copies, "app-1.0.tgz"), string(good))
		filetree.Write(filepath.Join(copies, "app-2.0.tgz"), string(bad[:1000]))
		flipped := bytes.Clone(corrupt)
		flipped[len(flipped)/2] ^= 0xff
		filetree.Write(filepath.Join(copies, "app-3.0.tgz"), string(flipped))

		changed := fixtures.RandomBytes(50_001, 4)
		site = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			files := map[string][]byte{"/dl/app-1.0.tgz": good, "/dl/app-2.0.tgz": changed, "/dl/app-3.0.tgz": corrupt}
			data, ok := files[r.URL.Path]
			if user, pw, auth := r.BasicAuth(); r.URL.Path == "/private/app-1.0.tgz" && auth && user == "ci" && pw == upstreamPassword {
				data, ok = good, true
			}
			if !ok {
				http.NotFound(w, r)
				return
			}
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
		}))
		DeferCleanup(site.Close)

		userinfoURL := strings.Replace(site.URL, "http://", "http://ci:"+upstreamPassword+"@", 1) + "/private/app-1.0.tgz"
		goodDoc = serveDoc("app-1.0.tgz", "1.0", good,
			s3Srv.URL("mirror", "app/app-1.0.tgz"), "file://"+copies+"/app-1.0.tgz", site.URL+"/dl/app-1.0.tgz", userinfoURL)
		badDocs = map[string]string{
			"app/v1.0.meta4": goodDoc,
			"app/v2.0.meta4": serveDoc("app-2.0.tgz", "2.0", bad,
				s3Srv.URL("mirror", "app/app-2.0.tgz"), "file://"+copies+"/app-2.0.tgz", site.URL+"/dl/app-2.0.tgz", site.URL+"/gone/app-2.0.tgz"),
			"app/v3.0.meta4": serveDoc("app-3.0.tgz", "3.0", corrupt, "file://"+copies+"/app-3.0.tgz", site.URL+"/dl/app-3.0.tgz"),
		}
	})

	// fileRepoOf writes docs (path => XML) into a fresh file:// repository.
	fileRepoOf := func(docs map[string]string) string {
		dir := GinkgoT().TempDir()
		for path, doc := range docs {
			filetree.Write(filepath.Join(dir, path), doc)
		}
		return "file://" + dir
	}

	It("passes a repository whose copies and upstreams are fine, with a summary and exit 0", func() {
		r := verifyInProcess("--disable-ssl", "--upstream", "--deep", fileRepoOf(map[string]string{"app/v1.0.meta4": goodDoc}))
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(Equal("verified 1 versions, 1 files, 2 mirror copies: 0 problems (0 missing, 0 wrong, 0 unreadable); " +
			"2 upstream URLs: 0 vanished, 0 changed, 0 unreachable\n"))
	})

	It("finds a deleted S3 copy and a truncated file copy by size, and fails with exit 1", func() {
		r := verifyInProcess("--disable-ssl", fileRepoOf(badDocs))
		Expect(r.code).To(Equal(1))
		Expect(r.stdout).To(Equal(
			"app/v2.0.meta4 app-2.0.tgz: mirror " + s3Srv.URL("mirror", "app/app-2.0.tgz") + ": missing (404)\n" +
				"app/v2.0.meta4 app-2.0.tgz: mirror file://" + copies + "/app-2.0.tgz: 1000 bytes, want 50000\n" +
				"verified 3 versions, 3 files, 5 mirror copies: 2 problems (1 missing, 1 wrong, 0 unreadable)\n"))
		Expect(r.stderr).To(Equal("meta4-repo verify: 2 of 5 mirror copies missing, wrong or unreadable\n"))
	})

	It("finds a same-size corrupted copy only with --deep, and reports a changed and a vanished upstream as warnings", func() {
		repo := fileRepoOf(badDocs)
		r := verifyInProcess("--disable-ssl", "--deep", "--upstream", repo)
		Expect(r.code).To(Equal(1))
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		Expect(lines).To(HaveLen(6), r.stdout)
		Expect(lines[2]).To(Equal("warning: app/v2.0.meta4 app-2.0.tgz: upstream " + site.URL + "/dl/app-2.0.tgz: changed: 50001 bytes, want 50000"))
		Expect(lines[3]).To(Equal("warning: app/v2.0.meta4 app-2.0.tgz: upstream " + site.URL + "/gone/app-2.0.tgz: vanished (404)"))
		Expect(lines[4]).To(HavePrefix("app/v3.0.meta4 app-3.0.tgz: mirror file://" + copies + "/app-3.0.tgz: sha-256 mismatch: expected " + sha256Of(corrupt)))
		Expect(lines[5]).To(Equal("verified 3 versions, 3 files, 5 mirror copies: 3 problems (1 missing, 2 wrong, 0 unreadable); " +
			"5 upstream URLs: 1 vanished, 1 changed, 0 unreachable"))
	})

	It("exits 0 when only upstreams changed or vanished", func() {
		upstreamOnly := serveDoc("app-2.0.tgz", "2.0", bad, site.URL+"/dl/app-2.0.tgz", site.URL+"/gone/app-2.0.tgz")
		r := verifyInProcess("--upstream", fileRepoOf(map[string]string{"v2.meta4": upstreamOnly}))
		Expect(r.code).To(Equal(0), r.stderr)
		Expect(r.stdout).To(HavePrefix("warning: v2.meta4 app-2.0.tgz: upstream " + site.URL + "/dl/app-2.0.tgz: changed: 50001 bytes, want 50000\n"))
		Expect(r.stdout).To(HaveSuffix("; 2 upstream URLs: 1 vanished, 1 changed, 0 unreachable\n"))
	})

	It("counts URLs under --mirror prefixes as the copies, and every other URL as upstream", func() {
		r := verifyInProcess("--mirror", site.URL+"/gone/", fileRepoOf(map[string]string{"app/v2.0.meta4": badDocs["app/v2.0.meta4"]}))
		Expect(r.code).To(Equal(1))
		Expect(r.stdout).To(Equal("app/v2.0.meta4 app-2.0.tgz: mirror " + site.URL + "/gone/app-2.0.tgz: missing (404)\n" +
			"verified 1 versions, 1 files, 1 mirror copies: 1 problems (1 missing, 0 wrong, 0 unreadable)\n"))
	})

	It("prints one JSON document with the problems and their counts", func() {
		r := verifyInProcess("--disable-ssl", "--format", "json", "--upstream", fileRepoOf(badDocs))
		Expect(r.code).To(Equal(1))
		var doc struct {
			Versions, Files, Copies, Upstreams int
			OK                                 bool
			Counts                             map[string]int
			Problems                           []map[string]string
		}
		Expect(json.Unmarshal([]byte(r.stdout), &doc)).To(Succeed(), r.stdout)
		Expect(doc.Versions).To(Equal(3))
		Expect(doc.Copies).To(Equal(5))
		Expect(doc.Upstreams).To(Equal(5))
		Expect(doc.OK).To(BeFalse())
		Expect(doc.Counts).To(Equal(map[string]int{"missing": 1, "wrong": 1, "unreadable": 0, "vanished": 1, "changed": 1, "unreachable": 0}))
		Expect(doc.Problems[0]).To(Equal(map[string]string{"path": "app/v2.0.meta4", "file": "app-2.0.tgz",
			"url": s3Srv.URL("mirror", "app/app-2.0.tgz"), "role": "mirror", "kind": "missing", "detail": "missing (404)"}))
	})

	It("audits a git repository through the built binary, printing no credential", func() {
		root := GinkgoT().TempDir()
		repo := gitserver.NewRepo(GinkgoT(), root, "acme/metalinks.git")
		repo.WriteFiles(GinkgoT(), "app", badDocs)
		broken := strings.Replace(site.URL, "http://", "http://ci:"+upstreamPassword+"@", 1) + "/gone/app-1.0.tgz?X-Amz-Signature=sig-secret-999"
		repo.WriteFiles(GinkgoT(), "private", map[string]string{"private/v1.meta4": serveDoc("app-1.0.tgz", "1.0", good, broken)})
		tool := repoTool("AWS_ACCESS_KEY_ID="+s3server.AccessKey, "AWS_SECRET_ACCESS_KEY="+s3server.SecretKey, "AWS_REGION="+s3server.Region)
		r := tool.Run("verify", "--disable-ssl", "--upstream", "git+"+repo.FileURL()+"#main")
		Expect(r.Code).To(Equal(1), r.Stderr)
		Expect(r.Stdout).To(ContainSubstring("warning: private/v1.meta4 app-1.0.tgz: upstream http://[redacted]@" +
			strings.TrimPrefix(site.URL, "http://") + "/gone/app-1.0.tgz?X-Amz-Signature=[redacted]: vanished (404)\n"))
		Expect(r.Stdout).To(HaveSuffix("verified 4 versions, 4 files, 5 mirror copies: 2 problems (1 missing, 1 wrong, 0 unreadable); " +
			"6 upstream URLs: 2 vanished, 1 changed, 0 unreachable\n"))
		for _, secret := range []string{upstreamPassword, s3server.SecretKey, "sig-secret-999"} {
			Expect(r.Stdout + r.Stderr).NotTo(ContainSubstring(secret))
		}
	})

	It("runs the README's nightly audit as written, on a repository in S3", func() {
		Expect(s3Srv.Put(context.Background(), "mirror", "metalinks/golang.org/v1.0.meta4", []byte(goodDoc))).To(Succeed())
		job := readmeScript("resources:\n- name: nightly")
		args := regexp.MustCompile(`(?m)^\s*args: \[(.*)\]$`).FindStringSubmatch(job)
		Expect(args).To(HaveLen(2), job)
		var argv []string
		for _, arg := range strings.Split(args[1], ", ") {
			argv = append(argv, strings.Trim(arg, `"`))
		}
		Expect(argv[len(argv)-1]).To(HavePrefix("s3://"))
		argv[len(argv)-1] = "s3://" + s3Srv.Host + "/mirror/metalinks/golang.org"
		tool := repoTool("AWS_ACCESS_KEY_ID="+s3server.AccessKey, "AWS_SECRET_ACCESS_KEY="+s3server.SecretKey,
			"AWS_REGION="+s3server.Region, "META4_REPO_DISABLE_SSL=true")
		Expect(tool.Succeed(argv...)).To(Equal("verified 1 versions, 1 files, 2 mirror copies: 0 problems (0 missing, 0 wrong, 0 unreadable); " +
			"2 upstream URLs: 0 vanished, 0 changed, 0 unreachable\n"))
	})

	DescribeTable("refuses bad input with one line naming the culprit and exit 2",
		func(args []string, line string) {
			r := verifyInProcess(args...)
			Expect(r.code).To(Equal(2))
			Expect(strings.SplitN(r.stderr, "\n", 2)[0]).To(Equal(line))
		},
		Entry("an unknown format", []string{"--format", "yaml", "file:///x"}, `meta4-repo verify: --format "yaml": expected text, json`),
		Entry("no jobs", []string{"--jobs", "0", "file:///x"}, "meta4-repo verify: --jobs 0: must be positive"),
		Entry("an unknown flag", []string{"--depp", "file:///x"}, "meta4-repo verify: unknown flag: --depp (did you mean --deep?)"),
		Entry("no URI", []string{}, "meta4-repo verify: accepts 1 arg(s), received 0"),
		Entry("a --mirror that is no URL prefix", []string{"--mirror", "cdn", "file:///x"},
			`meta4-repo verify: --mirror "cdn": expected a URL prefix such as s3://host/bucket/ or https://cdn.example.com/`),
	)
})
